// Who may read the KPI API: an admin's session, or a script holding KPI_API_TOKEN. A creator's session gets
// the same 404 as an unknown path, so the area is not revealed; no credentials at all get 401. Each access
// is audited, as requireAdmin does for the page. A bulk export also asks an admin for a recent sign-in
// (`recentSignInTo`); a script's token has no sign-in to be recent and is judged as before.
import { createHash, timingSafeEqual } from "node:crypto";
import { getEnv } from "@/src/config";
import { getPrisma } from "@/src/data";
import { AppError } from "@/src/errors";
import { isRecentSignIn } from "./session-lifetime";
import { currentSignIn, reauthenticationRequired } from "./session";

export type KpiPrincipal = { kind: "admin"; userId: string } | { kind: "token" };

// Hashing both sides first gives equal-length buffers, so the comparison time says nothing about the token
// (as src/observability/metrics-endpoint.ts does for METRICS_TOKEN).
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

const unauthorized = () =>
  new AppError("unauthorized", 401, "Sign in as an admin, or send a valid KPI bearer token.", { "www-authenticate": 'Bearer realm="kpi"' });

export async function requireKpiAccess(request: Request, path: string, options: { recentSignInTo?: string } = {}): Promise<KpiPrincipal> {
  const authorization = request.headers.get("authorization");
  let principal: KpiPrincipal;
  if (authorization !== null) {
    // A bearer header is judged on its own, even beside a session cookie: a script with a wrong token is told so.
    const expected = getEnv().KPI_API_TOKEN;
    const given = authorization.match(/^Bearer\s+(\S+)\s*$/i)?.[1] ?? "";
    if (!expected || !sameSecret(given, expected)) throw unauthorized();
    principal = { kind: "token" };
  } else {
    const signIn = await currentSignIn();
    if (!signIn) throw unauthorized();
    const { user } = signIn;
    if (user.role !== "admin") throw new AppError("not_found", 404, "No API route matches this path.");
    if (options.recentSignInTo && !isRecentSignIn(signIn.signedInAt)) throw reauthenticationRequired(options.recentSignInTo);
    principal = { kind: "admin", userId: user.id };
  }
  await (await getPrisma()).auditLog.create({
    data: { userId: principal.kind === "admin" ? principal.userId : null, action: "admin.accessed", metadata: { path, via: principal.kind } },
  });
  return principal;
}
