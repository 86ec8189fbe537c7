"use client";

import { ErrorPanel } from "@/src/ui/error-panel";

export default function ConnectionsError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorPanel title="Your connections could not load" what="We could not read your connected accounts just now." error={error} reset={reset} />;
}
