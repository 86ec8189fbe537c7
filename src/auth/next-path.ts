// Only same-site paths are honoured after sign-in: an absolute URL, a protocol-relative "//host" or a
// backslash trick ("/\\host", which browsers read as "//host") would turn sign-in into an open redirect.
const DEFAULT_AFTER_SIGN_IN = "/app";

export function safeNextPath(candidate: string | null | undefined, fallback = DEFAULT_AFTER_SIGN_IN): string {
  if (!candidate || candidate.length > 2048) return fallback;
  if (!candidate.startsWith("/") || candidate.startsWith("//") || candidate.includes("\\")) return fallback;
  // Control characters (tab, newline) are stripped by URL parsers and can smuggle a "//".
  if (/[\u0000-\u001f\u007f]/.test(candidate)) return fallback;
  try {
    const url = new URL(candidate, "https://same-site.invalid");
    if (url.origin !== "https://same-site.invalid") return fallback;
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return fallback;
  }
}

export function signInPathFor(nextPath: string): string {
  return `/sign-in?next=${encodeURIComponent(safeNextPath(nextPath))}`;
}
