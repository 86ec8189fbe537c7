"use client";

import { ErrorPanel } from "@/src/ui/error-panel";

export default function AppError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorPanel title="This page could not load" what="We could not load this page." error={error} reset={reset} />;
}
