// An outbox event is written in the same transaction as the change it announces, so either both happen or
// neither does. Each event type has a zod payload schema: a payload is checked when written and when read.
import type { z } from "zod";
import type { Prisma } from "@/src/data";

export type Transaction = Prisma.TransactionClient;

export interface DeliveredEvent<Payload> {
  /** Stable across retries and replays: handlers use it to do their work once. */
  id: string;
  type: string;
  payload: Payload;
  /** 1 on the first delivery. */
  attempt: number;
  isLastAttempt: boolean;
}

export interface OutboxEventType<Payload> {
  type: string;
  payload: z.ZodType<Payload>;
  /** Writes the event inside the caller's transaction; returns its id. */
  enqueue(tx: Transaction, payload: Payload): Promise<string>;
}

export function defineOutboxEvent<Payload extends Prisma.InputJsonObject>(type: string, payload: z.ZodType<Payload>): OutboxEventType<Payload> {
  return {
    type,
    payload,
    enqueue: async (tx, value) => (await tx.outboxEvent.create({ data: { type, payload: payload.parse(value) }, select: { id: true } })).id,
  };
}

export interface OutboxHandler {
  type: string;
  deliver(event: DeliveredEvent<unknown>): Promise<void>;
}

/** Pairs an event type with the code that acts on it. Throwing means "retry later". */
export function handleOutboxEvent<Payload>(eventType: OutboxEventType<Payload>, handle: (event: DeliveredEvent<Payload>) => Promise<void>): OutboxHandler {
  return {
    type: eventType.type,
    deliver: (event) => handle({ ...event, payload: eventType.payload.parse(event.payload) }),
  };
}
