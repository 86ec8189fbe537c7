import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { expectHtmlErrorPage } from "../shared/test-support";
import { startInstagramEmulator } from "./index";
import { authorizationCode, authorizeUrl, CLIENT_SECRET, decide, exchangeCode, REDIRECT_URI } from "./test-support";

const emu = await startInstagramEmulator();
afterAll(() => emu.close());
beforeEach(() => emu.control.reset());

describe("Instagram authorize page", () => {
  it("lists the requested instagram_business_* scopes with Allow and Deny in a form posting to the decision URL", async () => {
    const res = await fetch(authorizeUrl(emu.url));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("instagram_business_basic");
    expect(html).toContain("instagram_business_manage_insights");
    expect(html).toContain('<form method="post" action="/oauth/authorize/decision">');
    expect(html).toMatch(/<button[^>]*>Allow<\/button>/);
    expect(html).toMatch(/<button[^>]*>Deny<\/button>/);
  });

  it.each([
    ["an unknown client_id", { client_id: "123" }],
    ["a non-http redirect_uri", { redirect_uri: "ftp://x.test/cb" }],
    ["a redirect_uri with a fragment", { redirect_uri: `${REDIRECT_URI}#frag` }],
    ["the retired business_basic scope name", { scope: "business_basic,business_manage_insights" }],
    ["scopes without instagram_business_basic", { scope: "instagram_business_manage_insights" }],
    ["response_type token", { response_type: "token" }],
  ])("answers %s with an HTML error page, never a redirect", async (_label, overrides) => {
    await expectHtmlErrorPage(authorizeUrl(emu.url, overrides));
  });

  it("accepts a space-separated scope list, which Meta documents alongside commas", async () => {
    const res = await fetch(authorizeUrl(emu.url, { scope: "instagram_business_basic instagram_business_manage_insights" }));
    expect(res.status).toBe(200);
  });

  it("redirects Allow with the code and state, and the #_ Instagram appends", async () => {
    const location = await decide(emu.url);
    expect(location.startsWith(`${REDIRECT_URI}?code=`)).toBe(true);
    expect(location.endsWith("#_")).toBe(true);
    const url = new URL(location);
    expect(url.searchParams.get("state")).toBe("ig-state-1");
    expect(url.searchParams.get("code")).toMatch(/^AQ[\w-]+$/);
  });

  it("redirects Deny with access_denied, user_denied and Instagram's description", async () => {
    const location = await decide(emu.url, {}, "deny");
    expect(location).toBe(
      `${REDIRECT_URI}?error=access_denied&error_reason=user_denied&error_description=The+user+denied+your+request.&state=ig-state-1`,
    );
  });
});

describe("Instagram code exchange", () => {
  it("answers a form-encoded exchange with the wrapped reply: data[0] with access_token, user_id and permissions", async () => {
    const res = await exchangeCode(emu.url, await authorizationCode(emu.url));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: Array<Record<string, unknown>> };
    expect(body.data).toHaveLength(1);
    expect(body.data[0]).toEqual({
      access_token: expect.stringMatching(/^IGAA/),
      user_id: "17841400008460057",
      permissions: "instagram_business_basic,instagram_business_manage_insights",
    });
    expect(emu.control.issuedTokens()).toEqual([body.data[0]!.access_token]);
  });

  it("accepts a multipart/form-data body, as in Meta's curl -F examples", async () => {
    const res = await exchangeCode(emu.url, await authorizationCode(emu.url), { multipart: true });
    expect(res.status).toBe(200);
    expect(emu.control.requests().at(-1)?.body).toMatchObject({ grant_type: "authorization_code", client_secret: CLIENT_SECRET });
  });

  it("answers the flat reply with user_id as a bare JSON number beyond 2^53", async () => {
    emu.control.setTokenReplyShape("flat");
    const text = await (await exchangeCode(emu.url, await authorizationCode(emu.url))).text();
    expect(text).toMatch(/"user_id":17841400008460057,/);
    const body = JSON.parse(text) as Record<string, unknown>;
    expect(body.permissions).toBe("instagram_business_basic,instagram_business_manage_insights");
    expect(String(body.user_id)).not.toBe("17841400008460057"); // what a naive JSON.parse does to it
  });

  it("refuses a code that still carries the #_ suffix", async () => {
    const code = await authorizationCode(emu.url);
    const res = await exchangeCode(emu.url, `${code}#_`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error_type: "OAuthException", code: 400, error_message: "Invalid authorization code" });
  });

  it("refuses a code used twice and a code older than an hour", async () => {
    const code = await authorizationCode(emu.url);
    expect((await exchangeCode(emu.url, code)).status).toBe(200);
    expect(await (await exchangeCode(emu.url, code)).json()).toMatchObject({ error_message: "This authorization code has been used" });
    const stale = await authorizationCode(emu.url);
    emu.control.advanceClock(3600);
    expect(await (await exchangeCode(emu.url, stale)).json()).toMatchObject({ error_message: "This authorization code has expired" });
  });

  it("refuses a different redirect_uri, a wrong secret, and parameters sent as JSON", async () => {
    const code = await authorizationCode(emu.url);
    const mismatch = await exchangeCode(emu.url, code, { extra: { redirect_uri: `${REDIRECT_URI}/` } });
    expect(((await mismatch.json()) as { error_message: string }).error_message).toContain("redirect_uri is identical");
    const secret = await exchangeCode(emu.url, await authorizationCode(emu.url), { extra: { client_secret: "wrong" } });
    expect(secret.status).toBe(400);
    expect(await secret.json()).toMatchObject({ error_type: "OAuthException", code: 400 });
    const json = await fetch(`${emu.url}/oauth/access_token`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(await json.json()).toMatchObject({ error_message: "You must provide a client_id" });
  });

  it("accepts only the rotated secrets after setClientSecrets", async () => {
    emu.control.setClientSecrets(["next-secret"]);
    expect((await exchangeCode(emu.url, await authorizationCode(emu.url))).status).toBe(400);
    const rotated = await exchangeCode(emu.url, await authorizationCode(emu.url), { extra: { client_secret: "next-secret" } });
    expect(rotated.status).toBe(200);
  });

  it("grants only the permissions left ticked on the consent page", async () => {
    const res = await exchangeCode(emu.url, await authorizationCode(emu.url, ["instagram_business_basic"]));
    const body = (await res.json()) as { data: Array<{ permissions: string }> };
    expect(body.data[0]!.permissions).toBe("instagram_business_basic");
  });
});
