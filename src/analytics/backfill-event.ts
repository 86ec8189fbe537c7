// The backfill's outbox event, apart from its handler: the collector enqueues it (on a connection's first
// collection) and the handler in ./backfill uses the collector's cool-down, so neither imports the other's module.
import { z } from "zod";
import { defineOutboxEvent } from "@/src/outbox";

export const analyticsBackfillEvent = defineOutboxEvent("analytics.backfill", z.object({ connectionId: z.string().min(1) }));
