import { defineRoute, noStoreJson, readJsonBody, withIdempotencyKey } from "@/src/http";
import { requireApiUser } from "@/src/auth";
import { getPrisma } from "@/src/data";
import { createDraft, draftRequest, getLlmRouter, listDrafts } from "@/src/llm";

export const dynamic = "force-dynamic";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = defineRoute("/api/ai/drafts", {
  POST: async (request, { requestId }) => {
    const user = await requireApiUser("use drafts");
    const prisma = await getPrisma();
    return withIdempotencyKey(prisma, request, user.id, async () => {
      const input = await readJsonBody(request, draftRequest);
      const draft = await createDraft({ prisma, router: getLlmRouter() }, user.id, input, requestId);
      return noStoreJson({ draft }, { status: 201 });
    });
  },
  GET: async () => {
    const user = await requireApiUser("use drafts");
    return noStoreJson({ drafts: await listDrafts(await getPrisma(), user.id) });
  },
});
