/** Hands a downloaded file to the browser's own download, under the server's file name. */
export function saveDownload(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const anchor = Object.assign(document.createElement("a"), { href: url, download: filename });
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

const FILENAME = /filename="([^"]+)"/;

/** The file name a response's Content-Disposition gives, or `fallback`. */
export function downloadName(response: Response, fallback: string): string {
  return response.headers.get("content-disposition")?.match(FILENAME)?.[1] ?? fallback;
}
