// OAuth `state`: 256 random bits, kept server-side for 10 minutes with everything the callback needs,
// and consumed exactly once (atomic take), so a replayed, expired, forged or foreign state is refused.
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { KeyValueStore } from "@/src/data";
import { createPkcePair } from "./pkce";

export const STATE_TTL_SECONDS = 600;
const STATE_FORMAT = /^[A-Za-z0-9_-]{43}$/;

const storedState = z.object({
  provider: z.string(),
  userId: z.string(),
  codeVerifier: z.string(),
  returnTo: z.string(),
  createdAt: z.number(),
});
export type OAuthState = z.infer<typeof storedState>;

const key = (state: string) => `oauth:state:${state}`;

export async function beginAuthorization(
  store: KeyValueStore,
  input: { provider: string; userId: string; returnTo: string },
): Promise<{ state: string; codeChallenge: string }> {
  const state = randomBytes(32).toString("base64url");
  const { verifier, challenge } = createPkcePair();
  const record: OAuthState = { ...input, codeVerifier: verifier, createdAt: Date.now() };
  await store.set(key(state), JSON.stringify(record), STATE_TTL_SECONDS);
  return { state, codeChallenge: challenge };
}

export type StateProblem = "missing_state" | "unknown_state" | "wrong_provider" | "foreign_state";

/** Takes the state (it cannot be used again, whatever the outcome) and checks it belongs here. */
export async function consumeAuthorization(
  store: KeyValueStore,
  state: string | null,
  expected: { provider: string; userId: string | null },
): Promise<{ ok: true; record: OAuthState } | { ok: false; problem: StateProblem }> {
  if (!state) return { ok: false, problem: "missing_state" };
  if (!STATE_FORMAT.test(state)) return { ok: false, problem: "unknown_state" };
  const raw = await store.take(key(state));
  if (!raw) return { ok: false, problem: "unknown_state" };
  const parsed = storedState.safeParse(JSON.parse(raw));
  if (!parsed.success) return { ok: false, problem: "unknown_state" };
  if (parsed.data.provider !== expected.provider) return { ok: false, problem: "wrong_provider" };
  if (parsed.data.userId !== expected.userId) return { ok: false, problem: "foreign_state" };
  return { ok: true, record: parsed.data };
}
