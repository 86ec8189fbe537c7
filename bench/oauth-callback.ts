// The TikTok callback under load against the emulator: state check, code exchange, user info, sealed
// storage. Each request needs its own state and code, so they are prepared first and handed out one per
// request. Baseline, same run: the two vendor calls the callback makes, made directly.
import autocannon from "autocannon";
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
    TIKTOK_CLIENT_KEY: "huntaze-dev-client-key",
    TIKTOK_CLIENT_SECRET: "huntaze-dev-client-secret",
    TIKTOK_AUTH_URL: `${tiktok.url}/v2/auth/authorize/`,
    TIKTOK_API_URL: tiktok.url,
  });
  try {
    await waitForHttp(`${appUrl}/api/health`);
    // Each bench creator is its own account: one TikTok account can belong to one creator only.
    const cookies: string[] = [];
    const callbacks: string[] = [];
    for (let i = 0; i < total; i++) {
      if (i % 20 === 0) {
        const signUp = await fetch(`${appUrl}/api/auth/sign-up/email`, {
          method: "POST",
          headers: { "content-type": "application/json", origin: appUrl, "x-forwarded-for": `10.77.${i >> 8}.${i & 255}` },
          body: JSON.stringify({ email: `bench-${Date.now()}-${i}@example.com`, password: "violet staircase umbrella", name: "Bench" }),
        });
        cookies.push((signUp.headers.get("set-cookie") ?? "").split(";")[0]!);
      }
      const cookie = cookies[cookies.length - 1]!;
      const entry = await fetch(`${appUrl}/api/auth/tiktok`, { headers: { cookie }, redirect: "manual" });
      const back = await answerConsent(entry.headers.get("location")!, "Allow");
      callbacks.push(`${back.pathname}${back.search}\n${cookie}`);
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
                const [path, cookie] = callbacks[next++ % callbacks.length]!.split("\n");
                return { ...request, path, headers: { ...request.headers, cookie: cookie! } };
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
    const connected = tiktok.control.requests().filter((r) => r.path === "/v2/user/info/").length;

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

