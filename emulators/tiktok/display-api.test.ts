import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { startTikTokEmulator } from "./index";
import { connect, userInfo, VIDEO_FIELDS, videoList } from "./test-support";

const emu = await startTikTokEmulator();
afterAll(() => emu.close());
beforeEach(() => emu.control.reset());

const ALL_USER_FIELDS =
  "open_id,union_id,avatar_url,avatar_url_100,avatar_large_url,display_name,bio_description,profile_deep_link,is_verified,username,follower_count,following_count,likes_count,video_count";

type Video = Record<string, unknown> & { id: string; create_time: number };
type VideoPage = { data: { videos: Video[]; cursor: number; has_more: boolean }; error: { code: string; log_id: string } };

describe("TikTok user info", () => {
  it("returns only the requested fields inside the Display API envelope, with a matching x-tt-logid", async () => {
    const { access_token } = await connect(emu.url);
    const res = await userInfo(emu.url, access_token, "open_id,display_name,username,follower_count");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { user: Record<string, unknown> }; error: Record<string, string> };
    expect(body.data.user).toEqual({ open_id: expect.any(String), display_name: "Emu Creator", username: "emu.creator", follower_count: 12_345 });
    expect(body.error).toMatchObject({ code: "ok", message: "" });
    expect(res.headers.get("x-tt-logid")).toBe(body.error.log_id);
  });

  it("serves every documented field, with an avatar that really loads as SVG from the emulator", async () => {
    const { access_token } = await connect(emu.url);
    const { data } = (await (await userInfo(emu.url, access_token, ALL_USER_FIELDS)).json()) as { data: { user: Record<string, unknown> } };
    expect(Object.keys(data.user).sort()).toEqual(ALL_USER_FIELDS.split(",").sort());
    expect(data.user.video_count).toBe(45);
    const avatar = await fetch(String(data.user.avatar_url));
    expect(avatar.status).toBe(200);
    expect(avatar.headers.get("content-type")).toBe("image/svg+xml");
  });

  it("answers scope_permission_missed (400) for a stats field the user did not grant", async () => {
    const { access_token } = await connect(emu.url, {}, ["user.info.profile"]);
    const res = await userInfo(emu.url, access_token, "open_id,follower_count");
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ data: {}, error: { code: "scope_permission_missed" } });
    expect((await userInfo(emu.url, access_token, "open_id,username")).status).toBe(200);
  });

  it("answers invalid_params (400) for an unknown field or no fields at all", async () => {
    const { access_token } = await connect(emu.url);
    const unknown = await userInfo(emu.url, access_token, "open_id,email");
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: { code: "invalid_params" } });
    expect((await userInfo(emu.url, access_token, "")).status).toBe(400);
  });

  it("answers access_token_invalid (401) without a token, with a made-up token, or with an expired one", async () => {
    const { access_token } = await connect(emu.url);
    const none = await fetch(`${emu.url}/v2/user/info/?fields=open_id`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { code: "access_token_invalid" } });
    expect((await userInfo(emu.url, "act.made-up")).status).toBe(401);
    emu.control.advanceClock(86_399);
    expect((await userInfo(emu.url, access_token)).status).toBe(200);
    emu.control.advanceClock(1);
    expect((await userInfo(emu.url, access_token)).status).toBe(401);
  });

  it("serves the documented paths only, trailing slash included", async () => {
    const { access_token } = await connect(emu.url);
    const res = await fetch(`${emu.url}/v2/user/info?fields=open_id`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(res.status).toBe(404);
  });
});

describe("TikTok video list", () => {
  it("pages through all 45 videos newest first, the cursor being the last create_time in milliseconds", async () => {
    const { access_token } = await connect(emu.url);
    const seen: Video[] = [];
    let cursor: number | undefined;
    for (let page = 0; page < 10; page += 1) {
      const res = await videoList(emu.url, access_token, cursor === undefined ? { max_count: 20 } : { max_count: 20, cursor });
      const body = (await res.json()) as VideoPage;
      expect(body.error.code).toBe("ok");
      seen.push(...body.data.videos);
      expect(body.data.cursor).toBe(body.data.videos.at(-1)!.create_time * 1000);
      if (!body.data.has_more) break;
      cursor = body.data.cursor;
    }
    expect(seen).toHaveLength(45);
    expect(new Set(seen.map((v) => v.id)).size).toBe(45);
    const times = seen.map((v) => v.create_time);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(Object.keys(seen[0]!).sort()).toEqual(VIDEO_FIELDS.split(",").sort());
    expect(typeof seen[0]!.id).toBe("string");
  });

  it("spreads the seeded videos over the past months, so a backfill has content by publish date", async () => {
    const { access_token } = await connect(emu.url);
    const times: number[] = [];
    let cursor: number | undefined;
    for (let page = 0; page < 5; page += 1) {
      const body = (await (await videoList(emu.url, access_token, { max_count: 20, ...(cursor ? { cursor } : {}) }, "id,create_time")).json()) as VideoPage;
      times.push(...body.data.videos.map((v) => v.create_time));
      if (!body.data.has_more) break;
      cursor = body.data.cursor;
    }
    const ageDays = (emu.control.now().getTime() / 1000 - Math.min(...times)) / 86_400;
    expect(ageDays).toBeGreaterThan(60);
    expect(new Set(times.map((t) => new Date(t * 1000).toISOString().slice(0, 10))).size).toBeGreaterThan(40);
  });

  it("defaults max_count to 10 and returns only the requested fields", async () => {
    const { access_token } = await connect(emu.url);
    const body = (await (await videoList(emu.url, access_token, {}, "id,view_count")).json()) as VideoPage;
    expect(body.data.videos).toHaveLength(10);
    expect(Object.keys(body.data.videos[0]!).sort()).toEqual(["id", "view_count"]);
    expect(body.data.has_more).toBe(true);
  });

  it.each([[0], [21], ["10"], [2.5]])("answers invalid_params (400) for max_count %j", async (maxCount) => {
    const { access_token } = await connect(emu.url);
    const res = await videoList(emu.url, access_token, { max_count: maxCount });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "invalid_params" } });
  });

  it("answers invalid_params for a body that is not JSON and for an unknown field", async () => {
    const { access_token } = await connect(emu.url);
    const form = await fetch(`${emu.url}/v2/video/list/?fields=id`, {
      method: "POST",
      headers: { authorization: `Bearer ${access_token}` },
      body: new URLSearchParams({ max_count: "5" }),
    });
    expect(form.status).toBe(400);
    expect((await videoList(emu.url, access_token, {}, "id,plays")).status).toBe(400);
  });

  it("answers scope_not_authorized (401) when the user unticked video.list", async () => {
    const { access_token } = await connect(emu.url, {}, ["user.info.profile"]);
    const res = await videoList(emu.url, access_token);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: "scope_not_authorized" } });
  });

  it("serves configured videos instead of generated ones", async () => {
    const custom = await startTikTokEmulator({ videos: 3 });
    try {
      const { access_token } = await connect(custom.url);
      const body = (await (await videoList(custom.url, access_token, { max_count: 20 })).json()) as VideoPage;
      expect(body.data.videos).toHaveLength(3);
      expect(body.data.has_more).toBe(false);
    } finally {
      await custom.close();
    }
  });
});
