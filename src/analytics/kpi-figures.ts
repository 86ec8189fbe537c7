// Every KPI figure, defined once: the sentence the KPI page shows under it and docs/KPI-RUNBOOK.md prints, the
// CloudWatch Logs Insights query that rebuilds it from the log lines, and, where the page and the logs cannot give
// the same number, exactly why. kpi.ts computes the page's side from these definitions (CREATOR_ACTIONS); the
// runbook's "Figures" section is this catalogue rendered (kpi-figures.test.ts keeps the two equal), and
// kpi-logs-agree.test.ts runs every query over the lines of one data set beside the page's report.

/** What a creator does, as opposed to what jobs do for them (token refresh, analytics sync, summaries). */
export const CREATOR_ACTIONS = ["user.signed_up", "user.signed_in", "social.connected", "social.disconnected", "draft.created"] as const;

export type KpiFigureId =
  | "activation_funnel"
  | "active_creators_daily"
  | "active_creators"
  | "llm_by_target"
  | "llm_errors_by_target"
  | "llm_requests_daily"
  | "llm_errors_daily"
  | "token_refresh_failures_daily"
  | "social_api_by_provider"
  | "social_api_errors"
  | "connections"
  | "dead_letters"
  | "token_refresh_failures_by_reason"
  | "drafts_by_status"
  | "analytics_syncs"
  | "summaries";

export interface KpiFigure {
  id: KpiFigureId;
  title: string;
  /** One sentence: what is counted. The page shows it under the figure; the runbook prints it above the query. */
  definition: string;
  /** Where the page and the CSV show it; null for a figure only the logs give. */
  onPage: string | null;
  /** Logs Insights QL over the lines of `recordEvent` (docs/KPI-RUNBOOK.md, "The event schema"). */
  query: string;
  /** Why the page and the logs give different numbers for the same window; null when they agree. */
  differs: string | null;
}

const list = (names: readonly string[]) => `[${names.map((n) => `"${n}"`).join(", ")}]`;
const lines = (...parts: string[]) => parts.join("\n| ");

const SAME_RANGE =
  "Set the query's time range to the page's window: from 00:00 UTC of its first day to now (the page's days are UTC days).";

export const KPI_FIGURES: readonly KpiFigure[] = [
  {
    id: "activation_funnel",
    title: "Activation funnel",
    definition:
      "Creators who signed up in the window and still have an account, then how many of them connected an account, created a draft (whatever its outcome) and got a summary; each step counts only creators who reached the steps before it.",
    onPage: "the Activation chart and the “Signed up” headline (its first step); CSV section activation_funnel",
    query: lines(
      `filter event in ${list(["user.signed_up", "social.connected", "draft.created", "summary.created", "user.deleted"])}`,
      `fields strcontains(event, "user.signed_up") as signup, strcontains(event, "social.connected") as connect, strcontains(event, "draft.created") as draft, strcontains(event, "summary.created") as summary, strcontains(event, "user.deleted") as deletion`,
      "stats max(signup) as signedUp, max(connect) as connects, max(draft) as drafts, max(summary) as summaries, max(deletion) as deletions by userId",
      "filter signedUp = 1 and deletions = 0",
      "stats count(*) as signed_up, sum(connects) as connected, sum(connects * drafts) as drafted, sum(connects * drafts * summaries) as summarized",
    ),
    differs:
      "Admins: the page leaves out accounts with the admin role (`npm run admin:create`), the log lines carry no role, so an admin who signed up in the window counts in every step the logs give. " +
      "Deleted accounts (the smoke's `smoke-<hex>@smoke.huntaze.invalid` ones included) are out of both: the page no longer has them, the logs drop every userId with a `user.deleted` line in the range. " +
      SAME_RANGE,
  },
  {
    id: "active_creators_daily",
    title: "Daily active creators",
    definition: `Creators (not admins) who did at least one thing themselves on the UTC day: sign up, sign in, connect, disconnect or create a draft; what jobs do for them (token refresh, sync, summaries) does not count.`,
    onPage: "the Daily active creators chart; CSV section daily_active_creators",
    query: lines(`filter event in ${list(CREATOR_ACTIONS)}`, "stats count_distinct(userId) as creators by bin(1d)"),
    differs:
      "The logs also count, on the days they acted, admins (no role on the lines) and accounts deleted since (their lines keep the userId; the deletion makes their rows anonymous, so the page no longer tells them apart). " +
      "count_distinct is approximate for fields with very many values.",
  },
  {
    id: "active_creators",
    title: "Active creators in the window, and per ISO week",
    definition:
      "Creators (not admins) who did at least one thing themselves in the window (the same actions as the daily figure) and still have an account; the weekly figure counts the same over each ISO week's days inside the window.",
    onPage: "the “Active creators” headline and the Weekly active creators chart; CSV section weekly_active_creators",
    query: lines(
      `filter event in ${list([...CREATOR_ACTIONS, "user.deleted"])}`,
      `fields 1 - strcontains(event, "user.deleted") as action, strcontains(event, "user.deleted") as deletion`,
      "stats max(action) as acted, max(deletion) as deletions by userId",
      "filter acted = 1 and deletions = 0",
      "stats count(*) as creators",
    ),
    differs:
      "Admins count in the logs (no role on the lines). For a week, run the query with the range of that week inside the window (Monday 00:00 UTC, or the window's start, to the next Monday, or now): bin(1w) would not start weeks on Monday. " +
      "For a week that has ended, an account deleted after it still counts in the logs (its `user.deleted` line is outside that range) but no longer on the page.",
  },
  {
    id: "llm_by_target",
    title: "LLM attempts, p95 latency and tokens by target",
    definition:
      "Per router target (blue, green, claude) and the deployment and provider it called: model attempts in the window (a failover is one attempt per target tried), their 95th-percentile latency and the tokens they used.",
    onPage: "the LLM requests by target table; CSV section llm_targets",
    query: lines(
      `filter event = "llm.request"`,
      "stats count(*) as requests, pct(latencyMs, 95) as p95Ms, sum(promptTokens) as prompt, sum(completionTokens) as completion by target, deployment, provider",
    ),
    differs:
      "p95 latency: the page interpolates between the two attempts around the 95th percentile (Postgres percentile_cont), Logs Insights' pct returns a recorded value near it, so the two can differ by up to the gap between neighbouring attempts.",
  },
  {
    id: "llm_errors_by_target",
    title: "LLM errors by target and outcome",
    definition:
      "Per target, deployment and provider, the attempts whose outcome is not ok (a failure kind, or blocked by a content filter), by outcome; the page's error rate is their sum over the target's attempts.",
    onPage: "the Error rate column of the LLM requests by target table; CSV section llm_targets (errors, error_rate)",
    query: lines(`filter event = "llm.request" and outcome != "ok"`, "stats count(*) as errors by target, deployment, provider, outcome"),
    differs: null,
  },
  {
    id: "llm_requests_daily",
    title: "LLM attempts per day",
    definition: "Model attempts per UTC day, every target together (the Errors line: those whose outcome is not ok).",
    onPage: "the Requests line of the LLM requests per day chart; CSV section llm_requests_daily",
    query: lines(`filter event = "llm.request"`, "stats count(*) as requests by bin(1d)"),
    differs: null,
  },
  {
    id: "llm_errors_daily",
    title: "LLM errors per day",
    definition: "Model attempts per UTC day whose outcome is not ok, every target together.",
    onPage: "the Errors line of the LLM requests per day chart; CSV section llm_requests_daily",
    query: lines(`filter event = "llm.request" and outcome != "ok"`, "stats count(*) as errors by bin(1d)"),
    differs: null,
  },
  {
    id: "token_refresh_failures_daily",
    title: "Token refresh failures per day",
    definition: "Refreshes of a creator's TikTok or Instagram token per UTC day whose outcome is not ok (needs attention, or an error).",
    onPage: "the “Token refresh failures” headline (their total) and chart; CSV section token_refresh",
    query: lines(`filter event = "social.token_refresh" and outcome != "ok"`, "stats count(*) as failures by bin(1d)"),
    differs: null,
  },
  {
    id: "social_api_by_provider",
    title: "Provider API calls and p95 duration",
    definition: "Calls to TikTok's and Instagram's APIs in the window per provider, and their 95th-percentile duration.",
    onPage: "the Provider API calls table; CSV section social_api",
    query: lines(`filter event = "social.request"`, "stats count(*) as requests, pct(durationMs, 95) as p95Ms by provider"),
    differs: "p95 duration: the page interpolates (percentile_cont), Logs Insights' pct returns a recorded value near the 95th percentile.",
  },
  {
    id: "social_api_errors",
    title: "Provider API errors by outcome",
    definition: "Calls to a provider's API whose outcome is not ok, by provider and failure kind; the page's error rate is their sum over the provider's calls.",
    onPage: "the Error rate column of the Provider API calls table; CSV section social_api (errors, error_rate)",
    query: lines(`filter event = "social.request" and outcome != "ok"`, "stats count(*) as errors by provider, outcome"),
    differs: null,
  },
  {
    id: "connections",
    title: "Connections and disconnections by provider",
    definition: "Every connection that exists now, whenever it was made, by provider and status; the logs give the connections and disconnections made in the range instead.",
    onPage: "the Connections now table; CSV section connections",
    query: lines(`filter event in ${list(["social.connected", "social.disconnected"])}`, "stats count(*) as changes by provider, event"),
    differs:
      "Not the same figure: the page counts the rows that exist now, the logs count changes. A provider's rows on the page equal its connections minus its disconnections in the logs only when no connection was made before the range, none was made again over an existing one, and no account holding one was deleted (a deletion removes its connections without a `social.disconnected` line).",
  },
  {
    id: "dead_letters",
    title: "Dead letters",
    definition: "Outbox events in the dead letters now, waiting for a replay; the logs give the events moved there in the range instead, by type and day.",
    onPage: "the “Dead letters waiting” headline and the Dead letters section; CSV section dead_letters",
    query: lines(`filter event = "outbox.dead_lettered"`, "stats count(*) as deadLetters by type, bin(1d)"),
    differs: "Not the same figure: a replay (`npm run dlq`) removes a dead letter from the page's count and writes no line; dead letters from before the range are on the page only.",
  },
  {
    id: "token_refresh_failures_by_reason",
    title: "Token refresh failures by provider and reason",
    definition: "The token refreshes per provider, outcome, reason and UTC day whose outcome is not ok: which vendor refuses, and why.",
    onPage: null,
    query: lines(`filter event = "social.token_refresh" and outcome != "ok"`, "stats count(*) as failures by provider, outcome, reason, bin(1d)"),
    differs: null,
  },
  {
    id: "drafts_by_status",
    title: "Drafts by status and deployment",
    definition: "Drafts saved in the range by status (ok, blocked, error) and the deployment that wrote them, with their mean latency.",
    onPage: null,
    query: lines(`filter event = "draft.created"`, "stats count(*) as drafts, avg(latencyMs) as avgMs by status, deployment"),
    differs: null,
  },
  {
    id: "analytics_syncs",
    title: "Analytics syncs by outcome",
    definition: "Collections of a connection's analytics in the range by provider and outcome, and the snapshots they stored.",
    onPage: null,
    query: lines(`filter event = "analytics.synced"`, "stats count(*) as syncs, sum(snapshots) as stored by provider, outcome"),
    differs: null,
  },
  {
    id: "summaries",
    title: "Summaries and narrative availability",
    definition: "New 7- and 28-day summaries in the range, by period and whether the model wrote their narrative.",
    onPage: null,
    query: lines(`filter event = "summary.created"`, "stats count(*) as summaries by periodDays, narrativeStatus"),
    differs: null,
  },
];

export function kpiFigure(id: KpiFigureId): KpiFigure {
  const figure = KPI_FIGURES.find((f) => f.id === id);
  if (!figure) throw new Error(`no KPI figure ${id}`);
  return figure;
}

export const RUNBOOK_FIGURES_START = "<!-- kpi-figures: rendered from src/analytics/kpi-figures.ts; kpi-figures.test.ts keeps them equal -->";
export const RUNBOOK_FIGURES_END = "<!-- /kpi-figures -->";

/** The runbook's "Figures" section, between its two markers. */
export function runbookFiguresSection(figures: readonly KpiFigure[] = KPI_FIGURES): string {
  return figures
    .map((f) =>
      [
        `### ${f.title}`,
        "",
        f.definition,
        "",
        f.onPage ? `On the page: ${f.onPage}.` : "Logs only: the page does not show it.",
        "",
        "```logs-insights",
        f.query,
        "```",
        "",
        f.onPage ? (f.differs ? `Page and logs differ: ${f.differs}` : `Page and logs agree. ${SAME_RANGE}`) : f.differs ?? "",
      ]
        .join("\n")
        .trimEnd(),
    )
    .join("\n\n");
}
