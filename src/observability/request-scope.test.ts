import { describe, expect, it } from "vitest";
import { beforeResponse, currentRequestScope, deadlineSignal, newRequestScope, remainingRequestMs, runInRequestScope, settleRequestScope } from "./request-scope";

const later = (ms: number, then: () => void) => new Promise<void>((resolve) => setTimeout(() => (then(), resolve()), ms));

describe("request scope", () => {
  it("follows the request through awaits and timers, and is absent outside one", async () => {
    expect(currentRequestScope()).toBeUndefined();
    const scope = newRequestScope("req-1", 25_000);
    const seen = await runInRequestScope(scope, async () => {
      await new Promise((r) => setTimeout(r, 5));
      return currentRequestScope()?.requestId;
    });
    expect(seen).toBe("req-1");
    expect(beforeResponse(Promise.resolve())).toBe(false);
  });

  it("holds the response until every registered write has ended, including writes registered meanwhile", async () => {
    const scope = newRequestScope("req-2", 25_000);
    const done: string[] = [];
    runInRequestScope(scope, () => {
      beforeResponse(
        later(20, () => {
          done.push("first");
          beforeResponse(later(20, () => done.push("second")));
        }),
      );
      // A failed write is the writer's to report; the response still leaves.
      beforeResponse(Promise.reject(new Error("insert failed")));
    });
    await settleRequestScope(scope);
    expect(done).toEqual(["first", "second"]);
  });

  it("cuts a call's own timeout to what is left of the request's deadline", async () => {
    const scope = newRequestScope("req-3", 50);
    const aborted = await runInRequestScope(scope, async () => {
      expect(remainingRequestMs()).toBeLessThanOrEqual(50);
      const signal = deadlineSignal(10_000);
      return new Promise<string>((resolve) => signal.addEventListener("abort", () => resolve((signal.reason as Error).name)));
    });
    expect(aborted).toBe("TimeoutError");
  });

  it("leaves a call its own timeout outside a request (workers)", () => {
    expect(remainingRequestMs()).toBeUndefined();
    expect(deadlineSignal(10_000).aborted).toBe(false);
  });
});
