import { otherMethods } from "@/src/http";
import { twoFactorRoute } from "@/src/social/onlyfans/routes";

export const dynamic = "force-dynamic";

export { twoFactorRoute as POST };

const { notAllowed, options } = otherMethods("/api/onlyfans/2fa", ["POST"]);
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE, notAllowed as HEAD, options as OPTIONS };
