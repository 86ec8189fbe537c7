"use client";

import { useState, type MouseEvent } from "react";
import { ReauthenticateForm } from "./reauthenticate-form";
import { downloadName, saveDownload } from "./save-download";

/**
 * The KPI page's "Download CSV". The export needs a recent sign-in: with JavaScript, a 403
 * `reauthentication_required` turns into the password prompt, and the download starts once it is confirmed;
 * without it, the link still downloads (or shows the JSON error saying what to do).
 */
export function KpiExportLink({ href, email }: { href: string; email: string }) {
  const [status, setStatus] = useState("");
  const [reauthentication, setReauthentication] = useState<string | null>(null);

  async function download() {
    setStatus("Preparing the CSV…");
    const response = await fetch(href).catch(() => null);
    if (response?.ok) {
      saveDownload(await response.blob(), downloadName(response, "huntaze-kpi.csv"));
      return setStatus("The CSV is saved.");
    }
    const body = (await response?.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
    if (body?.error?.code === "reauthentication_required" && body.error.message) {
      setStatus("");
      return setReauthentication(body.error.message);
    }
    setStatus(`${body?.error?.message ?? "The download failed."} Press the button again to retry.`);
  }

  function onClick(event: MouseEvent<HTMLAnchorElement>) {
    event.preventDefault();
    void download();
  }

  function reauthenticated() {
    setReauthentication(null);
    void download();
  }

  return (
    <>
      <a className="button button--quiet" href={href} download onClick={onClick}>
        Download CSV
      </a>
      <p className="hint" role="status">
        {status}
      </p>
      {reauthentication && <ReauthenticateForm email={email} reason={reauthentication} onConfirmed={reauthenticated} />}
    </>
  );
}
