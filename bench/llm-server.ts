// One process per mode for the LLM benchmarks (bench/run.ts):
//   direct: Node http -> the openai SDK's AzureOpenAI client -> the Azure emulator (the baseline)
//   router: Node http -> LlmRouter (breaker in Redis, deadlines, metrics) -> the same emulator
// Both answer 200 with the text, or 502; the router's targets come from the environment like the app's.
import http from "node:http";
import { AzureOpenAI } from "openai";
import { getEnv } from "@/src/config";
import { getLlmRouter } from "@/src/llm";

const [mode = "router", port = "0"] = process.argv.slice(2);
const env = getEnv();
const direct = new AzureOpenAI({ endpoint: env.AZURE_OPENAI_ENDPOINT, apiKey: env.AZURE_OPENAI_API_KEY, apiVersion: env.AZURE_OPENAI_API_VERSION, deployment: env.AZURE_OPENAI_DEPLOYMENT, maxRetries: 0 });
const router = getLlmRouter()!;
const messages = [{ role: "user" as const, content: "Write a short caption about a beach shoot." }];
let requests = 0;

const server = http.createServer(async (_req, res) => {
  const id = `bench-${++requests}`;
  try {
    if (mode === "direct") {
      const completion = await direct.chat.completions.create({ model: env.AZURE_OPENAI_DEPLOYMENT, messages, max_tokens: 60 });
      res.writeHead(200, { "content-type": "text/plain", "x-target": "direct" }).end(completion.choices[0]?.message.content ?? "");
    } else {
      const outcome = await router.complete({ messages, maxTokens: 60 }, { requestId: id });
      res.writeHead(200, { "content-type": "text/plain", "x-target": outcome.target }).end(outcome.status === "ok" ? outcome.result.text : "blocked");
    }
  } catch {
    res.writeHead(502).end("upstream failed");
  }
});
server.listen(Number(port), "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
