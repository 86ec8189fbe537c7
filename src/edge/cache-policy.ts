// Responses that depend on who asks, or that oncall reads live, must never be stored by a browser or CDN.
const NO_STORE = [
  /^\/api\//, // every API: health, metrics, AI, KPI, auth, OAuth entry points and callbacks, per-user data
  /^\/auth(\/|$)/, // /auth/instagram and its callback
  /^\/app(\/|$)/,
  /^\/kpi(\/|$)/,
  /^\/sign-(in|up)$/,
];

export function mustNotBeStored(pathname: string): boolean {
  return NO_STORE.some((pattern) => pattern.test(pathname));
}
