// huntaze_api_responses_total is what the CloudWatch API 5xx alarm (HuntazeApi5xxRatioHigh) adds up: a request
// counted in the wrong class, or a smoke probe counted at all, moves the paging ratio with nothing else noticing.
import { describe, expect, it } from "vitest";
import { createEmfEmitter } from "./emf";
import { createMetrics, metrics, registerLlmSwitchSource } from "./metrics";

function recorder() {
  const lines: string[] = [];
  const m = createMetrics(createEmfEmitter({ namespace: "HuntazeTest", sink: (line) => lines.push(line) }));
  /** The class dimension of each huntaze_api_responses_total line written so far. */
  const apiClassesWritten = () =>
    lines.map((line) => JSON.parse(line) as Record<string, unknown>).flatMap((doc) => (doc.huntaze_api_responses_total === 1 ? [doc.class] : []));
  const apiCounts = async () => Object.fromEntries((await m.apiResponses.get()).values.map((v) => [v.labels.class, v.value]));
  return { m, lines, apiClassesWritten, apiCounts };
}

describe("huntaze_api_responses_total", () => {
  it("counts an API 503 as 5xx, in CloudWatch and in Prometheus", async () => {
    const { m, apiClassesWritten, apiCounts } = recorder();
    m.recordHttpRequest("/api/onlyfans/status", "GET", 503, 0.2);
    expect(apiClassesWritten()).toEqual(["5xx"]);
    expect(await apiCounts()).toEqual({ "5xx": 1 });
  });

  it("classes every answer by its first digit, the Instagram OAuth routes included as Prometheus counts them", async () => {
    const { m, apiClassesWritten, apiCounts } = recorder();
    m.recordHttpRequest("/api/health", "GET", 200, 0.01);
    m.recordHttpRequest("/api/privacy/export", "POST", 202, 0.01);
    m.recordHttpRequest("/auth/instagram/callback", "GET", 307, 0.4);
    m.recordHttpRequest("/api/[...path]", "GET", 404, 0.01);
    m.recordHttpRequest("/api/ai/drafts", "POST", 429, 0.01);
    m.recordHttpRequest("/api/ai/drafts", "POST", 500, 0.01);
    expect(apiClassesWritten()).toEqual(["2xx", "2xx", "3xx", "4xx", "4xx", "5xx"]);
    expect(await apiCounts()).toEqual({ "2xx": 2, "3xx": 1, "4xx": 2, "5xx": 1 });
  });

  it("leaves out the Azure smoke route and /api/metrics, which huntaze_http_requests_total still counts", async () => {
    const { m, apiClassesWritten, apiCounts } = recorder();
    m.recordHttpRequest("/api/ai/azure/smoke", "GET", 502, 1.5);
    m.recordHttpRequest("/api/ai/azure/smoke", "HEAD", 200, 1.1);
    m.recordHttpRequest("/api/metrics", "GET", 200, 0.05);
    expect(apiClassesWritten()).toEqual([]);
    expect(await apiCounts()).toEqual({});
    const http = (await m.httpRequests.get()).values.map((v) => `${v.labels.route} ${v.labels.status}`);
    expect(http.sort()).toEqual(["/api/ai/azure/smoke 200", "/api/ai/azure/smoke 502", "/api/metrics 200"]);
  });
});

describe("huntaze_llm_manual_override at scrape time", () => {
  it("answers the scrape within half a second with the last value when the switch cannot be read", async () => {
    registerLlmSwitchSource(async () => ({ blue: 0, green: 1 }));
    expect(await metrics().registry.metrics()).toContain('huntaze_llm_manual_override{target="green"} 1');

    await new Promise((r) => setTimeout(r, 1_100)); // past the second one read serves
    registerLlmSwitchSource(() => new Promise(() => undefined)); // Redis not answering
    const startedAt = Date.now();
    const text = await metrics().registry.metrics();
    expect(Date.now() - startedAt).toBeLessThan(1_000);
    expect(text).toContain('huntaze_llm_manual_override{target="green"} 1');

    registerLlmSwitchSource(async () => {
      throw new Error("READONLY");
    });
    expect(await metrics().registry.metrics()).toContain('huntaze_llm_manual_override{target="green"} 1');
  });
});
