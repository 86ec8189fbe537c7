import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { expectHtmlErrorPage } from "../shared/test-support";
import { startTikTokEmulator } from "./index";
import { authorizeUrl, decide, REDIRECT_URI } from "./test-support";

const emu = await startTikTokEmulator();
afterAll(() => emu.close());
beforeEach(() => emu.control.reset());

describe("TikTok authorize page", () => {
  it("lists the requested scopes with Allow and Deny buttons in a form posting to the decision URL", async () => {
    const res = await fetch(authorizeUrl(emu.url));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    for (const scope of ["user.info.basic", "user.info.profile", "user.info.stats", "video.list"]) expect(html).toContain(scope);
    expect(html).toContain('<form method="post" action="/v2/auth/authorize/decision">');
    expect(html).toMatch(/<button[^>]*>Allow<\/button>/);
    expect(html).toMatch(/<button[^>]*>Deny<\/button>/);
  });

  it.each([
    ["an unknown client_key", { client_key: "someone-else" }],
    ["a missing redirect_uri", { redirect_uri: "" }],
    ["a redirect_uri with a query string", { redirect_uri: `${REDIRECT_URI}?next=1` }],
    ["a redirect_uri with a fragment", { redirect_uri: `${REDIRECT_URI}#x` }],
    ["a non-http redirect_uri", { redirect_uri: "javascript:alert(1)" }],
    ["response_type token", { response_type: "token" }],
  ])("answers %s with an HTML error page, never a redirect", async (_label, overrides) => {
    await expectHtmlErrorPage(authorizeUrl(emu.url, overrides));
  });

  it("accepts only registered redirect URIs, exactly, when some are configured", async () => {
    const strict = await startTikTokEmulator({ redirectUris: [REDIRECT_URI] });
    try {
      expect((await fetch(authorizeUrl(strict.url))).status).toBe(200);
      expect((await fetch(authorizeUrl(strict.url, { redirect_uri: `${REDIRECT_URI}/` }))).status).toBe(400);
    } finally {
      await strict.close();
    }
  });

  it("redirects an unknown or space-separated scope back with invalid_scope", async () => {
    const res = await fetch(authorizeUrl(emu.url, { scope: "user.info.basic video.list" }), { redirect: "manual" });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get("location")!);
    expect(location.searchParams.get("error")).toBe("invalid_scope");
    expect(location.searchParams.get("state")).toBe("state-123");
  });

  it("redirects Allow with a percent-encoded code containing * and !, the granted scopes and the state", async () => {
    const location = await decide(emu.url);
    expect(location.startsWith(`${REDIRECT_URI}?code=`)).toBe(true);
    const rawCode = /code=([^&]+)/.exec(location)![1]!;
    expect(rawCode).toContain("%2A");
    expect(rawCode).toContain("%21");
    const url = new URL(location);
    expect(url.searchParams.get("code")).toMatch(/\*.*!/);
    expect(url.searchParams.get("scopes")).toBe("user.info.basic,user.info.profile,user.info.stats,video.list");
    expect(url.searchParams.get("state")).toBe("state-123");
  });

  it("grants only the scopes left ticked, always keeping user.info.basic", async () => {
    const location = new URL(await decide(emu.url, {}, "allow", ["video.list"]));
    expect(location.searchParams.get("scopes")).toBe("user.info.basic,video.list");
  });

  it("redirects Deny with access_denied, a description and the state", async () => {
    const url = new URL(await decide(emu.url, {}, "deny"));
    expect(url.searchParams.get("error")).toBe("access_denied");
    expect(url.searchParams.get("error_description")).toBeTruthy();
    expect(url.searchParams.get("state")).toBe("state-123");
    expect(url.searchParams.get("code")).toBeNull();
  });

  it("refuses a replayed consent decision", async () => {
    const html = await (await fetch(authorizeUrl(emu.url))).text();
    const requestId = /name="request_id" value="([^"]+)"/.exec(html)![1]!;
    const submit = () =>
      fetch(`${emu.url}/v2/auth/authorize/decision`, {
        method: "POST",
        body: new URLSearchParams({ request_id: requestId, decision: "allow" }),
        redirect: "manual",
      });
    expect((await submit()).status).toBe(302);
    expect((await submit()).status).toBe(400);
  });
});
