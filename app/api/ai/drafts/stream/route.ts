import { draftStreamRoute } from "@/src/llm/draft-stream-route";

export const dynamic = "force-dynamic";

export { draftStreamRoute as POST };
