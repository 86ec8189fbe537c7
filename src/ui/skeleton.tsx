import type { ReactNode } from "react";

type SkeletonKind = "h1" | "line" | "short" | "button" | "stat" | "chart" | "block" | "field" | "avatar";

/** A grey box the size of what will arrive (see .skeleton--* in globals.css); hidden from screen readers. */
export function Skeleton({ kind }: { kind: SkeletonKind }) {
  return <span className={kind === "short" ? "skeleton skeleton--line skeleton--short" : `skeleton skeleton--${kind}`} aria-hidden="true" />;
}

/**
 * What a loading.tsx shows: the page's own heading when it is known (so it does not move), boxes where the
 * figures will be, and one sentence for screen readers.
 */
export function LoadingPage({ title, label, children }: { title?: string; label: string; children: ReactNode }) {
  return (
    <div className="stack" aria-busy="true" data-loading="true">
      {title ? <h1>{title}</h1> : <Skeleton kind="h1" />}
      <p className="visually-hidden" role="status">
        {label}
      </p>
      {children}
    </div>
  );
}

export function SkeletonCard({ children }: { children: ReactNode }) {
  return <div className="card skeleton-card">{children}</div>;
}
