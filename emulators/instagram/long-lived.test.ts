import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { startInstagramEmulator } from "./index";
import {
  exchangeForLongLived,
  graph,
  longLivedToken,
  refreshLongLived,
  shortLivedToken,
  type GraphErrorBody,
} from "./test-support";

const emu = await startInstagramEmulator();
afterAll(() => emu.close());
beforeEach(() => emu.control.reset());

const DAY = 86_400;

describe("Instagram long-lived token exchange", () => {
  it("turns a short-lived token into a 60-day bearer token", async () => {
    const res = await exchangeForLongLived(emu.url, await shortLivedToken(emu.url));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ access_token: expect.stringMatching(/^IGAA/), token_type: "bearer", expires_in: 5_184_000 });
    expect((await graph(emu.url, "/me", String(body.access_token))).status).toBe(200);
  });

  it("answers a wrong client_secret with Graph's 'Error validating client secret.'", async () => {
    const res = await exchangeForLongLived(emu.url, await shortLivedToken(emu.url), "wrong");
    expect(res.status).toBe(400);
    const body = (await res.json()) as GraphErrorBody;
    expect(body.error).toMatchObject({ message: "Error validating client secret.", type: "OAuthException", code: 1 });
    expect(body.error.fbtrace_id).toBeTruthy();
  });

  it("refuses a short-lived token that is past its hour with code 190 subcode 463", async () => {
    const short = await shortLivedToken(emu.url);
    emu.control.advanceClock(3600);
    const body = (await (await exchangeForLongLived(emu.url, short)).json()) as GraphErrorBody;
    expect(body.error).toMatchObject({ code: 190, error_subcode: 463 });
    expect(body.error.message).toContain("Session has expired");
  });

  it("refuses to exchange a token that is already long-lived, and a wrong grant_type", async () => {
    const long = await longLivedToken(emu.url);
    expect(((await (await exchangeForLongLived(emu.url, long)).json()) as GraphErrorBody).error.code).toBe(100);
    const wrongGrant = await fetch(`${emu.url}/access_token?grant_type=ig_refresh_token&client_secret=x&access_token=${long}`);
    expect(wrongGrant.status).toBe(400);
  });
});

describe("Instagram long-lived token refresh", () => {
  it("refuses a refresh before the token is 24 hours old, and accepts it after", async () => {
    const long = await longLivedToken(emu.url);
    const early = await refreshLongLived(emu.url, long);
    expect(early.status).toBe(400);
    expect(((await early.json()) as GraphErrorBody).error.code).toBe(100);

    emu.control.advanceClock(DAY);
    const res = await refreshLongLived(emu.url, long);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(body).toMatchObject({ token_type: "bearer", expires_in: 5_184_000 });
    expect(body.access_token).not.toBe(long);
  });

  it("keeps the old token only until its original expiry: the refreshed one must be stored", async () => {
    const long = await longLivedToken(emu.url);
    emu.control.advanceClock(30 * DAY);
    const refreshed = ((await (await refreshLongLived(emu.url, long)).json()) as { access_token: string }).access_token;
    expect((await graph(emu.url, "/me", long)).status).toBe(200);
    emu.control.advanceClock(30 * DAY);
    expect(((await (await graph(emu.url, "/me", long)).json()) as GraphErrorBody).error.code).toBe(190);
    expect((await graph(emu.url, "/me", refreshed)).status).toBe(200);
  });

  it("refuses to refresh an expired long-lived token (190) or a short-lived one (#100)", async () => {
    const long = await longLivedToken(emu.url);
    emu.control.advanceClock(60 * DAY);
    expect(((await (await refreshLongLived(emu.url, long)).json()) as GraphErrorBody).error).toMatchObject({ code: 190, error_subcode: 463 });
    emu.control.reset();
    const short = await shortLivedToken(emu.url);
    expect(((await (await refreshLongLived(emu.url, short)).json()) as GraphErrorBody).error.code).toBe(100);
  });

  it("lists only unexpired tokens as issued", async () => {
    const short = await shortLivedToken(emu.url);
    const long = ((await (await exchangeForLongLived(emu.url, short)).json()) as { access_token: string }).access_token;
    expect(emu.control.issuedTokens().sort()).toEqual([short, long].sort());
    emu.control.advanceClock(3600);
    expect(emu.control.issuedTokens()).toEqual([long]);
  });
});
