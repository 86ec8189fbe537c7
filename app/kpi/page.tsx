import type { Metadata } from "next";
import { KPI_DEFAULT_DAYS, kpiFigure, kpiQuerySchema, recentKpiReport } from "@/src/analytics";
import { requireAdmin } from "@/src/auth";
import { getPrisma } from "@/src/data";
import { KpiExportLink } from "@/src/ui/kpi-export-link";
import { formatFigure } from "@/src/ui/format-figure";
import { ChartOrEmpty, Stat } from "@/src/ui/kpi-figures";
import { FigureDefinition, LlmTable, SocialTables } from "@/src/ui/kpi-tables";
import { TrendChart } from "@/src/ui/trend-chart";

export const metadata: Metadata = { title: "KPIs", robots: { index: false, follow: false } };

const WINDOWS = [7, 30, 90];

export default async function KpiPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const admin = await requireAdmin();
  const requested = (await searchParams).days;
  // A bad ?days= on the page falls back to the default window; the API answers it with a 400 instead.
  const parsed = kpiQuerySchema.safeParse({ days: typeof requested === "string" ? requested : undefined });
  const days = parsed.success ? parsed.data.days : KPI_DEFAULT_DAYS;
  const report = await recentKpiReport(await getPrisma(), { days });
  const labels = report.window.dayLabels;
  const signedUp = report.funnel[0]?.creators ?? 0;

  return (
    <main id="main" tabIndex={-1} className="container stack kpi-page">
      <header className="site-header">
        <span className="brand">Huntaze KPIs</span>
        <span>Signed in as {admin.name}</span>
      </header>
      <div>
        <h1>
          Last {days} {days === 1 ? "day" : "days"}
        </h1>
        <p>
          {report.window.from.slice(0, 10)} to {labels.at(-1)} (UTC), figures as of {report.window.to.slice(11, 19)} UTC (reused for up to 30 s).
        </p>
        <nav className="kpi-toolbar" aria-label="Window and export">
          {WINDOWS.map((n) => (
            <a key={n} href={`/kpi?days=${n}`} aria-current={n === days ? "page" : undefined}>
              {n} days
            </a>
          ))}
          <KpiExportLink href={`/api/kpi/export.csv?days=${days}`} email={admin.email} />
        </nav>
      </div>

      <dl className="stats" aria-label="Headline figures">
        <Stat label="Signed up" value={formatFigure(signedUp)} />
        <Stat label="Active creators" value={formatFigure(report.activeCreators.inWindow)} />
        <Stat label="Token refresh failures" value={formatFigure(report.tokenRefresh.failures)} />
        <Stat label="Dead letters waiting" value={formatFigure(report.deadLetters.waiting)} />
      </dl>

      <section aria-labelledby="activation">
        <h2 id="activation">Activation</h2>
        <ChartOrEmpty empty={signedUp === 0} emptyTitle="No sign-ups in this window">
          <TrendChart
            title="Activation funnel: creators who signed up in the window and reached each step"
            source={kpiFigure("activation_funnel").definition}
            kind="bar"
            labelHeading="Step"
            labels={report.funnel.map((s) => s.label)}
            series={[{ label: "Creators", values: report.funnel.map((s) => s.creators) }]}
          />
        </ChartOrEmpty>
      </section>

      <section aria-labelledby="activity" className="grid-2">
        <h2 id="activity" className="visually-hidden">
          Activity
        </h2>
        <ChartOrEmpty empty={report.activeCreators.inWindow === 0} emptyTitle="No active creators">
          <TrendChart
            title="Daily active creators"
            source={kpiFigure("active_creators_daily").definition}
            labels={labels}
            series={[{ label: "Creators", values: report.activeCreators.daily.map((d) => d.creators) }]}
          />
        </ChartOrEmpty>
        <ChartOrEmpty empty={report.activeCreators.inWindow === 0} emptyTitle="No weekly activity">
          <TrendChart
            title="Weekly active creators (ISO weeks, days inside the window)"
            source={kpiFigure("active_creators").definition}
            kind="bar"
            labelHeading="Week"
            labels={report.activeCreators.weekly.map((w) => w.week)}
            series={[{ label: "Creators", values: report.activeCreators.weekly.map((w) => w.creators) }]}
          />
        </ChartOrEmpty>
      </section>

      <section aria-labelledby="llm" className="stack">
        <h2 id="llm">AI drafting</h2>
        <ChartOrEmpty empty={report.llm.targets.length === 0} emptyTitle="No LLM requests">
          <TrendChart
            title="LLM requests per day"
            source={kpiFigure("llm_requests_daily").definition}
            labels={labels}
            series={[
              { label: "Requests", values: report.llm.daily.map((d) => d.requests) },
              { label: "Errors", values: report.llm.daily.map((d) => d.errors) },
            ]}
          />
        </ChartOrEmpty>
        <LlmTable targets={report.llm.targets} />
      </section>

      <section aria-labelledby="social" className="stack">
        <h2 id="social">Social accounts</h2>
        <ChartOrEmpty empty={report.tokenRefresh.attempts === 0} emptyTitle="No token refreshes">
          <TrendChart
            title="Token refresh failures per day"
            source={kpiFigure("token_refresh_failures_daily").definition}
            kind="bar"
            labels={labels}
            series={[{ label: "Failures", values: report.tokenRefresh.daily.map((d) => d.failures) }]}
          />
        </ChartOrEmpty>
        <SocialTables report={report} />
      </section>

      <section aria-labelledby="robustness">
        <h2 id="robustness">Dead letters</h2>
        <p>
          {report.deadLetters.waiting === 0
            ? "No dead-lettered event is waiting for a replay."
            : `${report.deadLetters.waiting} dead-lettered ${report.deadLetters.waiting === 1 ? "event waits" : "events wait"} for a replay (oldest failed ${report.deadLetters.oldestFailedAt}); see npm run dlq.`}
        </p>
        <FigureDefinition>{kpiFigure("dead_letters").definition}</FigureDefinition>
      </section>
    </main>
  );
}
