import { handleAuthRequest } from "@/src/auth";
import { apiRoute } from "@/src/http";

export const dynamic = "force-dynamic";

const handle = apiRoute<{ all: string[] }>("/api/auth/[...all]", (request, { requestId }) =>
  handleAuthRequest(request, requestId),
);

export { handle as GET, handle as POST };
