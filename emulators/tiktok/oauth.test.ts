import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { startTikTokEmulator } from "./index";
import {
  authorizationCode,
  CLIENT_KEY,
  CLIENT_SECRET,
  connect,
  exchangeCode,
  pkcePair,
  postForm,
  REDIRECT_URI,
  refresh,
  userInfo,
} from "./test-support";

const emu = await startTikTokEmulator();
afterAll(() => emu.close());
beforeEach(() => emu.control.reset());

describe("TikTok token endpoint", () => {
  it("exchanges a once-decoded code for every documented token field", async () => {
    const tokens = await connect(emu.url);
    expect(tokens).toMatchObject({
      expires_in: 86_400,
      refresh_expires_in: 31_536_000,
      scope: "user.info.basic,user.info.profile,user.info.stats,video.list",
      token_type: "Bearer",
    });
    expect(tokens.access_token).toMatch(/^act\./);
    expect(tokens.refresh_token).toMatch(/^rft\./);
    expect(tokens.open_id).toBeTruthy();
    expect(emu.control.issuedTokens()).toEqual([tokens.access_token]);
  });

  it("rejects a code that was not URL-decoded before the exchange", async () => {
    const code = await authorizationCode(emu.url);
    const res = await exchangeCode(emu.url, encodeURIComponent(code).replace(/\*/g, "%2A"));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("refuses a code used twice", async () => {
    const code = await authorizationCode(emu.url);
    expect((await exchangeCode(emu.url, code)).status).toBe(200);
    const again = await exchangeCode(emu.url, code);
    expect(again.status).toBe(400);
    const body = (await again.json()) as Record<string, string>;
    expect(body.error).toBe("invalid_grant");
    expect(body.log_id).toBeTruthy();
    expect(again.headers.get("x-tt-logid")).toBe(body.log_id);
  });

  it("refuses a code after codeTtlSeconds on the virtual clock", async () => {
    const code = await authorizationCode(emu.url);
    emu.control.advanceClock(601);
    const res = await exchangeCode(emu.url, code);
    expect(await res.json()).toMatchObject({ error: "invalid_grant", error_description: "Authorization code is expired." });
  });

  it("refuses a redirect_uri different from the one authorized", async () => {
    const code = await authorizationCode(emu.url);
    const res = await exchangeCode(emu.url, code, { redirect_uri: `${REDIRECT_URI}/` });
    expect(await res.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("accepts only a form-encoded body: JSON and query-string parameters are invalid_request", async () => {
    const code = await authorizationCode(emu.url);
    const fields = { client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, code, grant_type: "authorization_code", redirect_uri: REDIRECT_URI };
    const asJson = await fetch(`${emu.url}/v2/oauth/token/`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(fields) });
    expect(asJson.status).toBe(400);
    expect(await asJson.json()).toMatchObject({ error: "invalid_request" });
    const inQuery = await fetch(`${emu.url}/v2/oauth/token/?${new URLSearchParams(fields)}`, { method: "POST", body: new URLSearchParams({}) });
    expect(await inQuery.json()).toMatchObject({ error: "invalid_request" });
    expect((await exchangeCode(emu.url, code)).status).toBe(200); // neither attempt consumed the code
  });

  it("answers invalid_client for a wrong key or secret and unsupported_grant_type for an unknown grant", async () => {
    const code = await authorizationCode(emu.url);
    expect(await (await exchangeCode(emu.url, code, { client_key: "nope" })).json()).toMatchObject({ error: "invalid_client" });
    expect(await (await exchangeCode(emu.url, code, { client_secret: "nope" })).json()).toMatchObject({ error: "invalid_client" });
    expect(await (await exchangeCode(emu.url, code, { grant_type: "password" })).json()).toMatchObject({ error: "unsupported_grant_type" });
    const missing = await postForm(`${emu.url}/v2/oauth/token/`, { client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, grant_type: "authorization_code" });
    expect(await missing.json()).toMatchObject({ error: "invalid_request" });
  });

  it("requires the matching code_verifier when the authorize request carried an S256 challenge", async () => {
    const pkce = pkcePair();
    const overrides = { code_challenge: pkce.challenge, code_challenge_method: "S256" };
    const noVerifier = await exchangeCode(emu.url, await authorizationCode(emu.url, overrides));
    expect(await noVerifier.json()).toMatchObject({ error: "invalid_request", error_description: "Code verifier or code challenge is invalid." });
    const wrong = await exchangeCode(emu.url, await authorizationCode(emu.url, overrides), { code_verifier: pkcePair().verifier });
    expect(wrong.status).toBe(400);
    const right = await exchangeCode(emu.url, await authorizationCode(emu.url, overrides), { code_verifier: pkce.verifier });
    expect(right.status).toBe(200);
  });

  it("also accepts the hex-encoded SHA-256 challenge TikTok's desktop guide shows", async () => {
    const pkce = pkcePair("hex");
    const code = await authorizationCode(emu.url, { code_challenge: pkce.challenge, code_challenge_method: "S256" });
    expect((await exchangeCode(emu.url, code, { code_verifier: pkce.verifier })).status).toBe(200);
  });

  it("refreshes into a new pair and stops accepting the old refresh token", async () => {
    const first = await connect(emu.url);
    emu.control.advanceClock(3600);
    const res = await refresh(emu.url, first.refresh_token);
    expect(res.status).toBe(200);
    const second = (await res.json()) as typeof first;
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.expires_in).toBe(86_400);
    expect(second.refresh_expires_in).toBe(31_536_000 - 3600);
    expect((await userInfo(emu.url, second.access_token)).status).toBe(200);
    expect(await (await refresh(emu.url, first.refresh_token)).json()).toMatchObject({ error: "invalid_grant" });
  });

  it("expires access tokens after accessTokenTtlSeconds and refresh tokens after refreshTokenTtlSeconds", async () => {
    const tokens = await connect(emu.url);
    emu.control.advanceClock(86_400);
    expect((await userInfo(emu.url, tokens.access_token)).status).toBe(401);
    expect(emu.control.issuedTokens()).toEqual([]);
    emu.control.advanceClock(31_536_000);
    expect(await (await refresh(emu.url, tokens.refresh_token)).json()).toMatchObject({ error: "invalid_grant" });
  });

  it("answers the old secret with invalid_client after setClientSecrets rotates it", async () => {
    const tokens = await connect(emu.url);
    emu.control.setClientSecrets(["old-and-new", "brand-new-secret"]);
    expect(await (await refresh(emu.url, tokens.refresh_token)).json()).toMatchObject({ error: "invalid_client" });
    expect((await refresh(emu.url, tokens.refresh_token, "brand-new-secret")).status).toBe(200);
  });

  it("can send OAuth errors with HTTP 200, as TikTok has been seen to", async () => {
    const lenientStatus = await startTikTokEmulator({ oauthErrorStatus: 200 });
    try {
      const res = await exchangeCode(lenientStatus.url, "not-a-code");
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ error: "invalid_grant" });
    } finally {
      await lenientStatus.close();
    }
  });

  it("records the token call with its decoded form body for assertions", async () => {
    const pkce = pkcePair();
    const code = await authorizationCode(emu.url, { code_challenge: pkce.challenge, code_challenge_method: "S256" });
    await exchangeCode(emu.url, code, { code_verifier: pkce.verifier });
    const call = emu.control.requests().find((r) => r.path === "/v2/oauth/token/");
    expect(call?.contentType).toBe("application/x-www-form-urlencoded");
    expect(call?.body).toMatchObject({ grant_type: "authorization_code", code, code_verifier: pkce.verifier });
  });
});

describe("TikTok revoke endpoint", () => {
  it("revokes the access token and its refresh token and records the revocation", async () => {
    const tokens = await connect(emu.url);
    const res = await postForm(`${emu.url}/v2/oauth/revoke/`, { client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, token: tokens.access_token });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    expect(res.headers.get("x-tt-logid")).toBeTruthy();
    expect(emu.control.revocations()).toEqual([tokens.access_token]);
    expect(await (await userInfo(emu.url, tokens.access_token)).json()).toMatchObject({ error: { code: "access_token_invalid" } });
    expect(await (await refresh(emu.url, tokens.refresh_token)).json()).toMatchObject({ error: "invalid_grant" });
  });

  it("requires client credentials and a token it issued", async () => {
    const tokens = await connect(emu.url);
    const wrongSecret = await postForm(`${emu.url}/v2/oauth/revoke/`, { client_key: CLIENT_KEY, client_secret: "x", token: tokens.access_token });
    expect(await wrongSecret.json()).toMatchObject({ error: "invalid_client" });
    const unknown = await postForm(`${emu.url}/v2/oauth/revoke/`, { client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, token: "act.never-issued" });
    expect(unknown.status).toBe(400);
    expect(emu.control.revocations()).toEqual([]);
  });
});
