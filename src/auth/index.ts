export { getAuth, type Auth } from "./auth";
export {
  currentUser,
  requireUser,
  requireApiUser,
  requireAdmin,
  requireRecentSignIn,
  reauthenticate,
  reauthenticationRequired,
  type SignedInUser,
  type Role,
} from "./session";
export { safeNextPath, signInPathFor } from "./next-path";
export { clearSessionCookies } from "./session-cookies";
export { passwordProblem, PASSWORD_MESSAGES, MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH } from "./password-policy";
export { handleAuthRequest } from "./auth-http";
export { grantAdminRole } from "./admin";
export { requireKpiAccess, type KpiPrincipal } from "./kpi-access";
