"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useTransition } from "react";

/**
 * The body of every error.tsx: what happened, that nothing was lost, what to do, and a retry that fetches the
 * page again from the server (reset() alone would re-render the same failed result).
 */
export function ErrorPanel({
  title,
  what,
  error,
  reset,
  home = { href: "/app", label: "Go to your home page" },
}: {
  title: string;
  what: string;
  error: Error & { digest?: string };
  reset: () => void;
  home?: { href: string; label: string };
}) {
  const router = useRouter();
  const [retrying, startRetry] = useTransition();
  const heading = useRef<HTMLHeadingElement>(null);
  // Keyboard and screen-reader users land on the message rather than somewhere behind it.
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className="empty-state empty-state--error" aria-labelledby="error-title" data-error-boundary="true">
      <h1 id="error-title" ref={heading} tabIndex={-1}>
        {title}
      </h1>
      <p role="alert">{what} Your data is safe. Try again; if it keeps happening, wait a few minutes or contact us.</p>
      {error.digest && (
        <p className="hint">
          Reference: <code>{error.digest}</code> (quote it if you contact us).
        </p>
      )}
      <div className="empty-state__actions">
        <button type="button" className="button" disabled={retrying} onClick={() => startRetry(() => { router.refresh(); reset(); })}>
          {retrying ? "Trying again…" : "Try again"}
        </button>
        <a className="button button--quiet" href={home.href}>
          {home.label}
        </a>
      </div>
    </section>
  );
}
