// The control surface the two LLM emulators share, built on the same control factory as TikTok and Instagram:
// faults, reset, clock and request log, plus API-key rotation, chosen replies, latency and a deterministic error
// rate per target. Over HTTP: /__control/api-keys, /reply, /latency and /error-rate next to the common routes.
import type { ServerResponse } from "node:http";
import { z } from "zod";
import type { VirtualClock } from "./clock";
import { createEmulatorControl, type EmulatorControl } from "./control";
import type { FaultInjector } from "./faults";
import { TrafficDrills, type ErrorRate } from "./llm-drills";
import { ReplyBook, type ReplySource } from "./llm-replies";
import type { EmulatorRequest } from "./server";

export interface LlmEmulatorControl<M extends string, R>
  extends Omit<EmulatorControl<M>, "setClientSecrets" | "revocations" | "issuedTokens"> {
  /** Replaces the accepted API keys (every listed key works: rotation keeps old and new valid for a while). */
  setApiKeys(keys: string[]): void;
  apiKeys(): string[];
  /** Chooses the reply text for a target ("*" = all); a function gets the parsed request. */
  setReply(target: string, reply: ReplySource<R>): void;
  /** Back to the generated replies. */
  clearReplies(): void;
  /** Delays every answer for the target by `ms` real milliseconds (0 = none). */
  setLatency(target: string, ms: number): void;
  /** Fails `fraction` (0..1, deterministic: every 1/fraction-th request) of the target's requests with `mode`. */
  setErrorRate(target: string, fraction: number, mode?: M): void;
  drills(): { latency: Record<string, number>; errorRates: Record<string, ErrorRate<M>> };
}

export type LlmControlOptions<M extends string> = {
  /** Fault, reply, latency and error-rate targets (deployments or models). */
  targets: readonly string[];
  faultModes: readonly [M, ...M[]];
  apiKeys: readonly string[];
  /** The mode setErrorRate uses when none is given. */
  defaultErrorMode: M;
  onReset?(): void;
};

export type LlmControlParts<M extends string, R> = {
  control: LlmEmulatorControl<M, R>;
  clock: VirtualClock;
  faults: FaultInjector<M>;
  drills: TrafficDrills<M>;
  replies: ReplyBook<R>;
  apiKeys(): string[];
  /** Answers /__control/* (not logged); records any other request and returns false. */
  answerCommon(req: EmulatorRequest, res: ServerResponse): boolean;
};

const keysSchema = z.object({ keys: z.array(z.string().min(1)).min(1) });
const replySchema = z.object({ target: z.string().min(1), text: z.string() });
const latencySchema = z.object({ target: z.string().min(1), ms: z.number().finite().min(0) });

export function createLlmControl<M extends string, R>(options: LlmControlOptions<M>): LlmControlParts<M, R> {
  const targets = () => options.targets;
  const drills = new TrafficDrills<M>(targets);
  const replies = new ReplyBook<R>(targets);
  const shared = createEmulatorControl<M>({
    faultEndpoints: options.targets,
    faultModes: options.faultModes,
    clientSecrets: options.apiKeys,
    onReset: () => {
      drills.clear();
      replies.clear();
      options.onReset?.();
    },
    revocations: () => [],
    issuedTokens: () => [],
  });
  const modeSchema = z.enum(options.faultModes as unknown as [M, ...M[]]);
  const errorRateSchema = z.object({
    target: z.string().min(1),
    fraction: z.number().min(0).max(1),
    mode: modeSchema.optional(),
  });

  const common = shared.control;
  const control: LlmEmulatorControl<M, R> = {
    fault: common.fault,
    clearFaults: common.clearFaults,
    faults: common.faults,
    reset: common.reset,
    advanceClock: common.advanceClock,
    now: common.now,
    requests: common.requests,
    setApiKeys: (keys) => common.setClientSecrets(keys),
    apiKeys: () => [...shared.secrets()],
    setReply: (target, reply) => replies.set(target, reply),
    clearReplies: () => replies.clear(),
    setLatency: (target, ms) => drills.setLatency(target, ms),
    setErrorRate: (target, fraction, mode) => drills.setErrorRate(target, fraction, mode ?? options.defaultErrorMode),
    drills: () => drills.describe(),
  };

  const extraControl = {
    "api-keys": (body: unknown) => control.setApiKeys(keysSchema.parse(body).keys),
    reply: (body: unknown) => {
      const { target, text } = replySchema.parse(body);
      control.setReply(target, text);
    },
    "clear-replies": () => control.clearReplies(),
    latency: (body: unknown) => {
      const { target, ms } = latencySchema.parse(body);
      control.setLatency(target, ms);
    },
    "error-rate": (body: unknown) => {
      const { target, fraction, mode } = errorRateSchema.parse(body);
      control.setErrorRate(target, fraction, mode as M | undefined);
    },
  };

  return {
    control,
    clock: shared.clock,
    faults: shared.faults,
    drills,
    replies,
    apiKeys: shared.secrets,
    answerCommon: (req, res) => shared.answerCommon(req, res, { avatarLabel: () => "AI", imageLabel: "AI", extraControl }),
  };
}
