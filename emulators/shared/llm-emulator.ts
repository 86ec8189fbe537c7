// Start-up and per-request plumbing the two LLM emulators share: one control surface, one HTTP server whose
// handler answers /__control/* before the vendor's own routes, and the context the vendor handler reads. Routes,
// headers and wire formats stay in each emulator; only the wiring that would otherwise be copied lives here.
import type { ServerResponse } from "node:http";
import type { VirtualClock } from "./clock";
import type { RunningEmulator } from "./control";
import type { FaultInjector } from "./faults";
import type { TrafficDrills } from "./llm-drills";
import { createLlmControl, type LlmControlOptions, type LlmEmulatorControl } from "./llm-control";
import type { ReplyBook } from "./llm-replies";
import { startHttpServer, type EmulatorRequest, type HttpServerHandle, type HttpServerOptions } from "./server";

/** What a vendor handler needs: its resolved config plus the live control state. */
export type LlmContext<C, M extends string, R> = {
  config: C;
  apiKeys(): string[];
  clock: VirtualClock;
  faults: FaultInjector<M>;
  drills: TrafficDrills<M>;
  replies: ReplyBook<R>;
  server: HttpServerHandle;
};

export type LlmEmulatorSetup<C, M extends string, R> = {
  config: C;
  port: number;
  control: LlmControlOptions<M>;
  /** Answers one API request (control requests never reach it); it sets the vendor's own headers. */
  handle(ctx: LlmContext<C, M, R>, req: EmulatorRequest, res: ServerResponse): Promise<void>;
  server?: HttpServerOptions;
};

export async function startLlmEmulator<C, M extends string, R>(
  setup: LlmEmulatorSetup<C, M, R>,
): Promise<RunningEmulator<LlmEmulatorControl<M, R>>> {
  const parts = createLlmControl<M, R>(setup.control);
  // The handler closes over the context, which needs the server handle, so it is filled in once the server is up.
  const live: { ctx?: LlmContext<C, M, R> } = {};

  const server = await startHttpServer(
    setup.port,
    async (req, res) => {
      if (parts.answerCommon(req, res)) return;
      await setup.handle(live.ctx!, req, res);
    },
    setup.server,
  );

  live.ctx = {
    config: setup.config,
    apiKeys: parts.apiKeys,
    clock: parts.clock,
    faults: parts.faults,
    drills: parts.drills,
    replies: parts.replies,
    server,
  };
  return { url: server.url, port: server.port, control: parts.control, close: () => server.close() };
}

export type LlmFault<M extends string> = { mode: M; status?: number; retryAfterSeconds?: number };

/**
 * The fault for this request: an armed fault first, else the drill error rate. The error rate only counts requests
 * no armed fault took, so a drill's pattern stays predictable. (Drill latency is not applied here: each vendor
 * waits at its own point in request validation.)
 */
export function nextLlmFault<M extends string>(
  ctx: { faults: FaultInjector<M>; drills: TrafficDrills<M> },
  target: string,
): LlmFault<M> | undefined {
  const armed = ctx.faults.take(target);
  const drillMode = armed ? undefined : ctx.drills.failureFor(target);
  return armed ?? (drillMode ? { mode: drillMode } : undefined);
}
