// Fault injection shared by the emulators. A fault is armed for one named endpoint (or "*") and fires on the next
// `times` matching requests; each emulator renders the fault in its vendor's own error shape.
import { z } from "zod";

export const FAULT_MODES = [
  "http_500",
  "http_503",
  "rate_limited",
  "timeout",
  "malformed_json",
  "revoked_token",
] as const;

export type FaultMode = (typeof FAULT_MODES)[number];

/**
 * `M` is the emulator's set of fault modes: TikTok and Instagram use FAULT_MODES; the LLM emulators add their own
 * (content filters, a stream cut midway, Anthropic's 529) on top of them.
 */
export type FaultSpec<M extends string = FaultMode> = {
  /** An endpoint name of the emulator (see its README section) or "*" for every endpoint. */
  endpoint: string;
  mode: M;
  /** How many requests the fault answers; default 1; -1 (or Infinity) = until reset. */
  times?: number;
  /** Vendor error code where the vendor has several (Instagram rate limits: 4, 17, 32 or 613). */
  code?: number;
  /** Overrides the HTTP status of the fault response (e.g. 429 for an Instagram rate limit). */
  status?: number;
  /** Seconds a rate-limit fault tells the client to wait (retry-after); emulators without the header ignore it. */
  retryAfterSeconds?: number;
};

export type ArmedFault<M extends string = FaultMode> = Required<Pick<FaultSpec<M>, "endpoint" | "mode">> &
  Pick<FaultSpec<M>, "code" | "status" | "retryAfterSeconds"> & { remaining: number };

/** The fault-spec schema for an emulator's own list of modes. */
export function faultSpecSchemaFor<M extends string>(modes: readonly [M, ...M[]]) {
  return z.object({
    endpoint: z.string().min(1),
    mode: z.enum(modes as unknown as [M, ...M[]]),
    // zod's number() refuses Infinity, which the programmatic API allows as "until reset" (JSON callers send -1).
    times: z
      .custom<number>((n) => n === Infinity || n === -1 || (Number.isInteger(n) && (n as number) >= 1), {
        message: "times must be a positive integer, -1 or Infinity",
      })
      .optional(),
    code: z.number().int().optional(),
    status: z.number().int().min(100).max(599).optional(),
    retryAfterSeconds: z.number().int().min(0).optional(),
  });
}

export const faultSpecSchema = faultSpecSchemaFor(FAULT_MODES);

export class FaultInjector<M extends string = FaultMode> {
  private armed: ArmedFault<M>[] = [];
  private readonly schema: ReturnType<typeof faultSpecSchemaFor<M>>;

  constructor(
    private readonly endpoints: readonly string[],
    modes: readonly [M, ...M[]] = FAULT_MODES as unknown as readonly [M, ...M[]],
  ) {
    this.schema = faultSpecSchemaFor(modes);
  }

  /** Arms a fault; throws on an unknown endpoint so a typo in a test fails loudly instead of never firing. */
  arm(input: FaultSpec<M>): ArmedFault<M> {
    const spec = this.schema.parse(input) as FaultSpec<M>;
    if (spec.endpoint !== "*" && !this.endpoints.includes(spec.endpoint)) {
      throw new Error(`unknown fault endpoint "${spec.endpoint}"; known: ${this.endpoints.join(", ")}, *`);
    }
    const times = spec.times ?? 1;
    const fault: ArmedFault<M> = {
      endpoint: spec.endpoint,
      mode: spec.mode,
      code: spec.code,
      status: spec.status,
      ...(spec.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: spec.retryAfterSeconds }),
      remaining: times === -1 ? Infinity : times,
    };
    this.armed.push(fault);
    return fault;
  }

  /** Consumes one firing of the first fault armed for `endpoint`, in the order faults were armed. */
  take(endpoint: string): ArmedFault<M> | undefined {
    const fault = this.armed.find((f) => f.remaining > 0 && (f.endpoint === endpoint || f.endpoint === "*"));
    if (!fault) return undefined;
    fault.remaining -= 1;
    this.armed = this.armed.filter((f) => f.remaining > 0);
    return { ...fault };
  }

  list(): ArmedFault<M>[] {
    return this.armed.map((f) => ({ ...f }));
  }

  clear(): void {
    this.armed = [];
  }
}
