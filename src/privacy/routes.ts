// /api/privacy/*: export (a JSON download), deletion (after re-authentication) and deletion status.
import { z } from "zod";
import { reauthenticate, requireApiUser } from "@/src/auth";
import { getPrisma } from "@/src/data";
import { AppError } from "@/src/errors";
import { apiRoute, noStoreJson, readJsonBody, withIdempotencyKey } from "@/src/http";
import { wakeLocalDispatchers } from "@/src/outbox";
import { moduleLogger } from "@/src/observability";
import { deletionStatus, requestAccountDeletion } from "./deletion";
import { buildAccountExport } from "./export";
import { subjectHash } from "./subject";

const log = moduleLogger("privacy");

export const exportRoute = apiRoute("/api/privacy/export", async () => {
  const user = await requireApiUser("download your data");
  const prisma = await getPrisma();
  // Recorded first, so the download itself is in the audit trail it contains.
  await prisma.$transaction([
    prisma.auditLog.create({ data: { userId: user.id, action: "privacy.exported" } }),
    prisma.gdprRequest.create({ data: { userId: user.id, subjectHash: subjectHash(user.id), kind: "export", status: "completed", completedAt: new Date() } }),
  ]);
  const document = await buildAccountExport(prisma, user.id);
  log.info({ event: "privacy.exported", userId: user.id }, "account data exported");
  const day = document.exportedAt.slice(0, 10);
  return new Response(JSON.stringify(document, null, 2), {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="huntaze-export-${day}.json"`,
      "cache-control": "no-store",
    },
  });
});

const deletionBody = z.object({
  password: z.string().min(1, "Enter your password to confirm.").max(200),
  confirmation: z.literal("DELETE", { message: 'Type DELETE to confirm.' }),
});

const SESSION_COOKIES = ["better-auth.session_token", "__Secure-better-auth.session_token", "better-auth.session_data", "__Secure-better-auth.session_data"];

export const deletionRoute = apiRoute("/api/privacy/deletion", async (request) => {
  const user = await requireApiUser("delete your account");
  const prisma = await getPrisma();
  return withIdempotencyKey(prisma, request, user.id, async () => {
    const body = await readJsonBody(request, deletionBody);
    await reauthenticate(body.password);
    const deletion = await requestAccountDeletion(prisma, user.id);
    wakeLocalDispatchers();
    const response = noStoreJson({ deletion: { ...deletion, statusUrl: `/api/privacy/deletion/${deletion.id}` } }, { status: 202 });
    // Every session has ended; the browser's cookie goes too.
    for (const name of SESSION_COOKIES) response.cookies.set(name, "", { maxAge: 0, path: "/", httpOnly: true, sameSite: "lax", secure: name.startsWith("__Secure-") });
    return response;
  });
});

export const deletionStatusRoute = apiRoute<{ id: string }>("/api/privacy/deletion/[id]", async (_request, { params }) => {
  const { id } = await params;
  const status = z.uuid().safeParse(id).success ? await deletionStatus(await getPrisma(), id) : null;
  if (!status) throw new AppError("deletion_not_found", 404, "No account deletion with this reference.");
  return noStoreJson({ deletion: status });
});
