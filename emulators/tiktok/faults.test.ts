import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { expectTruncatedJson, postControl } from "../shared/test-support";
import { startTikTokEmulator } from "./index";
import { authorizationCode, connect, exchangeCode, refresh, userInfo, videoList } from "./test-support";

const emu = await startTikTokEmulator({ timeoutHoldMs: 5_000 });
afterAll(() => emu.close());
beforeEach(() => emu.control.reset());

describe("TikTok fault injection", () => {
  it("http_500 on the token endpoint answers 500 server_error once, then the next call works", async () => {
    emu.control.fault({ endpoint: "token", mode: "http_500" });
    const code = await authorizationCode(emu.url);
    const failed = await exchangeCode(emu.url, code);
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({ error: "server_error", log_id: expect.any(String) });
    expect((await exchangeCode(emu.url, code)).status).toBe(200);
  });

  it("http_503 on user_info answers 503 in the Display API envelope", async () => {
    const { access_token } = await connect(emu.url);
    emu.control.fault({ endpoint: "user_info", mode: "http_503" });
    const res = await userInfo(emu.url, access_token);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ data: {}, error: { code: "internal_error" } });
  });

  it("rate_limited answers 429 rate_limit_exceeded for the number of times asked", async () => {
    const { access_token } = await connect(emu.url);
    emu.control.fault({ endpoint: "video_list", mode: "rate_limited", times: 2 });
    for (let i = 0; i < 2; i += 1) {
      const res = await videoList(emu.url, access_token);
      expect(res.status).toBe(429);
      expect(await res.json()).toMatchObject({ error: { code: "rate_limit_exceeded" } });
    }
    expect((await videoList(emu.url, access_token)).status).toBe(200);
  });

  it("revoked_token answers 401 access_token_invalid on the Display API and invalid_grant on refresh", async () => {
    const tokens = await connect(emu.url);
    emu.control.fault({ endpoint: "user_info", mode: "revoked_token" });
    const info = await userInfo(emu.url, tokens.access_token);
    expect(info.status).toBe(401);
    expect(await info.json()).toMatchObject({ error: { code: "access_token_invalid" } });
    emu.control.fault({ endpoint: "refresh", mode: "revoked_token" });
    expect(await (await refresh(emu.url, tokens.refresh_token)).json()).toMatchObject({ error: "invalid_grant" });
  });

  it("malformed_json answers 200 with a truncated application/json body", async () => {
    const code = await authorizationCode(emu.url);
    emu.control.fault({ endpoint: "token", mode: "malformed_json" });
    const res = await exchangeCode(emu.url, code);
    await expectTruncatedJson(res);
  });

  it("timeout accepts the request and never answers, until the client gives up", async () => {
    const { access_token } = await connect(emu.url);
    emu.control.fault({ endpoint: "user_info", mode: "timeout" });
    const started = Date.now();
    const call = fetch(`${emu.url}/v2/user/info/?fields=open_id`, {
      headers: { authorization: `Bearer ${access_token}` },
      signal: AbortSignal.timeout(300),
    });
    await expect(call).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect((await userInfo(emu.url, access_token)).status).toBe(200);
  });

  it("close() ends a held timeout request instead of waiting for it", async () => {
    const other = await startTikTokEmulator();
    other.control.fault({ endpoint: "video_list", mode: "timeout" });
    const { access_token } = await connect(other.url);
    const call = videoList(other.url, access_token).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await other.close();
    expect(await call).toBeInstanceOf(Error);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("'*' with times -1 fails every endpoint until reset", async () => {
    const { access_token } = await connect(emu.url);
    emu.control.fault({ endpoint: "*", mode: "http_500", times: -1 });
    for (let i = 0; i < 3; i += 1) expect((await userInfo(emu.url, access_token)).status).toBe(500);
    expect((await videoList(emu.url, access_token)).status).toBe(500);
    emu.control.clearFaults();
    expect((await userInfo(emu.url, access_token)).status).toBe(200);
  });

  it("keeps a fault armed with times Infinity until cleared", async () => {
    const { access_token } = await connect(emu.url);
    emu.control.fault({ endpoint: "video_list", mode: "http_503", times: Infinity });
    for (let i = 0; i < 3; i += 1) expect((await videoList(emu.url, access_token)).status).toBe(503);
    expect(emu.control.faults()).toEqual([expect.objectContaining({ endpoint: "video_list", remaining: Infinity })]);
    expect(() => emu.control.fault({ endpoint: "video_list", mode: "http_503", times: 0 })).toThrow();
  });

  it("refuses a fault for an endpoint it does not have, so typos fail loudly", () => {
    expect(() => emu.control.fault({ endpoint: "userinfo", mode: "http_500" })).toThrow(/unknown fault endpoint/);
  });

  it("reset forgets every issued token as well as faults", async () => {
    const { access_token } = await connect(emu.url);
    emu.control.fault({ endpoint: "user_info", mode: "http_500" });
    emu.control.reset();
    expect(emu.control.faults()).toEqual([]);
    expect(emu.control.issuedTokens()).toEqual([]);
    expect((await userInfo(emu.url, access_token)).status).toBe(401);
  });
});

describe("TikTok control over HTTP", () => {
  const post = (path: string, body: unknown) => postControl(emu.url, path, body);

  it("arms faults, moves the clock, rotates secrets and lists requests and revocations as JSON", async () => {
    const tokens = await connect(emu.url);
    expect((await post("fault", { endpoint: "user_info", mode: "rate_limited" })).status).toBe(200);
    expect((await userInfo(emu.url, tokens.access_token)).status).toBe(429);

    expect((await post("clock", { seconds: 86_400 })).status).toBe(200);
    expect((await userInfo(emu.url, tokens.access_token)).status).toBe(401);

    expect((await post("client-secrets", { secrets: ["rotated"] })).status).toBe(200);
    expect(await (await refresh(emu.url, tokens.refresh_token)).json()).toMatchObject({ error: "invalid_client" });

    const requests = (await (await fetch(`${emu.url}/__control/requests`)).json()) as Array<{ path: string }>;
    expect(requests.map((r) => r.path)).toContain("/v2/oauth/token/");
    expect(requests.some((r) => r.path.startsWith("/__control"))).toBe(false);
    expect(await (await fetch(`${emu.url}/__control/revocations`)).json()).toEqual([]);

    expect((await post("reset", {})).status).toBe(200);
    expect(await (await fetch(`${emu.url}/__control/requests`)).json()).toEqual([]);
  });

  it("answers 400 with a reason for an invalid control body", async () => {
    const res = await post("fault", { endpoint: "token", mode: "explode" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: expect.stringContaining("mode") });
    expect((await post("clock", { seconds: -5 })).status).toBe(400);
  });
});
