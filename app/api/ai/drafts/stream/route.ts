import { otherMethods } from "@/src/http";
import { draftStreamRoute } from "@/src/llm/draft-stream-route";

export const dynamic = "force-dynamic";

export { draftStreamRoute as POST };

const { notAllowed, options } = otherMethods("/api/ai/drafts/stream", ["POST"]);
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE, notAllowed as HEAD, options as OPTIONS };
