// TikTok emulator: Login Kit for Web v2 (www.tiktok.com) and Display API v2 (open.tiktokapis.com) on one base URL.
import type { ServerResponse } from "node:http";
import {
  createEmulatorControl,
  sendJson,
  startHttpServer,
  type EmulatorControl,
  type EmulatorRequest,
  type RunningEmulator,
} from "../shared";
import { AUTHORIZE_PATH, DECISION_PATH, decideTikTokConsent, showTikTokConsent } from "./authorize";
import type { TikTokContext } from "./contract";
import { handleUserInfo, handleVideoList, USER_INFO_PATH, VIDEO_LIST_PATH } from "./display-api";
import { handleTikTokRevoke, handleTikTokToken, REVOKE_PATH, TOKEN_PATH } from "./oauth";
import { resolveTikTokConfig, TIKTOK_DEFAULTS, type TikTokEmulatorOptions } from "./options";
import { newLogId, TIKTOK_FAULT_ENDPOINTS } from "./replies";
import { TikTokStore } from "./store";

export type { TikTokEmulatorOptions, TikTokUserProfile, TikTokVideo } from "./options";
export { TIKTOK_DEFAULTS } from "./options";
export { TIKTOK_FAULT_ENDPOINTS, type TikTokEndpoint } from "./replies";
export type { RunningEmulator, RecordedRequest, FaultSpec, FaultMode } from "../shared";

export type TikTokControl = EmulatorControl;

type Route = (ctx: TikTokContext, req: EmulatorRequest, res: ServerResponse) => void;

// Paths are matched exactly, trailing slash included: TikTok's documented URLs end in "/".
const ROUTES: Record<string, Route> = {
  [`GET ${AUTHORIZE_PATH}`]: showTikTokConsent,
  [`POST ${DECISION_PATH}`]: decideTikTokConsent,
  [`POST ${TOKEN_PATH}`]: handleTikTokToken,
  [`POST ${REVOKE_PATH}`]: handleTikTokRevoke,
  [`GET ${USER_INFO_PATH}`]: handleUserInfo,
  [`POST ${VIDEO_LIST_PATH}`]: handleVideoList,
};

export async function startTikTokEmulator(
  options: Partial<TikTokEmulatorOptions> = {},
): Promise<RunningEmulator<TikTokControl>> {
  // The context needs the server's URL (avatar and cover URLs point at the emulator), so it is filled after listen.
  const live: { ctx?: TikTokContext } = {};
  const { control, clock, faults, secrets, answerCommon } = createEmulatorControl({
    faultEndpoints: TIKTOK_FAULT_ENDPOINTS,
    clientSecrets: options.clientSecrets ?? TIKTOK_DEFAULTS.clientSecrets,
    onReset: () => live.ctx?.store.clear(),
    revocations: () => live.ctx?.store.revocations() ?? [],
    issuedTokens: () => live.ctx?.store.validAccessTokens() ?? [],
  });
  const commonRoutes = { avatarLabel: () => live.ctx!.config.user.display_name, imageLabel: "TT" };

  const server = await startHttpServer(options.port ?? TIKTOK_DEFAULTS.port, (req, res) => {
    if (answerCommon(req, res, commonRoutes)) return;
    // Every TikTok reply carries a log id; API handlers overwrite it with the one they put in the body.
    res.setHeader("x-tt-logid", newLogId(clock));
    const route = ROUTES[`${req.method} ${req.path}`];
    if (!route) {
      const logId = String(res.getHeader("x-tt-logid"));
      sendJson(res, 404, { error: { code: "not_found", message: `No route for ${req.method} ${req.path}`, log_id: logId } });
      return;
    }
    route(live.ctx!, req, res);
  });

  const config = resolveTikTokConfig(options, server.url, clock.nowSeconds());
  live.ctx = {
    config,
    secrets,
    clock,
    store: new TikTokStore(clock, {
      accessTtlSeconds: config.accessTokenTtlSeconds,
      refreshTtlSeconds: config.refreshTokenTtlSeconds,
      codeTtlSeconds: config.codeTtlSeconds,
    }),
    faults,
    server,
  };

  return { url: server.url, port: server.port, control, close: () => server.close() };
}
