// Server-sent events as the LLM vendors stream them: `data:` lines (Azure OpenAI) or `event:` + `data:` pairs
// (Anthropic), each event ended by a blank line. Faults need two ways to stop early: end the stream cleanly or cut
// the connection mid-stream the way a dropped upstream does.
import type { ServerResponse } from "node:http";
import type { ExtraHeaders } from "./responses";

export type EventStream = {
  /** Writes one event; objects are serialised as JSON, strings are sent as they are (e.g. `[DONE]`). */
  send(data: unknown, event?: string): void;
  /** Writes a raw chunk with no framing (a truncated event for the malformed_json fault). */
  sendRaw(text: string): void;
  /** Ends the response after the last event. */
  end(): void;
  /** Drops the socket without finishing the chunked body: the client sees a stream that stopped mid-way. */
  cut(): void;
};

export function openEventStream(res: ServerResponse, headers: ExtraHeaders = {}): EventStream {
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
    ...headers,
  });
  // Headers go out now, before the first event, as a real streaming endpoint does.
  res.flushHeaders();
  return {
    send(data, event) {
      const payload = typeof data === "string" ? data : JSON.stringify(data);
      res.write(`${event === undefined ? "" : `event: ${event}\n`}data: ${payload}\n\n`);
    },
    sendRaw(text) {
      res.write(text);
    },
    end() {
      res.end();
    },
    cut() {
      res.destroy();
    },
  };
}

/** Lets already-written chunks reach the client before the next step (a cut must come after visible progress). */
export function flushPause(ms = 10): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
