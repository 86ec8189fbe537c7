// LLM router benchmarks against the Azure OpenAI emulator, same run:
//  (a) router overhead: the same completion through the bare SDK vs through LlmRouter (Redis breaker,
//      deadlines, metrics), both behind the same tiny HTTP server (bench/llm-server.ts);
//  (b) failover drill: steady load through the router; blue starts failing, then recovers.
import autocannon from "autocannon";
import { startAzureOpenAIEmulator } from "@/emulators/azure-openai";
import { freePort } from "@/e2e/support/app-server";
import { measure, printTable, startProcess, waitForHttp, type Measurement } from "./harness";

export interface DrillReport {
  requests: number;
  userVisibleErrors: number;
  greenServingAfterMs: number | null;
  blueBackAfterMs: number | null;
}

async function startLlmServer(mode: "direct" | "router", env: Record<string, string>) {
  const port = await freePort();
  const child = await startProcess("node_modules/.bin/tsx", ["bench/llm-server.ts", mode, String(port)], env);
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(url);
  return { url, stop: () => child.kill("SIGTERM") };
}

export async function benchLlm(redisUrl: string): Promise<{ overhead: Measurement[]; drill: DrillReport }> {
  const azure = await startAzureOpenAIEmulator({ deployments: { "gpt-4o-mini": { model: "gpt-4o-mini" }, "gpt-4o-mini-green": { model: "gpt-4o-mini" } } });
  const env = {
    AZURE_OPENAI_ENDPOINT: azure.url,
    AZURE_OPENAI_API_KEY: "azure-dev-key-1",
    AZURE_OPENAI_DEPLOYMENT: "gpt-4o-mini",
    AZURE_OPENAI_SECONDARY_DEPLOYMENT: "gpt-4o-mini-green",
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: `hz:bench:${process.pid}:llm:`,
    LOG_LEVEL: "error",
    // Drill timings: a 2 s cool-down so blue's recovery fits in the run.
    LLM_BREAKER_COOLDOWN_MS: "2000",
    LLM_BREAKER_WINDOW_MS: "5000",
  };
  try {
    const overhead: Measurement[] = [];
    for (const mode of ["direct", "router"] as const) {
      const server = await startLlmServer(mode, env);
      try {
        overhead.push(await measure(mode === "direct" ? "direct: AzureOpenAI SDK -> emulator" : "router: LlmRouter -> same emulator", server.url));
      } finally {
        server.stop();
      }
    }

    const server = await startLlmServer("router", env);
    try {
      const started = Date.now();
      const seconds = 12;
      const failFrom = 3_000;
      const failUntil = 6_000;
      const timeline: Array<{ at: number; target: string }> = [];
      const timers = [
        setTimeout(() => azure.control.setErrorRate("gpt-4o-mini", 1, "http_503"), failFrom),
        setTimeout(() => azure.control.setErrorRate("gpt-4o-mini", 0), failUntil),
      ];
      let errors = 0;
      await new Promise<void>((resolve, reject) => {
        const instance = autocannon({ url: server.url, connections: 10, duration: seconds }, (error) => (error ? reject(error) : resolve()));
        instance.on("response", (_client, statusCode) => {
          if (statusCode !== 200) errors++;
        });
        instance.on("reqError", () => errors++);
      });
      timers.forEach(clearTimeout);
      // Which target answered when, from the emulator's own request log.
      for (const request of azure.control.requests()) {
        const at = new Date(request.at).getTime() - started;
        timeline.push({ at, target: request.path.includes("gpt-4o-mini-green") ? "green" : "blue" });
      }
      const greenFirst = timeline.find((t) => t.target === "green" && t.at >= failFrom);
      const blueBack = timeline.find((t) => t.target === "blue" && t.at >= failUntil);
      return {
        overhead,
        drill: {
          requests: timeline.length,
          userVisibleErrors: errors,
          greenServingAfterMs: greenFirst ? greenFirst.at - failFrom : null,
          blueBackAfterMs: blueBack ? blueBack.at - failUntil : null,
        },
      };
    } finally {
      server.stop();
    }
  } finally {
    await azure.close();
  }
}

export function printLlm(result: { overhead: Measurement[]; drill: DrillReport }): void {
  const [direct, routed] = result.overhead as [Measurement, Measurement];
  printTable("LLM router overhead (Azure emulator, same run)", result.overhead, direct);
  console.log(`router adds ${(routed.p50Ms - direct.p50Ms).toFixed(1)} ms at p50 (target <= 1), ${(routed.p99Ms - direct.p99Ms).toFixed(1)} ms at p99 (target <= 3)`);
  const d = result.drill;
  console.log(
    `failover drill: ${d.requests} model calls, ${d.userVisibleErrors} user-visible errors (target 0); green serving ${d.greenServingAfterMs ?? "never"} ms after blue failed (target <= 1000); blue back ${d.blueBackAfterMs ?? "never"} ms after it recovered (half-open probe after the 2 s cool-down)`,
  );
}
