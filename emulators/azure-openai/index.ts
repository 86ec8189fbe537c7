// Azure OpenAI emulator: the data-plane Chat Completions API of one Azure OpenAI resource
// (https://{resource}.openai.azure.com/openai/deployments/{deployment}/chat/completions) on one base URL.
import { randomUUID } from "node:crypto";
import { startLlmEmulator, type LlmEmulatorControl, type RunningEmulator } from "../shared";
import { handleChatCompletions } from "./chat";
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
  return startLlmEmulator<typeof config, AzureFaultMode, AzureReplyRequest>({
    config,
    port: options.port ?? AZURE_OPENAI_DEFAULTS.port,
    control: {
      targets: Object.keys(config.deployments),
      faultModes: AZURE_FAULT_MODES,
      apiKeys: config.apiKeys,
      defaultErrorMode: "http_503",
    },
    handle: async (ctx, req, res) => {
      // Every reply, error or not, carries the ids a support ticket asks for.
      const requestId = randomUUID();
      res.setHeader("apim-request-id", requestId);
      res.setHeader("x-request-id", requestId);
      res.setHeader("x-ms-region", REGION);
      const clientRequestId = req.headers["x-ms-client-request-id"];
      if (typeof clientRequestId === "string") res.setHeader("x-ms-client-request-id", clientRequestId);
      await handleChatCompletions(ctx, req, res);
    },
  });
}
