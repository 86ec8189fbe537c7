"use client";

import { ErrorPanel } from "@/src/ui/error-panel";

export default function KpiError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main id="main" tabIndex={-1} className="container stack kpi-page">
      <header className="site-header">
        <span className="brand">Huntaze KPIs</span>
      </header>
      <ErrorPanel
        title="The KPIs could not load"
        what="The KPI queries did not answer (the database may be busy or restarting)."
        error={error}
        reset={reset}
        home={{ href: "/kpi", label: "Reload the 30-day view" }}
      />
    </main>
  );
}
