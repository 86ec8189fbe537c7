import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { expectTruncatedJson, postControl } from "../shared/test-support";
import { startInstagramEmulator } from "./index";
import { authorizationCode, exchangeCode, exchangeForLongLived, graph, longLivedToken, shortLivedToken, type GraphErrorBody } from "./test-support";

const emu = await startInstagramEmulator({ timeoutHoldMs: 5_000 });
afterAll(() => emu.close());
beforeEach(() => emu.control.reset());

describe("Instagram fault injection", () => {
  it("rate_limited answers Graph code 4 with HTTP 400 by default, once", async () => {
    const token = await longLivedToken(emu.url);
    emu.control.fault({ endpoint: "me", mode: "rate_limited" });
    const res = await graph(emu.url, "/me", token);
    expect(res.status).toBe(400);
    expect(((await res.json()) as GraphErrorBody).error).toMatchObject({ code: 4, message: "(#4) Application request limit reached" });
    expect((await graph(emu.url, "/me", token)).status).toBe(200);
  });

  it.each([[17], [32], [613]])("rate_limited can use rate-limit code %i, and HTTP 429 when asked", async (code) => {
    const token = await longLivedToken(emu.url);
    emu.control.fault({ endpoint: "media", mode: "rate_limited", code, status: 429 });
    const res = await graph(emu.url, "/me/media", token);
    expect(res.status).toBe(429);
    expect(((await res.json()) as GraphErrorBody).error.code).toBe(code);
  });

  it("revoked_token answers code 190 OAuthException with HTTP 400", async () => {
    const token = await longLivedToken(emu.url);
    emu.control.fault({ endpoint: "media_insights", mode: "revoked_token" });
    const [, older] = ((await (await graph(emu.url, "/me/media", token)).json()) as { data: Array<{ id: string }> }).data;
    const res = await graph(emu.url, `/${older!.id}/insights`, token, { metric: "reach" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as GraphErrorBody).error).toMatchObject({ code: 190, type: "OAuthException" });
  });

  it("http_500 on the code exchange answers in api.instagram.com's error shape", async () => {
    const code = await authorizationCode(emu.url);
    emu.control.fault({ endpoint: "token", mode: "http_500" });
    const res = await exchangeCode(emu.url, code);
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ error_type: "OAuthException", code: 500 });
    expect((await exchangeCode(emu.url, code)).status).toBe(200);
  });

  it("http_503 on Graph answers transient error code 2", async () => {
    const token = await longLivedToken(emu.url);
    emu.control.fault({ endpoint: "account_insights", mode: "http_503" });
    const res = await graph(emu.url, "/me/insights", token, { metric: "reach", period: "day" });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: number; is_transient: boolean } }).error).toMatchObject({ code: 2, is_transient: true });
  });

  it("malformed_json on the long-lived exchange answers 200 with a truncated JSON body", async () => {
    const short = await shortLivedToken(emu.url);
    emu.control.fault({ endpoint: "exchange", mode: "malformed_json" });
    const res = await exchangeForLongLived(emu.url, short);
    await expectTruncatedJson(res);
  });

  it("timeout holds a refresh call until the client gives up", async () => {
    const token = await longLivedToken(emu.url);
    emu.control.fault({ endpoint: "refresh", mode: "timeout" });
    const call = fetch(`${emu.url}/refresh_access_token?grant_type=ig_refresh_token&access_token=${token}`, { signal: AbortSignal.timeout(200) });
    await expect(call).rejects.toThrow();
  });

  it("short-lived tokens stop working after an hour on the virtual clock", async () => {
    const short = await shortLivedToken(emu.url);
    expect((await graph(emu.url, "/me", short)).status).toBe(200);
    emu.control.advanceClock(3600);
    expect(((await (await graph(emu.url, "/me", short)).json()) as GraphErrorBody).error.code).toBe(190);
  });
});

describe("Instagram control over HTTP", () => {
  const post = (path: string, body: unknown) => postControl(emu.url, path, body);

  it("switches the token reply shape, arms faults and lists requests as JSON", async () => {
    expect((await post("token-reply-shape", { shape: "flat" })).status).toBe(200);
    const flat = (await (await exchangeCode(emu.url, await authorizationCode(emu.url))).json()) as Record<string, unknown>;
    expect(flat.access_token).toBeTruthy();
    expect(flat.data).toBeUndefined();

    expect((await post("fault", { endpoint: "*", mode: "http_500", times: -1 })).status).toBe(200);
    expect(await (await fetch(`${emu.url}/__control/faults`)).json()).toEqual([{ endpoint: "*", mode: "http_500", remaining: -1 }]);
    expect((await graph(emu.url, "/me", String(flat.access_token))).status).toBe(500);

    const requests = (await (await fetch(`${emu.url}/__control/requests`)).json()) as Array<{ path: string; method: string }>;
    expect(requests.some((r) => r.method === "POST" && r.path === "/oauth/access_token")).toBe(true);
    expect(await (await fetch(`${emu.url}/__control/revocations`)).json()).toEqual([]);
    expect((await post("token-reply-shape", { shape: "nested" })).status).toBe(400);
  });
});
