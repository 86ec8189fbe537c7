// Unknown /api/* paths answer JSON, not the HTML not-found page.
import { AppError } from "@/src/errors";
import { apiRoute } from "@/src/http";

export const dynamic = "force-dynamic";

const notFound = apiRoute<{ path: string[] }>("/api/[...path]", () => {
  throw new AppError("not_found", 404, "No API route matches this path.");
});

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE, notFound as HEAD, notFound as OPTIONS };
