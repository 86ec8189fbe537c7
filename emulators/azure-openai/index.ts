// Azure OpenAI emulator: the data-plane Chat Completions API of one Azure OpenAI resource
// (https://{resource}.openai.azure.com/openai/deployments/{deployment}/chat/completions) on one base URL.
import { randomUUID } from "node:crypto";
import { createLlmControl, startHttpServer, type LlmEmulatorControl, type RunningEmulator } from "../shared";
import { handleChatCompletions, type AzureContext } from "./chat";
import type { AzureReplyRequest } from "./chat-completion";
import {
  AZURE_FAULT_MODES,
  AZURE_OPENAI_DEFAULTS,
  resolveAzureOpenAIConfig,
  type AzureFaultMode,
  type AzureOpenAIEmulatorOptions,
} from "./options";

export type { AzureDeployment, AzureOpenAIEmulatorOptions, AzureFaultMode } from "./options";
export { AZURE_OPENAI_DEFAULTS, AZURE_FAULT_MODES } from "./options";
export type { AzureReplyRequest } from "./chat-completion";
export type { RunningEmulator, RecordedRequest, FaultSpec } from "../shared";

/** Faults, replies, latency and error rates take a deployment name or "*". */
export type AzureOpenAIControl = LlmEmulatorControl<AzureFaultMode, AzureReplyRequest>;

// The region header Azure adds to every reply; the value says where the answer came from.
const REGION = "Emulated (local)";

export async function startAzureOpenAIEmulator(
  options: Partial<AzureOpenAIEmulatorOptions> = {},
): Promise<RunningEmulator<AzureOpenAIControl>> {
  const config = resolveAzureOpenAIConfig(options);
  const parts = createLlmControl<AzureFaultMode, AzureReplyRequest>({
    targets: Object.keys(config.deployments),
    faultModes: AZURE_FAULT_MODES,
    apiKeys: config.apiKeys,
    defaultErrorMode: "http_503",
  });
  const live: { ctx?: AzureContext } = {};

  const server = await startHttpServer(options.port ?? AZURE_OPENAI_DEFAULTS.port, async (req, res) => {
    if (parts.answerCommon(req, res)) return;
    // Every reply, error or not, carries the ids a support ticket asks for.
    const requestId = randomUUID();
    res.setHeader("apim-request-id", requestId);
    res.setHeader("x-request-id", requestId);
    res.setHeader("x-ms-region", REGION);
    const clientRequestId = req.headers["x-ms-client-request-id"];
    if (typeof clientRequestId === "string") res.setHeader("x-ms-client-request-id", clientRequestId);
    await handleChatCompletions(live.ctx!, req, res);
  });

  live.ctx = {
    config,
    apiKeys: parts.apiKeys,
    clock: parts.clock,
    faults: parts.faults,
    drills: parts.drills,
    replies: parts.replies,
    server,
  };
  return { url: server.url, port: server.port, control: parts.control, close: () => server.close() };
}
