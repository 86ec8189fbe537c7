// The control surface both emulators expose, programmatically (the `control` object) and as JSON over HTTP under
// /__control/* so a developer can curl it. Control requests are never recorded in the request log.
import type { ServerResponse } from "node:http";
import { z } from "zod";
import { VirtualClock } from "./clock";
import { FaultInjector, type ArmedFault, type FaultMode, type FaultSpec } from "./faults";
import { sendJson, sendPlaceholderSvg } from "./responses";
import { flattenHeaders, type EmulatorRequest } from "./server";

export type RecordedRequest = {
  /** Virtual-clock time the request arrived, ISO 8601. */
  at: string;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Media type of the body without parameters ("" when none). */
  contentType: string;
  /**
   * The decoded body, secrets included (tests assert exact parameters; the emulators never print it): an object of
   * fields for form-urlencoded and multipart bodies, the parsed value for JSON, otherwise the raw text.
   */
  body: unknown;
  /** The body exactly as received, as UTF-8. */
  rawBody: string;
};

export interface EmulatorControl<M extends string = FaultMode> {
  fault(spec: FaultSpec<M>): void;
  clearFaults(): void;
  faults(): ArmedFault<M>[];
  /** Clears faults, every code and token issued, revocations, the request log, the clock offset and secrets. */
  reset(): void;
  advanceClock(seconds: number): void;
  now(): Date;
  setClientSecrets(secrets: string[]): void;
  revocations(): string[];
  requests(): RecordedRequest[];
  /** Access tokens currently valid (not expired, not revoked). */
  issuedTokens(): string[];
}

export type RunningEmulator<C> = {
  /** http://127.0.0.1:PORT, no trailing slash. */
  url: string;
  port: number;
  control: C;
  close(): Promise<void>;
};

export class RequestLog {
  private entries: RecordedRequest[] = [];

  record(req: EmulatorRequest, atMs: number): void {
    const rawBody = req.rawBody.toString("utf8");
    const body =
      req.body.kind === "form" || req.body.kind === "multipart"
        ? Object.fromEntries(req.body.form)
        : req.body.kind === "json"
          ? req.body.json
          : rawBody;
    this.entries.push({
      at: new Date(atMs).toISOString(),
      method: req.method,
      path: req.path,
      query: Object.fromEntries(req.query),
      headers: flattenHeaders(req.headers),
      contentType: req.contentType,
      body,
      rawBody,
    });
  }

  list(): RecordedRequest[] {
    return this.entries.map((e) => structuredClone(e));
  }

  clear(): void {
    this.entries = [];
  }
}

export type ExtraControlRoute = (body: unknown) => unknown;

const clockSchema = z.object({ seconds: z.number().finite().min(0) });
const secretsSchema = z.object({ secrets: z.array(z.string().min(1)).min(1) });

/** JSON cannot carry Infinity; an endless fault is reported with times -1 as it is armed. */
const describeFaults = (faults: ArmedFault<string>[]) =>
  faults.map((f) => ({ ...f, remaining: f.remaining === Infinity ? -1 : f.remaining }));

/**
 * Answers /__control/* requests. Returns false when the path is not a control path so the caller can route it.
 * `extra` adds emulator-specific POST routes (e.g. Instagram's reply shape switch).
 */
export function handleControlRequest(
  req: EmulatorRequest,
  res: ServerResponse,
  control: EmulatorControl<string>,
  extra: Record<string, ExtraControlRoute> = {},
): boolean {
  if (!req.path.startsWith("/__control/")) return false;
  const route = `${req.method} ${req.path.slice("/__control".length)}`;
  const body = req.body.kind === "json" ? req.body.json : {};
  try {
    switch (route) {
      case "POST /fault":
        // The control's fault injector validates the spec against the emulator's own modes (a ZodError -> 400).
        control.fault(body as FaultSpec<string>);
        sendJson(res, 200, { ok: true, faults: describeFaults(control.faults()) });
        return true;
      case "GET /faults":
        sendJson(res, 200, describeFaults(control.faults()));
        return true;
      case "POST /reset":
        control.reset();
        sendJson(res, 200, { ok: true });
        return true;
      case "POST /clock":
        control.advanceClock(clockSchema.parse(body).seconds);
        sendJson(res, 200, { ok: true, now: control.now().toISOString() });
        return true;
      case "GET /clock":
        sendJson(res, 200, { now: control.now().toISOString() });
        return true;
      case "POST /client-secrets":
        control.setClientSecrets(secretsSchema.parse(body).secrets);
        sendJson(res, 200, { ok: true });
        return true;
      case "GET /revocations":
        sendJson(res, 200, control.revocations());
        return true;
      case "GET /requests":
        sendJson(res, 200, control.requests());
        return true;
      case "GET /issued-tokens":
        sendJson(res, 200, control.issuedTokens());
        return true;
      default: {
        const handler = req.method === "POST" ? extra[req.path.slice("/__control/".length)] : undefined;
        if (!handler) {
          sendJson(res, 404, { error: `no control route ${route}` });
          return true;
        }
        sendJson(res, 200, { ok: true, result: handler(body) ?? null });
        return true;
      }
    }
  } catch (error) {
    const message = error instanceof z.ZodError ? z.prettifyError(error) : String((error as Error).message ?? error);
    sendJson(res, 400, { error: message });
    return true;
  }
}

export type EmulatorControlOptions<M extends string = FaultMode> = {
  /** The endpoint names faults may be armed for (the vendor's fault table). */
  faultEndpoints: readonly string[];
  /** The fault modes this emulator renders; FAULT_MODES when omitted. */
  faultModes?: readonly [M, ...M[]];
  /** The secrets accepted at start and again after reset(). */
  clientSecrets: readonly string[];
  /** Forgets what only the emulator itself holds (issued codes and tokens, Instagram's reply shape). */
  onReset(): void;
  revocations(): string[];
  issuedTokens(): string[];
};

export type EmulatorControlParts<M extends string = FaultMode> = {
  control: EmulatorControl<M>;
  clock: VirtualClock;
  faults: FaultInjector<M>;
  /** The client secrets accepted right now (setClientSecrets rotates them). */
  secrets(): string[];
  /**
   * Answers the routes every emulator has: /__control/* and the /static/*.svg placeholder images, neither of which
   * is logged. Records any other request in the log and returns false so the vendor routes answer it.
   */
  answerCommon(req: EmulatorRequest, res: ServerResponse, routes: CommonRoutes): boolean;
};

export type CommonRoutes = {
  /** The label drawn on the avatar placeholder (read per request: the profile is known only once the server listens). */
  avatarLabel(): string;
  /** The label drawn on every other placeholder (covers, media). */
  imageLabel: string;
  extraControl?: Record<string, ExtraControlRoute>;
};

/** Builds the clock, fault injector, request log and client-secret rotation behind one `control` object. */
export function createEmulatorControl<M extends string = FaultMode>(
  options: EmulatorControlOptions<M>,
): EmulatorControlParts<M> {
  const clock = new VirtualClock();
  const faults = new FaultInjector<M>(options.faultEndpoints, options.faultModes);
  const log = new RequestLog();
  const initialSecrets = [...options.clientSecrets];
  let secrets = [...initialSecrets];

  const control: EmulatorControl<M> = {
    fault: (spec) => void faults.arm(spec),
    clearFaults: () => faults.clear(),
    faults: () => faults.list(),
    reset: () => {
      faults.clear();
      log.clear();
      clock.reset();
      secrets = [...initialSecrets];
      options.onReset();
    },
    advanceClock: (seconds) => clock.advance(seconds),
    now: () => clock.now(),
    setClientSecrets: (next) => {
      if (next.length === 0) throw new Error("setClientSecrets needs at least one secret");
      secrets = [...next];
    },
    revocations: () => options.revocations(),
    requests: () => log.list(),
    issuedTokens: () => options.issuedTokens(),
  };

  return {
    control,
    clock,
    faults,
    secrets: () => secrets,
    answerCommon(req, res, routes) {
      if (handleControlRequest(req, res, control, routes.extraControl)) return true;
      if (req.method === "GET" && /^\/static\/[\w.-]+\.svg$/.test(req.path)) {
        sendPlaceholderSvg(res, req.path.includes("avatar") ? routes.avatarLabel() : routes.imageLabel);
        return true;
      }
      log.record(req, clock.nowMs());
      return false;
    },
  };
}
