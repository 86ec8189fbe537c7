import { connectEntryRoute } from "@/src/social/routes";

export const dynamic = "force-dynamic";

const handle = connectEntryRoute("instagram", "/auth/instagram");
export { handle as GET, handle as HEAD };
