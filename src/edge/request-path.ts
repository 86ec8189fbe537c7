/**
 * Whether a path has a percent escape that does not decode: not hex (`%ZZ`, a lone `%`) or not UTF-8 once
 * decoded (`%C3%28`, `%ED%A0%80`). Next decodes the params of a dynamic route (`/api/[...path]`,
 * `/api/auth/[...all]`, `/api/connections/[provider]`) after this proxy runs, and answers such a path with
 * a text 500 ("Internal Server Error", nothing logged) instead of reaching the route.
 */
export function hasMalformedEscape(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return false;
  } catch {
    return true;
  }
}
