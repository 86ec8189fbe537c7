"use client";

import { useState } from "react";

/**
 * "Download my data": a plain download link (the browser shows the file's progress), plus a sentence in a status
 * region so screen-reader users know something happened and what to do if no file arrives.
 */
export function ExportLink() {
  const [started, setStarted] = useState(false);
  return (
    <div className="connection__actions">
      <a className="button" href="/api/privacy/export" download onClick={() => setStarted(true)}>
        Download my data
      </a>
      <p className="hint" role="status">
        {started ? "Preparing your file… your browser saves it as soon as it is ready (a few seconds). If nothing arrives within a minute, press the button again." : ""}
      </p>
    </div>
  );
}
