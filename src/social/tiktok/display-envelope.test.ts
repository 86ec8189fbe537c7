// TikTok's Display API can answer HTTP 200 with an error in its envelope; that is a failure, not data.
// (The emulator always pairs error codes with their documented statuses, so this stands in for a vendor
// answering the other documented way.)
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isSocialError } from "../oauth/errors";
import { fetchUserInfo } from "./client";
import type { TikTokConfig } from "./config";

let server: http.Server;
let reply: { status: number; body: string };
let config: TikTokConfig;

beforeAll(async () => {
  server = http.createServer((_req, res) => res.writeHead(reply.status, { "content-type": "application/json" }).end(reply.body));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  config = { clientKey: "k", secrets: { current: "s" }, authUrl: `${url}/v2/auth/authorize/`, apiUrl: url, redirectUri: "https://app.example/cb" };
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("TikTok Display API envelope", () => {
  it("treats a 200 whose error.code is not ok as a failure", async () => {
    reply = { status: 200, body: JSON.stringify({ data: {}, error: { code: "scope_not_authorized", message: "no scope", log_id: "L1" } }) };
    const error = await fetchUserInfo(config, "token").catch((e: unknown) => e);
    expect(isSocialError(error) && error.failure).toBe("scope_missing");
    expect(isSocialError(error) && error.detail.logId).toBe("L1");
  });

  it("treats a 200 without an error object as an unexpected shape", async () => {
    reply = { status: 200, body: JSON.stringify({ data: { user: { open_id: "o" } } }) };
    const error = await fetchUserInfo(config, "token").catch((e: unknown) => e);
    expect(isSocialError(error) && error.failure).toBe("malformed_response");
  });

  it("reads the user when error.code is ok", async () => {
    reply = { status: 200, body: JSON.stringify({ data: { user: { open_id: "o", display_name: "D" } }, error: { code: "ok", message: "", log_id: "L2" } }) };
    await expect(fetchUserInfo(config, "token")).resolves.toMatchObject({ open_id: "o", display_name: "D" });
  });
});
