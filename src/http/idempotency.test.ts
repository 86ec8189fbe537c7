import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@/src/errors";
import type { PrismaClient } from "@/src/data";
import { createHash } from "node:crypto";
import { openIntegrationServices, useEnvironment, type IntegrationServices } from "@/src/testing/integration-services";
import { deleteExpiredIdempotencyKeys, parseIdempotencyKey, withIdempotencyKey } from "./idempotency";

let services: IntegrationServices;
let prisma: PrismaClient;

beforeAll(async () => {
  services = await openIntegrationServices("idempotency");
  prisma = services.db.prisma;
  await prisma.user.createMany({
    data: [
      { id: "ann", name: "Ann", email: "ann@example.com" },
      { id: "bob", name: "Bob", email: "bob@example.com" },
    ],
  });
});
afterAll(() => services.close());

const post = (key: string | null, body: unknown = { text: "hello" }) =>
  new Request("http://app.test/api/things", {
    method: "POST",
    headers: { "content-type": "application/json", ...(key === null ? {} : { "idempotency-key": key }) },
    body: JSON.stringify(body),
  });

/** A handler that creates one numbered thing per run, like a draft. */
function counter() {
  let created = 0;
  return {
    runs: () => created,
    handle: async () => {
      created++;
      return Response.json({ thing: created }, { status: 201, headers: { location: `/things/${created}` } });
    },
  };
}

describe("Idempotency-Key", () => {
  it("replays the first status, body and location for a retry with the same key and body", async () => {
    const things = counter();
    const first = await withIdempotencyKey(prisma, post('"k-replay"'), "ann", things.handle);
    const retry = await withIdempotencyKey(prisma, post('"k-replay"'), "ann", things.handle);
    expect(things.runs()).toBe(1);
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(await retry.json()).toEqual(await first.json());
    expect(retry.headers.get("location")).toBe("/things/1");
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(first.headers.get("idempotent-replayed")).toBeNull();
  });

  it("accepts the bare form of the key as the same key as the quoted one", async () => {
    const things = counter();
    await withIdempotencyKey(prisma, post('"same-key"'), "ann", things.handle);
    await withIdempotencyKey(prisma, post("same-key"), "ann", things.handle);
    expect(things.runs()).toBe(1);
  });

  it("runs every request without a key", async () => {
    const things = counter();
    await withIdempotencyKey(prisma, post(null), "ann", things.handle);
    await withIdempotencyKey(prisma, post(null), "ann", things.handle);
    expect(things.runs()).toBe(2);
  });

  it("answers 409 while the first request with the key is still running", async () => {
    let finish!: () => void;
    const slow = () =>
      new Promise<Response>((resolve) => {
        finish = () => resolve(Response.json({ ok: true }, { status: 201 }));
      });
    const first = withIdempotencyKey(prisma, post('"k-busy"'), "ann", slow);
    await new Promise((r) => setTimeout(r, 100));
    await expect(withIdempotencyKey(prisma, post('"k-busy"'), "ann", slow)).rejects.toMatchObject({ status: 409, code: "idempotency_key_in_use" });
    finish();
    expect((await first).status).toBe(201);
  });

  it("answers 422 when the key comes back with a different body", async () => {
    const things = counter();
    await withIdempotencyKey(prisma, post('"k-body"', { text: "one" }), "ann", things.handle);
    await expect(withIdempotencyKey(prisma, post('"k-body"', { text: "two" }), "ann", things.handle)).rejects.toMatchObject({
      status: 422,
      code: "idempotency_key_reused",
    });
    expect(things.runs()).toBe(1);
  });

  it.each(['""', '"unterminated', "has space", `"${"x".repeat(256)}"`, '"tab\there"', "é"])("refuses the malformed key %j with 400", async (key) => {
    expect(() => parseIdempotencyKey(key)).toThrow(AppError);
    await expect(withIdempotencyKey(prisma, post(key), "ann", counter().handle)).rejects.toMatchObject({ status: 400, code: "invalid_idempotency_key" });
  });

  it("scopes keys per user", async () => {
    const things = counter();
    await withIdempotencyKey(prisma, post('"shared"'), "ann", things.handle);
    const bobs = await withIdempotencyKey(prisma, post('"shared"'), "bob", things.handle);
    expect(things.runs()).toBe(2);
    expect(bobs.headers.get("idempotent-replayed")).toBeNull();
  });

  it("forgets a key after 24 hours", async () => {
    const things = counter();
    await withIdempotencyKey(prisma, post('"k-old"'), "ann", things.handle);
    const row = await prisma.idempotencyKey.findUniqueOrThrow({ where: { userId_key: { userId: "ann", key: "k-old" } } });
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(24 * 3600 * 1000);
    await prisma.idempotencyKey.update({ where: { id: row.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    // Expired, so even a different body is a new request.
    const fresh = await withIdempotencyKey(prisma, post('"k-old"', { text: "new" }), "ann", things.handle);
    expect(things.runs()).toBe(2);
    expect(fresh.headers.get("idempotent-replayed")).toBeNull();
  });

  it("lets a retry run again after a server error, and replays a refusal", async () => {
    let calls = 0;
    const failingOnce = async () => {
      calls++;
      if (calls === 1) throw new AppError("database_unavailable", 503, "down");
      return Response.json({ ok: calls }, { status: 201 });
    };
    await expect(withIdempotencyKey(prisma, post('"k-5xx"'), "ann", failingOnce)).rejects.toMatchObject({ status: 503 });
    const retried = await withIdempotencyKey(prisma, post('"k-5xx"'), "ann", failingOnce);
    expect(retried.status).toBe(201);
    expect(calls).toBe(2);

    const refusing = async () => {
      throw new AppError("not_connected", 409, "Connect TikTok first.");
    };
    await expect(withIdempotencyKey(prisma, post('"k-4xx"'), "ann", refusing)).rejects.toMatchObject({ status: 409 });
    const replayed = await withIdempotencyKey(prisma, post('"k-4xx"'), "ann", counter().handle);
    expect(replayed.status).toBe(409);
    expect(await replayed.json()).toEqual({ error: { code: "not_connected", message: "Connect TikTok first." } });
  });

  it("lets a retry take over a key whose request died mid-way", async () => {
    await prisma.idempotencyKey.create({
      data: { userId: "ann", key: "k-dead", requestFingerprint: "h1.another-request", expiresAt: new Date(Date.now() + 3600_000), createdAt: new Date(Date.now() - 120_000) },
    });
    // The dead request had a different fingerprint; a stale in-flight row is still that request's.
    await expect(withIdempotencyKey(prisma, post('"k-dead"'), "ann", counter().handle)).rejects.toMatchObject({ status: 422 });
    await prisma.idempotencyKey.deleteMany({ where: { key: "k-dead" } });
    const things = counter();
    await withIdempotencyKey(prisma, post('"k-dead2"'), "ann", things.handle);
    await prisma.idempotencyKey.updateMany({ where: { key: "k-dead2" }, data: { state: "in_flight", createdAt: new Date(Date.now() - 120_000) } });
    const again = await withIdempotencyKey(prisma, post('"k-dead2"'), "ann", things.handle);
    expect(again.status).toBe(201);
    expect(things.runs()).toBe(2);
  });

  it("runs once when many copies of the same request arrive together", async () => {
    const things = counter();
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => withIdempotencyKey(prisma, post('"k-race"'), "ann", things.handle)));
    expect(things.runs()).toBe(1);
    for (const result of results) {
      if (result.status === "fulfilled") expect(result.value.status).toBe(201);
      else expect(result.reason).toMatchObject({ status: 409 });
    }
  });

  it("stores a streamed response once it has finished and replays the whole stream", async () => {
    const stream = async () =>
      new Response(
        new ReadableStream({
          async start(controller) {
            controller.enqueue(new TextEncoder().encode("event: delta\ndata: {\"text\":\"Hi\"}\n\n"));
            await new Promise((r) => setTimeout(r, 50));
            controller.enqueue(new TextEncoder().encode("event: result\ndata: {\"id\":\"d1\"}\n\n"));
            controller.close();
          },
        }),
        { headers: { "content-type": "text/event-stream; charset=utf-8" } },
      );
    const first = await withIdempotencyKey(prisma, post('"k-sse"'), "ann", stream);
    const firstText = await first.text();
    // Stored asynchronously after the last chunk.
    await new Promise((r) => setTimeout(r, 200));
    const replayed = await withIdempotencyKey(prisma, post('"k-sse"'), "ann", counter().handle);
    expect(replayed.headers.get("content-type")).toContain("text/event-stream");
    expect(await replayed.text()).toBe(firstText);
  });

  describe("the stored fingerprint", () => {
    const passwordBody = { password: "violet staircase umbrella", confirmation: "DELETE" };
    const storedFingerprint = async (key: string) =>
      (await prisma.idempotencyKey.findUniqueOrThrow({ where: { userId_key: { userId: "ann", key } } })).requestFingerprint;

    it("is a keyed MAC of the request, never a plain hash of a body that holds a password", async () => {
      useEnvironment({ BETTER_AUTH_SECRET: "first-server-secret-0123456789abcdef" });
      await withIdempotencyKey(prisma, post('"k-fp-1"', passwordBody), "ann", counter().handle);
      await withIdempotencyKey(prisma, post('"k-fp-2"', passwordBody), "ann", counter().handle);
      const stored = await storedFingerprint("k-fp-1");
      const body = JSON.stringify(passwordBody);
      const plain = (...parts: string[]) => [createHash("sha256").update(parts.join("")).digest("base64url"), createHash("sha256").update(parts.join("")).digest("hex")];
      for (const digest of [...plain("POST /api/things\n", body), ...plain(body), ...plain(passwordBody.password)]) expect(stored).not.toContain(digest);
      // Another Idempotency-Key with the same body stores another value: equal bodies cannot be matched across rows.
      expect(await storedFingerprint("k-fp-2")).not.toBe(stored);

      // Another server secret, same user, key and body: another value (what an attacker with the table alone lacks).
      await prisma.idempotencyKey.deleteMany({ where: { key: "k-fp-1" } });
      useEnvironment({ BETTER_AUTH_SECRET: "second-server-secret-0123456789abcdef" });
      await withIdempotencyKey(prisma, post('"k-fp-1"', passwordBody), "ann", counter().handle);
      expect(await storedFingerprint("k-fp-1")).not.toBe(stored);
    });

    it("still replays a key stored before fingerprints were keyed, and the clean-up erases such plain hashes", async () => {
      const things = counter();
      await withIdempotencyKey(prisma, post('"k-legacy"', passwordBody), "ann", things.handle);
      const legacyHash = createHash("sha256").update(`POST /api/things\n${JSON.stringify(passwordBody)}`).digest("base64url");
      await prisma.idempotencyKey.updateMany({ where: { key: "k-legacy" }, data: { requestFingerprint: legacyHash } });
      // A retry across the deploy gets its first answer back, not a 422 for a "different" request.
      const retried = await withIdempotencyKey(prisma, post('"k-legacy"', passwordBody), "ann", things.handle);
      expect(retried.headers.get("idempotent-replayed")).toBe("true");
      expect(things.runs()).toBe(1);

      await deleteExpiredIdempotencyKeys(prisma);
      expect(await storedFingerprint("k-legacy")).not.toBe(legacyHash);
      expect((await withIdempotencyKey(prisma, post('"k-legacy"', passwordBody), "ann", things.handle)).headers.get("idempotent-replayed")).toBe("true");
    });
  });
});
