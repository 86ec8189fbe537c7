// Other spellings of one request path, as a client can put them on the wire: percent-encoded letters, encoded
// slashes and dots, case changes, dot segments, doubled slashes, backslashes, trailing dots and matrix
// parameters. The proxy matches rate limits, host rules and the cross-site check on the pathname it sees; a
// spelling that Next still routes to the same handler must be seen by the proxy as that same path.

const hex = (char: string) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`;

/** Every spelling of `path` (not `path` itself), each one a raw request target. */
export function pathSpellings(path: string): string[] {
  const segments = path.split("/").slice(1);
  const spellings = new Set<string>();
  segments.forEach((segment, index) => {
    const withSegment = (replacement: string) => `/${segments.map((s, i) => (i === index ? replacement : s)).join("/")}`;
    for (const replacement of [
      hex(segment[0]!) + segment.slice(1),
      hex(segment[0]!).toLowerCase() + segment.slice(1),
      [...segment].map(hex).join(""),
      segment.toUpperCase(),
      segment[0]!.toUpperCase() + segment.slice(1),
      `${segment}.`,
      `${segment}%2e`,
      `${segment};x`,
      `${segment}%20`,
      `${segment}%09`,
      `${segment}%00`,
      `${segment}%2F`,
    ]) {
      spellings.add(withSegment(replacement));
    }
  });
  for (let cut = 1; cut < segments.length; cut++) {
    const head = `/${segments.slice(0, cut).join("/")}`;
    const tail = segments.slice(cut).join("/");
    for (const joint of ["%2F", "%2f", "%252F", "%5C", "\\", "//", "/./", "/%2e/", "/x/../", "/x/%2e%2e/", "/;x/"]) spellings.add(`${head}${joint}${tail}`);
  }
  for (const spelling of [`/${path}`, `/.${path}`, `${path}/`, `${path}/.`, `${path}.`, `${path}%2e`, `${path}?`, path.toUpperCase(), path.replaceAll("/", "%2F")]) {
    spellings.add(spelling);
  }
  spellings.delete(path);
  return [...spellings];
}
