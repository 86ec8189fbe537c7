import { randomBytes } from "node:crypto";

// Security headers for every response. The CSP carries a fresh nonce per request; with
// 'strict-dynamic', scripts Next loads from a nonced script are trusted, nothing else is.

export interface HeaderOptions {
  isProduction: boolean;
  /** Served over HTTPS (PUBLIC_APP_URL): only then may browsers be told to upgrade requests. */
  isHttps: boolean;
  /** Where connected accounts' avatars are served from (provider CDNs, or the emulators locally). */
  imageOrigins?: readonly string[];
}

/** Avatar hosts of the providers, as their APIs return them. */
export const PROVIDER_IMAGE_ORIGINS = [
  "https://*.tiktokcdn.com",
  "https://*.tiktokcdn-us.com",
  "https://*.tiktokcdn-eu.com",
  "https://*.cdninstagram.com",
  "https://*.fbcdn.net",
] as const;

/** 128 random bits, base64: unguessable per response (CSP Level 3 asks for at least 128 bits). */
export function createNonce(): string {
  return randomBytes(16).toString("base64");
}

export function contentSecurityPolicy(nonce: string, { isProduction, isHttps, imageOrigins = [] }: HeaderOptions): string {
  const directives = [
    "default-src 'self'",
    // Next's dev server evaluates code for fast refresh; production never gets 'unsafe-eval'.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${isProduction ? "" : " 'unsafe-eval'"}`,
    // Dev injects style tags without a nonce for hot reload; production styles are files.
    `style-src 'self' ${isProduction ? `'nonce-${nonce}'` : "'unsafe-inline'"}`,
    ["img-src 'self' data: blob:", ...imageOrigins].join(" "),
    "font-src 'self'",
    `connect-src 'self'${isProduction ? "" : " ws: wss:"}`,
    "media-src 'self'",
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  if (isHttps) directives.push("upgrade-insecure-requests");
  return directives.join("; ");
}

const PERMISSIONS_POLICY = [
  "camera=()",
  "microphone=()",
  "geolocation=()",
  "payment=()",
  "usb=()",
  "serial=()",
  "bluetooth=()",
  "magnetometer=()",
  "gyroscope=()",
  "accelerometer=()",
  "display-capture=()",
  "browsing-topics=()",
  "interest-cohort=()",
].join(", ");

function buildStaticHeaders(isProduction: boolean): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-DNS-Prefetch-Control": "off",
  };
  if (isProduction) headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains; preload";
  return Object.freeze(headers);
}

// Built once: they are set on every response the proxy touches.
const STATIC_HEADERS = { production: buildStaticHeaders(true), development: buildStaticHeaders(false) };

/** Headers that do not depend on the request; next.config.ts applies them to static files too. */
export function staticSecurityHeaders({ isProduction }: Pick<HeaderOptions, "isProduction">): Readonly<Record<string, string>> {
  return isProduction ? STATIC_HEADERS.production : STATIC_HEADERS.development;
}
