import { exportRoute } from "@/src/privacy/routes";

export const dynamic = "force-dynamic";

export { exportRoute as GET };
