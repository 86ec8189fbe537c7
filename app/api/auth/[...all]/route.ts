import { handleAuthRequest } from "@/src/auth";
import { apiRoute, otherMethods } from "@/src/http";

export const dynamic = "force-dynamic";

const handle = apiRoute<{ all: string[] }>("/api/auth/[...all]", (request, { requestId }) =>
  handleAuthRequest(request, requestId),
);

export { handle as GET, handle as POST };

const { notAllowed, options } = otherMethods("/api/auth/[...all]", ["GET", "HEAD", "POST"]);
export { notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE, options as OPTIONS };
