import { deletionRoute } from "@/src/privacy/routes";

export const dynamic = "force-dynamic";

export { deletionRoute as POST };
