import { disconnectRoute } from "@/src/social/disconnect-route";

export const dynamic = "force-dynamic";

export { disconnectRoute as DELETE };
