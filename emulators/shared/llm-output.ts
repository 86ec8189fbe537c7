// Delivering a composed LLM reply with the output faults both vendors share: `malformed_json` (the body or stream
// stops mid-value) and `stream_error_midway` (the connection drops after part of the answer). Only the delivery is
// shared; each emulator still builds its own body and stream events.
import type { ServerResponse } from "node:http";
import { streamDeltas } from "./llm-replies";
import { sendJson, sendTruncatedJson } from "./responses";
import { flushPause } from "./sse";

/** The output faults whose delivery is the same for every vendor. */
export type OutputFault = "stream_error_midway" | "malformed_json";

const isOutputFault = (delivery: string): delivery is OutputFault =>
  delivery === "stream_error_midway" || delivery === "malformed_json";

/**
 * Sends a non-streamed reply body. Any delivery that is not an output fault (e.g. Azure's filtered completion,
 * whose body already says so) is sent whole.
 */
export function sendJsonReply(res: ServerResponse, body: Record<string, unknown>, delivery: string): void {
  if (delivery === "malformed_json") return sendTruncatedJson(res, body);
  if (delivery === "stream_error_midway") {
    // Headers promise the full length; half the body arrives, then the connection drops.
    const text = JSON.stringify(body);
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.write(text.slice(0, Math.floor(text.length / 2)));
    void flushPause().then(() => res.destroy());
    return;
  }
  sendJson(res, 200, body);
}

/** The stream deltas of `text` that go out before the fault: all of them, or the first half on an output fault. */
export function deltasToSend(text: string, delivery: string): string[] {
  const deltas = streamDeltas(text);
  return isOutputFault(delivery) ? deltas.slice(0, Math.ceil(deltas.length / 2)) : deltas;
}
