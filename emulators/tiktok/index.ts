// TikTok emulator: Login Kit for Web v2 (www.tiktok.com) and Display API v2 (open.tiktokapis.com) on one base URL.
import type { ServerResponse } from "node:http";
import {
  FaultInjector,
  handleControlRequest,
  RequestLog,
  sendJson,
  sendPlaceholderSvg,
  startHttpServer,
  VirtualClock,
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
  const clock = new VirtualClock();
  const faults = new FaultInjector(TIKTOK_FAULT_ENDPOINTS);
  const log = new RequestLog();
  const initialSecrets = [...(options.clientSecrets ?? TIKTOK_DEFAULTS.clientSecrets)];
  let secrets = [...initialSecrets];
  // The context needs the server's URL (avatar and cover URLs point at the emulator), so it is filled after listen.
  const live: { ctx?: TikTokContext } = {};

  const control: TikTokControl = {
    fault: (spec) => void faults.arm(spec),
    clearFaults: () => faults.clear(),
    faults: () => faults.list(),
    reset: () => {
      faults.clear();
      live.ctx?.store.clear();
      log.clear();
      clock.reset();
      secrets = [...initialSecrets];
    },
    advanceClock: (seconds) => clock.advance(seconds),
    now: () => clock.now(),
    setClientSecrets: (next) => {
      if (next.length === 0) throw new Error("setClientSecrets needs at least one secret");
      secrets = [...next];
    },
    revocations: () => live.ctx?.store.revocations() ?? [],
    requests: () => log.list(),
    issuedTokens: () => live.ctx?.store.validAccessTokens() ?? [],
  };

  const server = await startHttpServer(options.port ?? TIKTOK_DEFAULTS.port, (req, res) => {
    if (handleControlRequest(req, res, control)) return;
    if (req.method === "GET" && /^\/static\/[\w.-]+\.svg$/.test(req.path)) {
      sendPlaceholderSvg(res, req.path.includes("avatar") ? live.ctx!.config.user.display_name : "TT");
      return;
    }
    log.record(req, clock.nowMs());
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
    secrets: () => secrets,
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
