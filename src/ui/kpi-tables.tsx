// The KPI page's tables (app/kpi/page.tsx): LLM requests by target, connections and provider API calls. Each says
// what it counts in the words of the KPI catalogue (src/analytics/kpi-figures.ts), which the runbook prints too.
import { kpiFigure, type KpiReport } from "@/src/analytics";
import { EmptyState } from "./empty-state";
import { formatFigure } from "./format-figure";

/** The catalogue's definition of a figure, under its table or chart. */
export function FigureDefinition({ children }: { children: string }) {
  return <p className="hint">{children}</p>;
}

export function LlmTable({ targets }: { targets: KpiReport["llm"]["targets"] }) {
  if (!targets.length) return <EmptyState title="No LLM requests"><p>No model was called in this window.</p></EmptyState>;
  return (
    <div className="stack">
      <div className="table-scroll" role="region" aria-label="LLM requests by target" tabIndex={0}>
        <table className="data-table">
          <caption>LLM requests by target</caption>
          <thead>
            <tr>
              <th scope="col">Target</th>
              <th scope="col" className="text">Deployment</th>
              <th scope="col" className="text">Provider</th>
              <th scope="col">Requests</th>
              <th scope="col">Error rate</th>
              <th scope="col">p95 latency (ms)</th>
              <th scope="col">Prompt tokens</th>
              <th scope="col">Completion tokens</th>
            </tr>
          </thead>
          <tbody>
            {targets.map((t) => (
              <tr key={`${t.target}/${t.provider}/${t.deployment}`}>
                <th scope="row">{t.target}</th>
                <td className="text">{t.deployment}</td>
                <td className="text">{t.provider}</td>
                <td>{formatFigure(t.requests)}</td>
                <td>{formatFigure(t.errorRate, "percent")}</td>
                <td>{formatFigure(t.p95LatencyMs)}</td>
                <td>{formatFigure(t.promptTokens)}</td>
                <td>{formatFigure(t.completionTokens)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <FigureDefinition>{kpiFigure("llm_by_target").definition}</FigureDefinition>
    </div>
  );
}

export function SocialTables({ report }: { report: KpiReport }) {
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
          <FigureDefinition>{kpiFigure("connections").definition}</FigureDefinition>
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
          <FigureDefinition>{kpiFigure("social_api_by_provider").definition}</FigureDefinition>
        </div>
      )}
    </div>
  );
}
