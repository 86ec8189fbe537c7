// The KPI page's tables (app/kpi/page.tsx): LLM requests by deployment, connections and provider API calls.
import type { KpiReport } from "@/src/analytics";
import { EmptyState } from "./empty-state";
import { formatFigure } from "./format-figure";

export function LlmTable({ deployments }: { deployments: KpiReport["llm"]["deployments"] }) {
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
