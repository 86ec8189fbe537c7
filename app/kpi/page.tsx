import type { Metadata } from "next";
import type { ReactNode } from "react";
import { KPI_DEFAULT_DAYS, kpiQuerySchema, recentKpiReport, type KpiReport } from "@/src/analytics";
import { requireAdmin } from "@/src/auth";
import { getPrisma } from "@/src/data";
import { EmptyState } from "@/src/ui/empty-state";
import { KpiExportLink } from "@/src/ui/kpi-export-link";
import { formatFigure } from "@/src/ui/format-figure";
import { TrendChart } from "@/src/ui/trend-chart";

export const metadata: Metadata = { title: "KPIs", robots: { index: false, follow: false } };

const WINDOWS = [7, 30, 90];

function Stat({ label, value }: { label: string; value: string | number }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

/** A chart when there is something to draw; otherwise say so instead of drawing a flat line at zero. */
function ChartOrEmpty({ empty, emptyTitle, children }: { empty: boolean; emptyTitle: string; children: ReactNode }) {
  return empty ? (
    <EmptyState title={emptyTitle}>
      <p>Nothing was recorded in this window.</p>
    </EmptyState>
  ) : (
    children
  );
}

function LlmTable({ deployments }: { deployments: KpiReport["llm"]["deployments"] }) {
  if (!deployments.length) return <EmptyState title="No LLM requests"><p>No model was called in this window.</p></EmptyState>;
  return (
    <div className="table-scroll" role="region" aria-label="LLM requests by deployment" tabIndex={0}>
      <table className="data-table">
        <caption>LLM requests by deployment</caption>
        <thead>
          <tr>
            <th scope="col">Deployment</th>
            <th scope="col" className="text">Provider</th>
            <th scope="col">Requests</th>
            <th scope="col">Error rate</th>
            <th scope="col">p95 latency (ms)</th>
            <th scope="col">Prompt tokens</th>
            <th scope="col">Completion tokens</th>
          </tr>
        </thead>
        <tbody>
          {deployments.map((d) => (
            <tr key={`${d.provider}/${d.deployment}`}>
              <th scope="row">{d.deployment}</th>
              <td className="text">{d.provider}</td>
              <td>{formatFigure(d.requests)}</td>
              <td>{formatFigure(d.errorRate, "percent")}</td>
              <td>{formatFigure(d.p95LatencyMs)}</td>
              <td>{formatFigure(d.promptTokens)}</td>
              <td>{formatFigure(d.completionTokens)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SocialTables({ report }: { report: KpiReport }) {
  return (
    <div className="grid-2">
      {report.connections.length === 0 ? (
        <EmptyState title="No connections">
          <p>No creator has connected an account yet.</p>
        </EmptyState>
      ) : (
        <div className="table-scroll" role="region" aria-label="Connections now, by provider and status" tabIndex={0}>
          <table className="data-table">
            <caption>Connections now, by provider and status</caption>
            <thead>
              <tr>
                <th scope="col">Provider</th>
                <th scope="col" className="text">Status</th>
                <th scope="col">Count</th>
              </tr>
            </thead>
            <tbody>
              {report.connections.map((c) => (
                <tr key={`${c.provider}-${c.status}`}>
                  <th scope="row">{c.provider}</th>
                  <td className="text">{c.status}</td>
                  <td>{formatFigure(c.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {report.socialApi.length === 0 ? (
        <EmptyState title="No provider API calls">
          <p>No TikTok or Instagram call was recorded in this window.</p>
        </EmptyState>
      ) : (
        <div className="table-scroll" role="region" aria-label="Provider API calls" tabIndex={0}>
          <table className="data-table">
            <caption>Provider API calls</caption>
            <thead>
              <tr>
                <th scope="col">Provider</th>
                <th scope="col">Requests</th>
                <th scope="col">Error rate</th>
                <th scope="col">p95 (ms)</th>
              </tr>
            </thead>
            <tbody>
              {report.socialApi.map((s) => (
                <tr key={s.provider}>
                  <th scope="row">{s.provider}</th>
                  <td>{formatFigure(s.requests)}</td>
                  <td>{formatFigure(s.errorRate, "percent")}</td>
                  <td>{formatFigure(s.p95DurationMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

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
          <TrendChart title="Daily active creators" labels={labels} series={[{ label: "Creators", values: report.activeCreators.daily.map((d) => d.creators) }]} />
        </ChartOrEmpty>
        <ChartOrEmpty empty={report.activeCreators.inWindow === 0} emptyTitle="No weekly activity">
          <TrendChart
            title="Weekly active creators (ISO weeks, days inside the window)"
            kind="bar"
            labelHeading="Week"
            labels={report.activeCreators.weekly.map((w) => w.week)}
            series={[{ label: "Creators", values: report.activeCreators.weekly.map((w) => w.creators) }]}
          />
        </ChartOrEmpty>
      </section>

      <section aria-labelledby="llm" className="stack">
        <h2 id="llm">AI drafting</h2>
        <ChartOrEmpty empty={report.llm.deployments.length === 0} emptyTitle="No LLM requests">
          <TrendChart
            title="LLM requests per day"
            labels={labels}
            series={[
              { label: "Requests", values: report.llm.daily.map((d) => d.requests) },
              { label: "Errors", values: report.llm.daily.map((d) => d.errors) },
            ]}
          />
        </ChartOrEmpty>
        <LlmTable deployments={report.llm.deployments} />
      </section>

      <section aria-labelledby="social" className="stack">
        <h2 id="social">Social accounts</h2>
        <ChartOrEmpty empty={report.tokenRefresh.attempts === 0} emptyTitle="No token refreshes">
          <TrendChart
            title="Token refresh failures per day"
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
      </section>
    </main>
  );
}
