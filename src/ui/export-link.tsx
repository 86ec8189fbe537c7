"use client";

import { useState, type MouseEvent } from "react";
import { downloadName, saveDownload } from "./save-download";

const NEXT_PART = /<([^>]+)>;\s*rel="next"/;

/**
 * "Download my data". A long history comes in several files (each response must stay under the host's size
 * limit), so with JavaScript every part is fetched and saved in turn; without it, the link still downloads the
 * first part, which says how many there are. A sentence in a status region tells screen-reader users what
 * happened and what to do if no file arrives.
 */
export function ExportLink() {
  const [status, setStatus] = useState("");

  async function downloadAll(event: MouseEvent<HTMLAnchorElement>) {
    event.preventDefault();
    setStatus("Preparing your file… your browser saves it as soon as it is ready (a few seconds).");
    let url: string | null = "/api/privacy/export";
    let saved = 0;
    while (url) {
      const response: Response | null = await fetch(url).catch(() => null);
      if (!response?.ok) {
        const body = (await response?.json().catch(() => null)) as { error?: { message?: string } } | null;
        setStatus(`${body?.error?.message ?? "The download failed."} Press the button again to retry.`);
        return;
      }
      saveDownload(await response.blob(), downloadName(response, "huntaze-export.json"));
      saved++;
      url = response.headers.get("link")?.match(NEXT_PART)?.[1] ?? null;
      if (url) setStatus(`Saved part ${saved}; preparing the next one…`);
    }
    setStatus(saved > 1 ? `Your data is saved in ${saved} files.` : "Your file is saved.");
  }

  return (
    <div className="connection__actions">
      <a className="button" href="/api/privacy/export" download onClick={downloadAll}>
        Download my data
      </a>
      <p className="hint" role="status">
        {status}
      </p>
    </div>
  );
}
