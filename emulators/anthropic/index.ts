// Anthropic emulator: the Messages API (api.anthropic.com/v1/messages) on one base URL.
import { createLlmControl, startHttpServer, type LlmEmulatorControl, type RunningEmulator } from "../shared";
import type { AnthropicReplyRequest } from "./message-reply";
import { handleMessages, type AnthropicContext } from "./messages";
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
  const parts = createLlmControl<AnthropicFaultMode, AnthropicReplyRequest>({
    targets: config.models,
    faultModes: ANTHROPIC_FAULT_MODES,
    apiKeys: config.apiKeys,
    defaultErrorMode: "overloaded",
  });
  const live: { ctx?: AnthropicContext } = {};

  const server = await startHttpServer(
    options.port ?? ANTHROPIC_DEFAULTS.port,
    async (req, res) => {
      if (parts.answerCommon(req, res)) return;
      // Every reply, error or not, carries the id support asks for; error bodies repeat it as request_id.
      res.setHeader("request-id", newRequestId());
      res.setHeader("anthropic-organization-id", ORGANIZATION_ID);
      await handleMessages(live.ctx!, req, res);
    },
    // Read bodies past the API's limit so an oversized one gets Anthropic's JSON 413, not the server's plain one.
    { maxBodyBytes: config.maxRequestBytes * 2 },
  );

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
