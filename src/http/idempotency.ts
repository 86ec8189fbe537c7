// Idempotency-Key (draft-ietf-httpapi-idempotency-key-header): a client that retries a POST/DELETE with the
// same key gets the first response again instead of a second draft, deletion or connection. Keys live in
// Postgres, scoped per user, so every app instance sees the same ones.
import { createHmac, hkdfSync, randomUUID } from "node:crypto";
import { z } from "zod";
import { getEnv } from "@/src/config";
import { AppError } from "@/src/errors";
import type { PrismaClient } from "@/src/data";
import { endAfter } from "./end-after";

export const IDEMPOTENCY_HEADER = "idempotency-key";
export const REPLAYED_HEADER = "idempotent-replayed";
const KEY_TTL_HOURS = 24;
/** An in-flight key older than this belongs to a request that died (crash, deploy); a retry may take it over. */
const ABANDONED_AFTER_SECONDS = 60;
// Headers worth replaying; everything else (security headers, request id) is the replaying response's own.
const REPLAYED_RESPONSE_HEADERS = ["content-type", "location", "content-disposition"];

// The draft defines the value as a Structured Field String ("..."); many clients (Stripe's convention)
// send it bare. Both are accepted; either way only printable ASCII and at most 255 characters.
const sfString = /^"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"$/;
const bareKey = /^[A-Za-z0-9._~:+/=-]+$/;

/** The key from the header, undefined when absent; a malformed key is a 400. */
export function parseIdempotencyKey(header: string | null): string | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  const quoted = sfString.exec(value);
  const key = quoted ? quoted[1]!.replace(/\\(["\\])/g, "$1") : bareKey.test(value) ? value : undefined;
  if (!key || key.length > 255) {
    throw new AppError(
      "invalid_idempotency_key",
      400,
      'Idempotency-Key must be 1 to 255 printable ASCII characters, for example "8e03978e-40d5-43e8-bc93-6894a57f9324".',
    );
  }
  return key;
}

const storedResponse = z.object({ headers: z.record(z.string(), z.string()), text: z.string() });
type StoredResponse = z.infer<typeof storedResponse>;

interface KeyRow {
  id: string;
  requestFingerprint: string;
  state: "in_flight" | "completed";
  responseStatus: number | null;
  responseBody: unknown;
  expired: boolean;
  abandoned: boolean;
}

type Claim = { kind: "claimed"; id: string } | { kind: "replay"; row: KeyRow };

/**
 * Fingerprints are HMAC-SHA256 under a key derived from BETTER_AUTH_SECRET (HKDF, RFC 5869, with its own label, so
 * the session-signing key itself is never used for this): a body can hold a password (account deletion), and a
 * plain SHA-256 of it in the table, or a backup, could be guessed offline. The user and the Idempotency-Key are
 * inside the MAC, so two rows with the same body do not show it. Rotating the secret signs everyone out, so no
 * retry of an older key reaches a comparison after it.
 */
const FINGERPRINT_VERSION = "h1.";
const FINGERPRINT_KEY_LABEL = "huntaze idempotency-key request fingerprint v1";
let fingerprintKey: { secret: string; key: Buffer } | undefined;

function fingerprintKeyFor(secret: string): Buffer {
  if (fingerprintKey?.secret !== secret) {
    fingerprintKey = { secret, key: Buffer.from(hkdfSync("sha256", secret, Buffer.alloc(0), FINGERPRINT_KEY_LABEL, 32)) };
  }
  return fingerprintKey.key;
}

async function fingerprintOf(request: Request, userId: string, key: string): Promise<string> {
  const body = Buffer.from(await request.clone().arrayBuffer());
  const url = new URL(request.url);
  const mac = createHmac("sha256", fingerprintKeyFor(getEnv().authSecret))
    // JSON keeps the fields apart (no user/key/path combination reads as another), then the body's raw bytes.
    .update(`${JSON.stringify([userId, key, request.method, `${url.pathname}${url.search}`])}\n`)
    .update(body)
    .digest("base64url");
  return `${FINGERPRINT_VERSION}${mac}`;
}

/**
 * A fingerprint stored before they were keyed (a plain SHA-256, or what the clean-up left in its place) cannot be
 * compared: such a key replays or waits as usual, without the 422 check, for the rest of its 24 hours.
 */
const isComparable = (stored: string) => stored.startsWith(FINGERPRINT_VERSION);

async function claimKey(prisma: PrismaClient, userId: string, key: string, fingerprint: string): Promise<Claim> {
  // A few rounds: a row can expire, be released or be taken over between our insert and our read.
  for (let round = 0; round < 3; round++) {
    const inserted = await prisma.$queryRaw<{ id: string }[]>`
      INSERT INTO "IdempotencyKey" ("id", "userId", "key", "requestFingerprint", "state", "createdAt", "expiresAt")
      VALUES (${randomUUID()}, ${userId}, ${key}, ${fingerprint}, 'in_flight', now(), now() + make_interval(hours => ${KEY_TTL_HOURS}))
      ON CONFLICT ("userId", "key") DO NOTHING
      RETURNING "id"`;
    if (inserted[0]) return { kind: "claimed", id: inserted[0].id };

    const [row] = await prisma.$queryRaw<KeyRow[]>`
      SELECT "id", "requestFingerprint", "state"::text AS "state", "responseStatus", "responseBody",
             "expiresAt" <= now() AS "expired",
             "createdAt" < now() - make_interval(secs => ${ABANDONED_AFTER_SECONDS}) AS "abandoned"
      FROM "IdempotencyKey" WHERE "userId" = ${userId} AND "key" = ${key}`;
    if (!row) continue;
    const { expired, abandoned } = row;
    if (!expired && isComparable(row.requestFingerprint) && row.requestFingerprint !== fingerprint) {
      throw new AppError("idempotency_key_reused", 422, "This Idempotency-Key was already used for a different request. Use a new key.");
    }
    if (expired || (row.state === "in_flight" && abandoned)) {
      // Take over only the row we read: another instance may be taking it over too.
      const taken = await prisma.$queryRaw<{ id: string }[]>`
        UPDATE "IdempotencyKey"
        SET "requestFingerprint" = ${fingerprint}, "state" = 'in_flight', "responseStatus" = NULL, "responseBody" = NULL,
            "createdAt" = now(), "expiresAt" = now() + make_interval(hours => ${KEY_TTL_HOURS})
        WHERE "id" = ${row.id}
          AND ("expiresAt" <= now() OR ("state" = 'in_flight' AND "createdAt" < now() - make_interval(secs => ${ABANDONED_AFTER_SECONDS})))
        RETURNING "id"`;
      if (taken[0]) return { kind: "claimed", id: taken[0].id };
      continue;
    }
    if (row.state === "in_flight") {
      throw new AppError("idempotency_key_in_use", 409, "A request with this Idempotency-Key is still being processed. Retry shortly.", { "retry-after": "2" });
    }
    return { kind: "replay", row };
  }
  throw new AppError("idempotency_key_in_use", 409, "A request with this Idempotency-Key is still being processed. Retry shortly.", { "retry-after": "2" });
}

function replay(row: KeyRow): Response {
  const stored: StoredResponse = storedResponse.parse(row.responseBody);
  return new Response(stored.text, {
    status: row.responseStatus ?? 200,
    headers: { ...stored.headers, "cache-control": "no-store", [REPLAYED_HEADER]: "true" },
  });
}

/**
 * Not `update`: the key goes with its user (cascade), and an account deletion's own request can find it gone once
 * the outbox, woken by that request, has deleted the account. The answer stands; there is no one left to replay it to.
 */
function saveResponse(prisma: PrismaClient, id: string, status: number, headers: Record<string, string>, text: string) {
  return prisma.idempotencyKey.updateMany({ where: { id }, data: { state: "completed", responseStatus: status, responseBody: { headers, text } } });
}

/** Keeps what a replay needs of a response. Streams (drafts over SSE) are stored once they finish. */
async function storeResponse(prisma: PrismaClient, id: string, response: Response): Promise<Response> {
  const headers = Object.fromEntries(REPLAYED_RESPONSE_HEADERS.flatMap((name) => {
    const value = response.headers.get(name);
    return value === null ? [] : [[name, value]];
  }));
  if (!response.body || !response.headers.get("content-type")?.startsWith("text/event-stream")) {
    await saveResponse(prisma, id, response.status, headers, await response.clone().text());
    return response;
  }
  // The client reads one branch; the other is collected and stored, even if the client goes away. The client's
  // branch ends only once the row is stored: a serverless host freezes the instance when the response is complete,
  // and a write still pending then would leave the key in flight.
  const [toClient, toStore] = response.body.tee();
  const stored = new Response(toStore)
    .text()
    .then((text) => saveResponse(prisma, id, response.status, headers, text))
    .then(() => undefined, () => releaseKey(prisma, id).then(() => undefined));
  return new Response(endAfter(toClient, () => stored), { status: response.status, headers: response.headers });
}

function releaseKey(prisma: PrismaClient, id: string) {
  return prisma.idempotencyKey.deleteMany({ where: { id, state: "in_flight" } }).catch(() => undefined);
}

/**
 * Runs `handle` at most once per (user, Idempotency-Key) within 24 h. Without the header the request runs
 * as usual. 5xx outcomes release the key so that a retry runs again; everything else is replayed.
 */
export async function withIdempotencyKey(
  prisma: PrismaClient,
  request: Request,
  userId: string,
  handle: () => Promise<Response>,
): Promise<Response> {
  const key = parseIdempotencyKey(request.headers.get(IDEMPOTENCY_HEADER));
  if (key === undefined) return handle();
  const claim = await claimKey(prisma, userId, key, await fingerprintOf(request, userId, key));
  if (claim.kind === "replay") return replay(claim.row);
  let response: Response;
  try {
    response = await handle();
  } catch (error) {
    if (error instanceof AppError && error.status < 500) {
      // A refusal is the answer to this request: the same retry gets the same refusal (without a request id).
      const text = JSON.stringify({ error: { code: error.code, message: error.message } });
      await saveResponse(prisma, claim.id, error.status, { "content-type": "application/json", ...error.headers }, text);
    } else {
      await releaseKey(prisma, claim.id);
    }
    throw error;
  }
  if (response.status >= 500) {
    await releaseKey(prisma, claim.id);
    return response;
  }
  return storeResponse(prisma, claim.id, response);
}

const LEGACY_FINGERPRINT = "legacy";

/**
 * Expired keys are only history; the scheduled clean-up (hourly) removes them. It also overwrites plain-hash
 * fingerprints written before they were keyed, including by instances still on the old code during the rolling
 * deploy, so none outlives the hour after it was written (the rows themselves go within 24 hours).
 */
export async function deleteExpiredIdempotencyKeys(prisma: PrismaClient): Promise<number> {
  await prisma.idempotencyKey.updateMany({
    where: { NOT: [{ requestFingerprint: { startsWith: FINGERPRINT_VERSION } }, { requestFingerprint: LEGACY_FINGERPRINT }] },
    data: { requestFingerprint: LEGACY_FINGERPRINT },
  });
  return (await prisma.idempotencyKey.deleteMany({ where: { expiresAt: { lt: new Date() } } })).count;
}
