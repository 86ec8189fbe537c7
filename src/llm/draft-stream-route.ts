// POST /api/ai/drafts/stream: the draft as Server-Sent Events (delta, restart, result, error). Everything
// that can be refused (session, body, no model configured) is refused before the stream starts, as JSON.
import { requireApiUser } from "@/src/auth";
import { getPrisma, knownAppError } from "@/src/data";
import { AppError } from "@/src/errors";
import { readJsonBody, withIdempotencyKey, type RouteHandler } from "@/src/http";
import { generateDraft, draftRequest } from "./drafts";
import { getLlmRouter } from "./targets";

const encoder = new TextEncoder();
const sse = (event: string, data: unknown) => encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

export const draftStreamRoute: RouteHandler = async (request, { requestId }) => {
  const user = await requireApiUser("use drafts");
  const prisma = await getPrisma();
  return withIdempotencyKey(prisma, request, user.id, async () => {
    const input = await readJsonBody(request, draftRequest);
    const router = getLlmRouter();
    if (!router) throw new AppError("llm_not_configured", 503, "AI drafting is not set up on this deployment.");
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        try {
          for await (const event of generateDraft({ prisma, router }, user.id, input, requestId)) {
            controller.enqueue(event.type === "result" ? sse("result", event.draft) : sse(event.type, event));
          }
        } catch (error) {
          const known = knownAppError(error) ?? new AppError("internal_error", 500, "Something went wrong writing the draft.");
          controller.enqueue(sse("error", { code: known.code, message: known.message, requestId }));
        } finally {
          controller.close();
        }
      },
    });
    return new Response(body, {
      headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", "x-accel-buffering": "no" },
    });
  });
};
