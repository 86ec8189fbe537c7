// The TikTok callback under load against the emulator: state check, code exchange, user info, sealed
// storage. Each request needs its own state and code, so they are prepared first and handed out one per
// request. Baseline, same run: the two vendor calls the callback makes, made directly.
import autocannon from "autocannon";
import pg from "pg";
import { startTikTokEmulator } from "@/emulators/tiktok";
import { answerConsent } from "@/src/testing/consent";
import { startProcess, waitForHttp } from "./harness";
import { freePort } from "@/e2e/support/app-server";

export interface LatencySummary {
  name: string;
  count: number;
  p50Ms: number;
  p95Ms: number;
  errors: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const summarize = (name: string, samples: number[], errors: number): LatencySummary => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { name, count: samples.length, p50Ms: percentile(sorted, 50), p95Ms: percentile(sorted, 95), errors };
};

export async function benchOAuthCallback(env: Record<string, string>, total = Number(process.env.BENCH_CALLBACKS ?? 200)): Promise<LatencySummary[]> {
  const tiktok = await startTikTokEmulator();
  const port = await freePort();
  const appUrl = `http://localhost:${port}`;
  const app = await startProcess("node_modules/.bin/next", ["start", "-p", String(port), "-H", "127.0.0.1"], {
    ...env,
    PUBLIC_APP_URL: appUrl,
    LOG_LEVEL: "warn",
    // Every prepared callback comes from its own address, so per-IP limits are checked but never reached.
    TRUST_PROXY_HOPS: "1",
    TIKTOK_CLIENT_KEY: "huntaze-dev-client-key",
    TIKTOK_CLIENT_SECRET: "huntaze-dev-client-secret",
    TIKTOK_AUTH_URL: `${tiktok.url}/v2/auth/authorize/`,
    TIKTOK_API_URL: tiktok.url,
  });
  try {
    await waitForHttp(`${appUrl}/api/health`);
    // One creator reconnecting the emulator's one TikTok account: every callback takes the full path
    // (state, code exchange, user info, sealed upsert, audit row).
    const signUp = await fetch(`${appUrl}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: appUrl, "x-forwarded-for": "10.76.0.1" },
      body: JSON.stringify({ email: `bench-${Date.now()}@example.com`, password: "violet staircase umbrella", name: "Bench" }),
    });
    const cookie = (signUp.headers.get("set-cookie") ?? "").split(";")[0]!;
    const callbacks: Array<{ path: string; cookie: string; ip: string }> = [];
    for (let i = 0; i < total; i++) {
      const ip = `10.77.${i >> 8}.${i & 255}`;
      const entry = await fetch(`${appUrl}/api/auth/tiktok`, { headers: { cookie, "x-forwarded-for": ip }, redirect: "manual" });
      const location = entry.headers.get("location");
      if (!location?.startsWith(tiktok.url)) throw new Error(`entry point answered ${entry.status} ${location}`);
      const back = await answerConsent(location, "Allow");
      callbacks.push({ path: `${back.pathname}${back.search}`, cookie, ip });
    }

    const samples: number[] = [];
    let errors = 0;
    let next = 0;
    await new Promise<void>((resolve, reject) => {
      const instance = autocannon(
        {
          url: appUrl,
          connections: 1, // latency of one callback at a time, like the baseline
          amount: total,
          requests: [
            {
              setupRequest: (request) => {
                const { path, cookie, ip } = callbacks[next++ % callbacks.length]!;
                return { ...request, path, headers: { ...request.headers, cookie, "x-forwarded-for": ip } };
              },
            },
          ],
        },
        (error) => (error ? reject(error) : resolve()),
      );
      instance.on("response", (_client, statusCode, _bytes, responseTime) => {
        samples.push(responseTime);
        if (statusCode !== 307) errors++;
      });
    });
    const audit = new pg.Client({ connectionString: env.DATABASE_URL });
    await audit.connect();
    const connected = Number((await audit.query(`SELECT count(*) AS n FROM "AuditLog" WHERE action = 'social.connected'`)).rows[0].n);
    await audit.end();

    // Baseline: the vendor round trips alone (token exchange + user info), same emulator, same run.
    const vendor: number[] = [];
    for (let i = 0; i < Math.min(total, 100); i++) {
      const url = new URL(`${tiktok.url}/v2/auth/authorize/`);
      for (const [k, v] of Object.entries({ client_key: "huntaze-dev-client-key", response_type: "code", scope: "user.info.basic,user.info.profile,user.info.stats", redirect_uri: `${appUrl}/cb`, state: `s${i}` })) url.searchParams.set(k, v);
      const back = await answerConsent(url.toString(), "Allow");
      const started = performance.now();
      const token = await fetch(`${tiktok.url}/v2/oauth/token/`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ client_key: "huntaze-dev-client-key", client_secret: "huntaze-dev-client-secret", code: back.searchParams.get("code")!, grant_type: "authorization_code", redirect_uri: `${appUrl}/cb` }),
      }).then((r) => r.json() as Promise<{ access_token: string }>);
      await fetch(`${tiktok.url}/v2/user/info/?fields=open_id,display_name,username,avatar_url`, { headers: { authorization: `Bearer ${token.access_token}` } }).then((r) => r.text());
      vendor.push(performance.now() - started);
    }
    return [
      summarize("vendor calls alone (token + user info)", vendor, 0),
      summarize(`GET /api/auth/tiktok/callback (${connected} connected)`, samples, errors),
    ];
  } finally {
    app.kill("SIGTERM");
    await tiktok.close();
  }
}

