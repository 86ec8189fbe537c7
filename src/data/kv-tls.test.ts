import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPrivateRedis, type PrivateRedis } from "@/src/testing/private-redis";
import { createTestCertificates, type TestCertificates } from "@/src/testing/test-certificates";
import { connectRedis, createRedisStore, type KeyValueStore } from "./kv";
import { redisTls } from "./tls";

let certs: TestCertificates;
let server: PrivateRedis;
const stores: KeyValueStore[] = [];

beforeAll(async () => {
  certs = await createTestCertificates();
  server = await startPrivateRedis({ certFile: certs.serverCertFile, keyFile: certs.serverKeyFile, caFile: certs.caFile });
});

afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await server?.stop();
  certs?.remove();
});

function store(url: string, tlsCa: string): KeyValueStore {
  const created = createRedisStore(url, "hz:tls:", tlsCa);
  stores.push(created);
  return created;
}

describe("Redis over rediss://", () => {
  it("stores and reads through TLS when the certificate chains to REDIS_TLS_CA and names the host", async () => {
    const kv = store(`rediss://localhost:${server.port}`, certs.caFile);
    await kv.set("greeting", "hello", 60);
    expect(await kv.get("greeting")).toBe("hello");
    // Clients made from it inherit the TLS options (the OnlyFans worker's subscriber is a duplicate()).
    const subscriber = kv.redis!.duplicate({ keyPrefix: "", enableOfflineQueue: true, commandTimeout: undefined });
    try {
      expect(await subscriber.ping()).toBe("PONG");
    } finally {
      subscriber.disconnect();
    }
  });

  it("answers 503 store_unavailable, without hanging, when the certificate chains to another CA", async () => {
    const kv = store(`rediss://localhost:${server.port}`, certs.otherCaFile);
    await expect(kv.set("greeting", "hello", 60)).rejects.toMatchObject({ name: "AppError", code: "store_unavailable", status: 503 });
    await expect(kv.get("greeting")).rejects.toMatchObject({ code: "store_unavailable" });
  });

  it("refuses an address that the certificate does not name", async () => {
    const kv = store(`rediss://127.0.0.1:${server.port}`, certs.caFile);
    const errors: string[] = [];
    kv.redis!.on("error", (error: Error) => errors.push(error.message));
    await expect(kv.ping()).rejects.toMatchObject({ code: "store_unavailable" });
    expect(errors[0]).toMatch(/IP: 127\.0\.0\.1 is not in the cert's list/);
  });

  it("connects every other client (the backup's reader) the same way", async () => {
    const options = { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3_000, retryStrategy: () => null };
    const trusted = connectRedis(`rediss://localhost:${server.port}`, options, certs.caFile);
    const untrusted = connectRedis(`rediss://localhost:${server.port}`, options, certs.otherCaFile);
    const errors: string[] = [];
    untrusted.on("error", (error: Error) => errors.push(error.message));
    try {
      await trusted.connect();
      expect(await trusted.get("hz:tls:greeting")).toBe("hello");
      await expect(untrusted.connect()).rejects.toThrow();
      expect(errors).toEqual([expect.stringMatching(/self-signed certificate in certificate chain|unable to verify the first certificate/)]);
    } finally {
      trusted.disconnect();
      untrusted.disconnect();
    }
  });

  it("verifies against Node's trusted CAs for REDIS_TLS_CA=system, names the host for SNI, and adds nothing to redis://", () => {
    expect(redisTls("rediss://default:secret@eu1-example.upstash.io:6379", "system")).toEqual({ rejectUnauthorized: true, servername: "eu1-example.upstash.io" });
    expect(redisTls("rediss://127.0.0.1:6380", "system")).toEqual({ rejectUnauthorized: true });
    expect(redisTls("redis://127.0.0.1:6379", certs.caFile)).toBeUndefined();
    expect(() => redisTls("rediss://localhost:6380", `${certs.dir}/missing.pem`)).toThrow(`REDIS_TLS_CA: cannot read the CA file ${certs.dir}/missing.pem (ENOENT)`);
  });
});
