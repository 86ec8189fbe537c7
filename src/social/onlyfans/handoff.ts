// How a creator's email, password and verification code reach a worker without ever being at rest: Redis
// pub/sub delivers a message to the subscribers connected at that moment and keeps nothing (no key, no
// stream, no persistence, no replay), and PUBLISH answers how many received it, so "no worker listening" is known
// at once. The message is also sealed with the token vault (AES-256-GCM, bound to the attempt), so it is
// unreadable on the wire and in a MONITOR or slow log.
import type { KeyValueStore } from "@/src/data";
import { z } from "zod";
import type { TokenVault } from "../oauth/token-vault";

export interface LoginRequest {
  attemptId: string;
  userId: string;
  email: string;
  password: string;
}

const envelope = z.object({ attemptId: z.uuid(), userId: z.string().min(1).max(100), sealed: z.string().min(1).max(8_192) });
const credentials = z.object({ email: z.string().min(1).max(254), password: z.string().min(1).max(1_024) });
const codeEnvelope = z.object({ sealed: z.string().min(1).max(1_024) });

export const loginChannel = (prefix: string) => `${prefix}onlyfans:login`;
export const codeChannel = (prefix: string, attemptId: string) => `${prefix}onlyfans:2fa:${attemptId}`;
const loginContext = (attemptId: string, userId: string) => `onlyfans:login:${attemptId}:${userId}`;
const codeContext = (attemptId: string) => `onlyfans:2fa:${attemptId}`;

/** Returns how many workers received it (0: none is running or all are switched off). */
export function publishLoginRequest(store: Pick<KeyValueStore, "publish">, prefix: string, vault: TokenVault, request: LoginRequest): Promise<number> {
  const sealed = vault.seal(JSON.stringify({ email: request.email, password: request.password }), loginContext(request.attemptId, request.userId));
  return store.publish(loginChannel(prefix), JSON.stringify({ attemptId: request.attemptId, userId: request.userId, sealed }));
}

/** The request in a message, or null for anything malformed or sealed for another attempt. */
export function openLoginRequest(vault: TokenVault, message: string): LoginRequest | null {
  try {
    const outer = envelope.parse(JSON.parse(message));
    const inner = credentials.parse(JSON.parse(vault.open(outer.sealed, loginContext(outer.attemptId, outer.userId))));
    return { attemptId: outer.attemptId, userId: outer.userId, ...inner };
  } catch {
    return null;
  }
}

/** Returns how many workers received it: 0 means the worker holding the sign-in is gone. */
export function publishTwoFactorCode(store: Pick<KeyValueStore, "publish">, prefix: string, vault: TokenVault, attemptId: string, code: string): Promise<number> {
  return store.publish(codeChannel(prefix, attemptId), JSON.stringify({ sealed: vault.seal(code, codeContext(attemptId)) }));
}

export function openTwoFactorCode(vault: TokenVault, attemptId: string, message: string): string | null {
  try {
    return vault.open(codeEnvelope.parse(JSON.parse(message)).sealed, codeContext(attemptId));
  } catch {
    return null;
  }
}
