/**
 * The same body, whose end waits for `work`: a reader gets the last byte only once `work` is done. For streamed
 * answers (drafts over SSE) whose rows and counters must be written before the response is complete, since a
 * serverless host may freeze the instance the moment it is.
 */
export function endAfter(body: ReadableStream<Uint8Array>, work: () => Promise<void>): ReadableStream<Uint8Array> {
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      async flush() {
        await work();
      },
    }),
  );
}
