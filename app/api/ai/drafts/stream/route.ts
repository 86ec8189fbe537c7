import { defineRoute } from "@/src/http";
import { draftStreamRoute } from "@/src/llm/draft-stream-route";

export const dynamic = "force-dynamic";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = defineRoute("/api/ai/drafts/stream", { POST: draftStreamRoute });
