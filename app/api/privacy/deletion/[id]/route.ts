import { deletionStatusRoute } from "@/src/privacy/routes";

export const dynamic = "force-dynamic";

export { deletionStatusRoute as GET };
