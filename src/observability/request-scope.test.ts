import { describe, expect, it } from "vitest";
import v8 from "node:v8";
import vm from "node:vm";
import { beforeResponse, currentRequestScope, deadlineSignal, newRequestScope, remainingRequestMs, runInRequestScope, settleRequestScope, timeoutSignal } from "./request-scope";

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

  it("times out after a garbage collection", async () => {
    // On Node 20, AbortSignal.any([parent, AbortSignal.timeout(ms)]) never fired once a collection ran (its sources
    // are held weakly): the router's 100 ms attempt timeout then waited for the 3 s whole-call deadline.
    v8.setFlagsFromString("--expose-gc");
    const collectGarbage = vm.runInNewContext("gc") as () => void;
    const signal = timeoutSignal(50, new AbortController().signal);
    const aborted = new Promise<string>((resolve) => signal.addEventListener("abort", () => resolve((signal.reason as Error).name)));
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 10));
    collectGarbage();
    const outcome = await Promise.race([aborted, new Promise<string>((resolve) => setTimeout(() => resolve("never aborted"), 1_000))]);
    expect(outcome).toBe("TimeoutError");
  });

  it("aborts with the parent's reason when the parent aborts first", () => {
    const parent = new AbortController();
    const signal = timeoutSignal(10_000, parent.signal);
    parent.abort(new Error("request gone"));
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe("request gone");
    expect(timeoutSignal(10_000, parent.signal).aborted).toBe(true);
  });
});
