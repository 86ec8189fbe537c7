import { createHash } from "node:crypto";

/**
 * Ties audit records and GDPR requests to a person after their account (and id) is gone, without keeping
 * the id itself: a deleted creator's trail can be matched if they ask, but not read back to them by anyone.
 */
export function subjectHash(userId: string): string {
  return createHash("sha256").update(`huntaze-subject:${userId}`).digest("hex");
}
