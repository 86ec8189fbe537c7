"use client";

import { ErrorPanel } from "@/src/ui/error-panel";

export default function DraftsError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorPanel title="Your drafts could not load" what="We could not read your drafts just now." error={error} reset={reset} />;
}
