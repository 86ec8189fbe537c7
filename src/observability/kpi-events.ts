// KPI events: each is ONE structured log line with a stable `event` name and documented fields (the schema
// docs/KPI-RUNBOOK.md's Logs Insights queries are written against), and the same fields as a KpiEvent row so
// the KPI host can answer from Postgres. During a request the row is written before the response leaves (a
// serverless instance is frozen right after it); long-lived workers write in small batches and flush on exit.
import { z } from "zod";
import { moduleLogger } from "./logger";
import { beforeResponse, currentRequestScope } from "./request-scope";
import { PLATFORMS } from "@/src/social/platforms";

const provider = z.enum(PLATFORMS);
const userId = z.string().min(1);

/** Every KPI event and its fields. Adding a field here is adding it to the log schema: document it in the runbook. */
export const KPI_EVENTS = {
  "user.signed_up": z.object({ userId }),
  "user.signed_in": z.object({ userId }),
  // The account's deletion completed: the logs, which keep its userId, leave it out of the figures the database forgot.
  "user.deleted": z.object({ userId }),
  "social.connected": z.object({ userId, provider }),
  "social.disconnected": z.object({ userId, provider, revokedAtProvider: z.boolean() }),
  "social.token_refresh": z.object({ userId, provider, outcome: z.enum(["ok", "needs_attention", "error"]), reason: z.string().optional() }),
  "social.request": z.object({ provider, endpoint: z.string(), outcome: z.string(), durationMs: z.number().int().nonnegative() }),
  "llm.request": z.object({
    target: z.string(),
    provider: z.string(),
    deployment: z.string(),
    outcome: z.string(),
    latencyMs: z.number().int().nonnegative(),
    promptTokens: z.number().int().nonnegative(),
    completionTokens: z.number().int().nonnegative(),
  }),
  "draft.created": z.object({ userId, status: z.enum(["ok", "blocked", "error"]), deployment: z.string().nullable(), latencyMs: z.number().int().nonnegative() }),
  "analytics.synced": z.object({ userId, provider, outcome: z.string(), snapshots: z.number().int().nonnegative() }),
  "summary.created": z.object({ userId, periodDays: z.number().int(), narrativeStatus: z.enum(["ok", "unavailable", "blocked"]) }),
} as const;

export type KpiEventName = keyof typeof KPI_EVENTS;
export type KpiEventFields<N extends KpiEventName> = z.input<(typeof KPI_EVENTS)[N]>;

const log = moduleLogger("events");
const FLUSH_EVERY_MS = 500;
const FLUSH_AT = 200;

interface PendingEvent {
  name: string;
  userId: string | null;
  occurredAt: Date;
  properties: Record<string, unknown>;
}

/**
 * Where the rows go: the one method of Data's Prisma client this module calls, so Observability, which Data uses
 * for its logger, does not import Data back.
 */
interface KpiEventRows {
  kpiEvent: { createMany(args: { data: Array<Omit<PendingEvent, "properties"> & { properties: object }> }): Promise<unknown> };
}

// On globalThis: Next's bundles share one buffer and one database.
const state = globalThis as unknown as {
  __huntazeKpiEvents?: { pending: PendingEvent[]; timer?: NodeJS.Timeout; prisma?: () => Promise<KpiEventRows> };
};
const buffer = () => (state.__huntazeKpiEvents ??= { pending: [] });

/** Where rows go; set once per process (app start-up, worker). Without it, events are log lines only. */
export function storeKpiEventsIn(prisma: () => Promise<KpiEventRows>): void {
  buffer().prisma = prisma;
}

export function recordEvent<N extends KpiEventName>(name: N, fields: KpiEventFields<N>): void {
  const parsed = KPI_EVENTS[name].safeParse(fields);
  if (!parsed.success) {
    // A programming error, not a reason to fail the creator's request.
    log.error({ event: "kpi.invalid_event", name, issues: parsed.error.issues.map((i) => i.path.join(".")) }, "KPI event does not match its schema");
    return;
  }
  const properties = parsed.data as Record<string, unknown>;
  log.info({ event: name, ...properties }, name);
  const target = buffer();
  if (!target.prisma) return;
  const { userId: id, ...rest } = properties as { userId?: string };
  const event: PendingEvent = { name, userId: id ?? null, occurredAt: new Date(), properties: rest };
  if (currentRequestScope()) {
    beforeResponse(storeEvents([event], target.prisma));
    return;
  }
  target.pending.push(event);
  if (target.pending.length >= FLUSH_AT) void flushEvents();
  else target.timer ??= setTimeout(() => void flushEvents(), FLUSH_EVERY_MS);
}

/**
 * `user.deleted`, whose row belongs in the deletion's own transaction (recordEvent's rows are written beside the
 * change, never inside a transaction): the caller puts `row` in that transaction and calls `logCommitted()` once it
 * has committed. The row is anonymous like every other row of the account (the same transaction sets their userId to
 * null); the line keeps the userId, as the account's earlier lines do.
 */
export function accountDeletedEvent(userId: string): { row: { name: "user.deleted"; userId: null; occurredAt: Date; properties: object }; logCommitted(): void } {
  const fields = KPI_EVENTS["user.deleted"].parse({ userId });
  return {
    row: { name: "user.deleted", userId: null, occurredAt: new Date(), properties: {} },
    logCommitted: () => log.info({ event: "user.deleted", ...fields }, "user.deleted"),
  };
}

async function storeEvents(batch: PendingEvent[], prisma: () => Promise<KpiEventRows>): Promise<void> {
  try {
    await (await prisma()).kpiEvent.createMany({ data: batch.map((e) => ({ ...e, properties: e.properties as object })) });
  } catch (error) {
    log.warn({ event: "kpi.events_dropped", count: batch.length, err: error }, "could not store KPI events; the log lines remain");
  }
}

/** Writes the buffered rows now (tests, shutdown). */
export async function flushEvents(): Promise<void> {
  const target = buffer();
  if (target.timer) clearTimeout(target.timer);
  target.timer = undefined;
  const batch = target.pending.splice(0);
  if (!batch.length || !target.prisma) return;
  await storeEvents(batch, target.prisma);
}
