// The request log must never hold a credential: passwords, 2FA codes and session cookies are replaced before a
// request is recorded, and a body the site does not read as a form is not kept at all.
import type { EmulatorRequest } from "../shared";

export const REDACTED = "[redacted]";
const SECRET_FIELDS = new Set(["password", "code", "otp", "token"]);
const SECRET_COOKIES = new Set(["of_session", "of_2fa"]);

function redactFields(fields: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams();
  for (const [key, value] of fields) out.append(key, SECRET_FIELDS.has(key.toLowerCase()) ? REDACTED : value);
  return out;
}

function redactCookieHeader(header: string): string {
  return header
    .split(";")
    .map((pair) => {
      const [name = "", ...rest] = pair.split("=");
      return SECRET_COOKIES.has(name.trim()) && rest.length > 0 ? `${name}=${REDACTED}` : pair;
    })
    .join(";");
}

/** A copy of `req` that is safe to record. */
export function redactRequest(req: EmulatorRequest): EmulatorRequest {
  const headers = { ...req.headers };
  if (typeof headers.cookie === "string") headers.cookie = redactCookieHeader(headers.cookie);
  if (headers.authorization !== undefined) headers.authorization = REDACTED;
  const base = { ...req, headers, query: redactFields(req.query), bearer: undefined };
  if (req.body.kind === "form" || req.body.kind === "multipart") {
    const form = redactFields(req.body.form);
    return { ...base, body: { kind: req.body.kind, form }, rawBody: Buffer.from(form.toString()) };
  }
  if (req.rawBody.length === 0) return base;
  return { ...base, body: { kind: "other" }, rawBody: Buffer.from(`${REDACTED} (${req.rawBody.length} bytes)`) };
}
