"use client";

import { ErrorPanel } from "@/src/ui/error-panel";

export default function RootError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main id="main" tabIndex={-1} className="narrow">
      <ErrorPanel title="This page could not load" what="Something on our side did not answer." error={error} reset={reset} home={{ href: "/", label: "Go to the Huntaze home page" }} />
    </main>
  );
}
