import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { startInstagramEmulator } from "./index";
import { graph, longLivedToken, type GraphErrorBody } from "./test-support";

const emu = await startInstagramEmulator();
afterAll(() => emu.close());
beforeEach(() => emu.control.reset());

const ME_FIELDS = "user_id,username,account_type,profile_picture_url,followers_count,media_count";
const MEDIA_FIELDS = "id,caption,media_type,media_product_type,permalink,timestamp,like_count,comments_count";
type MediaPage = { data: Array<Record<string, unknown>>; paging?: { cursors: { before: string; after: string }; next?: string } };

describe("Instagram Graph /me", () => {
  it("returns the requested profile fields, with or without a version prefix, by query token or Bearer header", async () => {
    const token = await longLivedToken(emu.url);
    const plain = await (await graph(emu.url, "/me", token, { fields: ME_FIELDS })).json();
    expect(plain).toEqual({
      user_id: "17841400008460057",
      username: "emu.creator.ig",
      account_type: "BUSINESS",
      profile_picture_url: `${emu.url}/static/ig-avatar.svg`,
      followers_count: 4_321,
      media_count: 30,
    });
    expect(await (await graph(emu.url, "/v23.0/me", token, { fields: ME_FIELDS })).json()).toEqual(plain);
    const bearer = await fetch(`${emu.url}/v21.0/me?fields=${ME_FIELDS}`, { headers: { authorization: `Bearer ${token}` } });
    expect(await bearer.json()).toEqual(plain);
    expect((await fetch(String((plain as Record<string, unknown>).profile_picture_url))).headers.get("content-type")).toBe("image/svg+xml");
  });

  it("returns only the id when no fields are asked for, and #100 for a field that does not exist", async () => {
    const token = await longLivedToken(emu.url);
    expect(await (await graph(emu.url, "/me", token)).json()).toEqual({ id: "17841400008460057" });
    const res = await graph(emu.url, "/me", token, { fields: "id,email" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as GraphErrorBody).error).toMatchObject({ code: 100, type: "OAuthException" });
  });

  it("answers 190 for an unknown or expired token and 2500 when no token is sent", async () => {
    expect(((await (await graph(emu.url, "/me", "IGAAmadeup")).json()) as GraphErrorBody).error.code).toBe(190);
    const token = await longLivedToken(emu.url);
    emu.control.advanceClock(5_184_000);
    const expired = await graph(emu.url, "/me", token);
    expect(expired.status).toBe(400);
    expect(((await expired.json()) as GraphErrorBody).error).toMatchObject({ code: 190, error_subcode: 463 });
    expect(((await (await fetch(`${emu.url}/me`)).json()) as GraphErrorBody).error.code).toBe(2500);
  });
});

describe("Instagram Graph /me/media", () => {
  it("pages newest first through cursors, with no next link on the last page", async () => {
    const token = await longLivedToken(emu.url);
    const seen: Array<Record<string, unknown>> = [];
    let page = (await (await graph(emu.url, "/v23.0/me/media", token, { fields: MEDIA_FIELDS, limit: "12" })).json()) as MediaPage;
    for (let i = 0; i < 5; i += 1) {
      seen.push(...page.data);
      if (!page.paging?.next) break;
      page = (await (await fetch(page.paging.next)).json()) as MediaPage;
    }
    expect(seen).toHaveLength(30);
    expect(page.paging?.next).toBeUndefined();
    expect(page.paging?.cursors.after).toBeTruthy();
    const times = seen.map((m) => Date.parse(String(m.timestamp)));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(Object.keys(seen[0]!).sort()).toEqual(MEDIA_FIELDS.split(",").sort());
    expect(String(seen[0]!.timestamp)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$/);
  });

  it("follows an after cursor by hand and expands carousel children", async () => {
    const token = await longLivedToken(emu.url);
    const first = (await (await graph(emu.url, "/me/media", token, { limit: "2" })).json()) as MediaPage;
    expect(first.data.map((m) => Object.keys(m))).toEqual([["id"], ["id"]]);
    const second = (await (await graph(emu.url, "/me/media", token, { limit: "2", after: first.paging!.cursors.after, fields: "id,media_type,children{id,media_url}" })).json()) as MediaPage;
    expect(second.data[0]!.id).not.toBe(first.data[1]!.id);
    const carousel = second.data.find((m) => m.media_type === "CAROUSEL_ALBUM")!;
    expect((carousel.children as { data: unknown[] }).data).toHaveLength(2);
  });

  it("answers #100 for a limit that is not a positive integer or a cursor it never issued", async () => {
    const token = await longLivedToken(emu.url);
    expect((await graph(emu.url, "/me/media", token, { limit: "0" })).status).toBe(400);
    expect((await graph(emu.url, "/me/media", token, { after: "bm90LWEtY3Vyc29y" })).status).toBe(400);
  });
});
