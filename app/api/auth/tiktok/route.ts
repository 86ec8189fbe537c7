import { connectEntryRoute } from "@/src/social/routes";

export const dynamic = "force-dynamic";

const handle = connectEntryRoute("tiktok", "/api/auth/tiktok");
export { handle as GET, handle as HEAD };
