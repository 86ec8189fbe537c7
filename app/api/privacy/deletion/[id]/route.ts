import { defineRoute } from "@/src/http";
import { deletionStatusRoute } from "@/src/privacy/routes";

export const dynamic = "force-dynamic";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = defineRoute("/api/privacy/deletion/[id]", { GET: deletionStatusRoute });
