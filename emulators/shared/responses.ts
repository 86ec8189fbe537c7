// Writing responses: JSON with exact status codes, plain accessible HTML pages for the consent screens and
// error pages, redirects, the "malformed JSON" fault body, and a tiny SVG so avatar URLs really resolve.
import type { ServerResponse } from "node:http";

export type ExtraHeaders = Record<string, string>;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: ExtraHeaders = {}): void {
  sendRawJson(res, status, JSON.stringify(body), headers);
}

/** For bodies that must be serialised by hand (e.g. an int64 that JSON.stringify cannot write). */
export function sendRawJson(res: ServerResponse, status: number, text: string, headers: ExtraHeaders = {}): void {
  res.writeHead(status, {
    "content-type": "application/json; charset=UTF-8",
    "cache-control": "no-store",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/**
 * A 200 whose body is JSON cut off mid-value, with a JSON content type: what a client sees when a proxy drops the
 * connection's tail. The client must treat it as a failed call, not crash or store half a token.
 */
export function sendTruncatedJson(res: ServerResponse, completeBody: unknown, headers: ExtraHeaders = {}): void {
  const text = JSON.stringify(completeBody);
  const cut = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
  sendRawJson(res, 200, cut, headers);
}

export function redirect(res: ServerResponse, location: string, headers: ExtraHeaders = {}): void {
  res.writeHead(302, { location, "cache-control": "no-store", "content-length": 0, ...headers });
  res.end();
}

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** A complete, plain HTML document: no scripts, so a browser test or curl sees exactly what is served. */
export function renderPage(title: string, bodyHtml: string): string {
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    "<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}",
    "button{font-size:1rem;padding:.5rem 1.25rem;margin-right:.5rem}li{margin:.25rem 0}</style>",
    "</head>",
    `<body><main>${bodyHtml}</main></body>`,
    "</html>",
  ].join("\n");
}

export function sendHtml(res: ServerResponse, status: number, html: string, headers: ExtraHeaders = {}): void {
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "content-length": Buffer.byteLength(html),
    ...headers,
  });
  res.end(html);
}

export function sendErrorPage(res: ServerResponse, status: number, title: string, message: string): void {
  sendHtml(res, status, renderPage(title, `<h1>${escapeHtml(title)}</h1><p role="alert">${escapeHtml(message)}</p>`));
}

/** A deterministic placeholder image: avatar and cover URLs point here so an <img> in the app really loads. */
export function sendPlaceholderSvg(res: ServerResponse, label: string): void {
  const hue = [...label].reduce((acc, c) => (acc * 31 + c.charCodeAt(0)) % 360, 7);
  const initials = escapeHtml(label.replace(/[^A-Za-z0-9]/g, "").slice(0, 2).toUpperCase() || "EM");
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200" viewBox="0 0 200 200">` +
    `<rect width="200" height="200" fill="hsl(${hue},60%,45%)"/>` +
    `<text x="100" y="118" font-size="64" text-anchor="middle" fill="#fff" font-family="sans-serif">${initials}</text>` +
    `</svg>`;
  res.writeHead(200, {
    "content-type": "image/svg+xml",
    "cache-control": "public, max-age=3600",
    "content-length": Buffer.byteLength(svg),
  });
  res.end(svg);
}
