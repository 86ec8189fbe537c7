"use client";

import { ErrorPanel } from "@/src/ui/error-panel";

export default function AnalyticsError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorPanel title="Your analytics could not load" what="We could not read your figures just now." error={error} reset={reset} />;
}
