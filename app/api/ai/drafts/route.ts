import { currentUser } from "@/src/auth";
import { getPrisma } from "@/src/data";
import { AppError } from "@/src/errors";
import { apiRoute, noStoreJson, readJsonBody } from "@/src/http";
import { createDraft, draftRequest, getLlmRouter, listDrafts } from "@/src/llm";

export const dynamic = "force-dynamic";

async function signedIn() {
  const user = await currentUser();
  if (!user) throw new AppError("unauthenticated", 401, "Sign in to use drafts.");
  return user;
}

export const POST = apiRoute("/api/ai/drafts", async (request, { requestId }) => {
  const user = await signedIn();
  const input = await readJsonBody(request, draftRequest);
  const draft = await createDraft({ prisma: await getPrisma(), router: getLlmRouter() }, user.id, input, requestId);
  return noStoreJson({ draft }, { status: 201 });
});

export const GET = apiRoute("/api/ai/drafts", async () => {
  const user = await signedIn();
  return noStoreJson({ drafts: await listDrafts(await getPrisma(), user.id) });
});
