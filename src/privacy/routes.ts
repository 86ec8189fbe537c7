// /api/privacy/*: export (a JSON download), deletion (after re-authentication) and deletion status.
import { z } from "zod";
import { clearSessionCookies, reauthenticate, requireApiUser } from "@/src/auth";
import { getPrisma } from "@/src/data";
import { AppError } from "@/src/errors";
import { noStoreJson, readJsonBody, RESPONSE_BUDGET_BYTES, withIdempotencyKey, type RouteHandler } from "@/src/http";
import { wakeLocalDispatchers } from "@/src/outbox";
import { moduleLogger } from "@/src/observability";
import { deletionStatus, requestAccountDeletion } from "./deletion";
import { buildAccountExport, recordExport } from "./export";
import { exportPart } from "./export-parts";

const log = moduleLogger("privacy");

const exportQuery = z.object({
  part: z.coerce.number().int().min(1).max(10_000).default(1),
  at: z.iso.datetime().optional(),
});

export const exportRoute: RouteHandler = async (request) => {
  const user = await requireApiUser("download your data");
  const query = exportQuery.safeParse({ part: request.nextUrl.searchParams.get("part") ?? undefined, at: request.nextUrl.searchParams.get("at") ?? undefined });
  if (!query.success) throw new AppError("invalid_query", 400, "part must be a whole number from 1, and at the exportedAt time of part 1.");
  const prisma = await getPrisma();
  // A new export (no `at`) is recorded first, so the download itself is in the audit trail it contains; the
  // further parts of the same export are not new exports.
  if (!query.data.at) await recordExport(prisma, user.id);
  const at = query.data.at ? new Date(query.data.at) : new Date();
  const part = exportPart(await buildAccountExport(prisma, user.id, at), query.data.part, RESPONSE_BUDGET_BYTES);
  if (!part) throw new AppError("export_part_not_found", 404, "This export has fewer parts.");
  log.info({ event: "privacy.exported", userId: user.id, part: part.number, of: part.of }, "account data exported");
  const day = at.toISOString().slice(0, 10);
  const headers: Record<string, string> = {
    "content-type": "application/json; charset=utf-8",
    "content-disposition": `attachment; filename="huntaze-export-${day}${part.of > 1 ? `-part-${part.number}-of-${part.of}` : ""}.json"`,
    "cache-control": "no-store",
  };
  if (part.number < part.of) headers.link = `</api/privacy/export?part=${part.number + 1}&at=${encodeURIComponent(at.toISOString())}>; rel="next"`;
  return new Response(part.body, { headers });
};

const deletionBody = z.object({
  password: z.string().min(1, "Enter your password to confirm.").max(200),
  confirmation: z.literal("DELETE", { message: 'Type DELETE to confirm.' }),
});

export const deletionRoute: RouteHandler = async (request) => {
  const user = await requireApiUser("delete your account");
  const prisma = await getPrisma();
  return withIdempotencyKey(prisma, request, user.id, async () => {
    const body = await readJsonBody(request, deletionBody);
    await reauthenticate(body.password);
    const deletion = await requestAccountDeletion(prisma, user.id);
    wakeLocalDispatchers();
    const response = noStoreJson({ deletion: { ...deletion, statusUrl: `/api/privacy/deletion/${deletion.id}` } }, { status: 202 });
    // Every session has ended; the browser's cookie goes too.
    clearSessionCookies(response);
    return response;
  });
};

export const deletionStatusRoute: RouteHandler<{ id: string }> = async (_request, { params }) => {
  const { id } = await params;
  const status = z.uuid().safeParse(id).success ? await deletionStatus(await getPrisma(), id) : null;
  if (!status) throw new AppError("deletion_not_found", 404, "No account deletion with this reference.");
  return noStoreJson({ deletion: status });
};
