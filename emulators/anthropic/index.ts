// Anthropic emulator: the Messages API (api.anthropic.com/v1/messages) on one base URL.
import { startLlmEmulator, type LlmEmulatorControl, type RunningEmulator } from "../shared";
import type { AnthropicReplyRequest } from "./message-reply";
import { handleMessages } from "./messages";
import {
  ANTHROPIC_DEFAULTS,
  ANTHROPIC_FAULT_MODES,
  resolveAnthropicConfig,
  type AnthropicEmulatorOptions,
  type AnthropicFaultMode,
} from "./options";
import { newRequestId } from "./replies";

export type { AnthropicEmulatorOptions, AnthropicFaultMode } from "./options";
export { ANTHROPIC_DEFAULTS, ANTHROPIC_FAULT_MODES } from "./options";
export type { AnthropicReplyRequest } from "./message-reply";
export type { RunningEmulator, RecordedRequest, FaultSpec } from "../shared";

/** Faults, replies, latency and error rates take a model id or "*". */
export type AnthropicControl = LlmEmulatorControl<AnthropicFaultMode, AnthropicReplyRequest>;

// A fixed organisation id, as every reply of one account carries the same one.
const ORGANIZATION_ID = "4c1b9f2e-0d3a-4e59-9b57-3e1a7e0c0de0";

export async function startAnthropicEmulator(
  options: Partial<AnthropicEmulatorOptions> = {},
): Promise<RunningEmulator<AnthropicControl>> {
  const config = resolveAnthropicConfig(options);
  return startLlmEmulator<typeof config, AnthropicFaultMode, AnthropicReplyRequest>({
    config,
    port: options.port ?? ANTHROPIC_DEFAULTS.port,
    control: {
      targets: config.models,
      faultModes: ANTHROPIC_FAULT_MODES,
      apiKeys: config.apiKeys,
      defaultErrorMode: "overloaded",
    },
    handle: async (ctx, req, res) => {
      // Every reply, error or not, carries the id support asks for; error bodies repeat it as request_id.
      res.setHeader("request-id", newRequestId());
      res.setHeader("anthropic-organization-id", ORGANIZATION_ID);
      await handleMessages(ctx, req, res);
    },
    // Read bodies past the API's limit so an oversized one gets Anthropic's JSON 413, not the server's plain one.
    server: { maxBodyBytes: config.maxRequestBytes * 2 },
  });
}
