// Instagram emulator: Business Login (www.instagram.com / api.instagram.com) and the Instagram Graph API
// (graph.instagram.com, with or without a vNN.N prefix) on one base URL.
import type { ServerResponse } from "node:http";
import {
  createEmulatorControl,
  startHttpServer,
  type EmulatorControl,
  type EmulatorRequest,
  type RunningEmulator,
} from "../shared";
import { AUTHORIZE_PATHS, DECISION_PATH, decideInstagramConsent, showInstagramConsent } from "./authorize";
import type { InstagramContext } from "./contract";
import { handleMe, handleMediaList, handleMediaNode } from "./graph-user";
import { handleAccountInsights, handleMediaInsights } from "./insights";
import { handleExchange, handleRefresh } from "./long-lived";
import { ACCESS_TOKEN_PATH, handleCodeExchange } from "./oauth";
import { INSTAGRAM_DEFAULTS, resolveInstagramConfig, type InstagramEmulatorOptions, type TokenReplyShape } from "./options";
import { INSTAGRAM_FAULT_ENDPOINTS, sendGraphError } from "./replies";
import { InstagramStore } from "./store";

export type { InstagramEmulatorOptions, InstagramMedia, InstagramMediaInsights, InstagramUserProfile, TokenReplyShape } from "./options";
export { INSTAGRAM_DEFAULTS } from "./options";
export { INSTAGRAM_FAULT_ENDPOINTS, type InstagramEndpoint } from "./replies";
export type { RunningEmulator, RecordedRequest, FaultSpec, FaultMode } from "../shared";

export interface InstagramControl extends EmulatorControl {
  /** Switches the code-exchange reply between `{data:[{...}]}` and the flat object. */
  setTokenReplyShape(shape: TokenReplyShape): void;
}

/** Routes a graph.instagram.com path; every version prefix (/v23.0/me) and none (/me) reach the same node. */
function routeGraph(ctx: InstagramContext, req: EmulatorRequest, res: ServerResponse): void {
  const path = req.path.replace(/^\/v\d+\.\d+(?=\/)/, "");
  const [node, edge, ...rest] = path.split("/").filter(Boolean);
  const user = ctx.config.user;
  const isUser = node === "me" || node === user.user_id || node === user.id;
  const media = ctx.config.media.find((m) => m.id === node);
  if (req.method === "GET" && rest.length === 0) {
    if (node === "access_token" && !edge) return handleExchange(ctx, req, res);
    if (node === "refresh_access_token" && !edge) return handleRefresh(ctx, req, res);
    if (isUser && !edge) return handleMe(ctx, req, res);
    if (isUser && edge === "media") return handleMediaList(ctx, req, res);
    if (isUser && edge === "insights") return handleAccountInsights(ctx, req, res);
    if (media && !edge) return handleMediaNode(ctx, media, req, res);
    if (media && edge === "insights") return handleMediaInsights(ctx, media, req, res);
  }
  const message = node
    ? `Unsupported ${req.method.toLowerCase()} request. Object with ID '${node}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`
    : "Unknown path components";
  sendGraphError(res, 400, { message, code: 100, subcode: node ? 33 : undefined, type: "GraphMethodException" });
}

export async function startInstagramEmulator(
  options: Partial<InstagramEmulatorOptions> = {},
): Promise<RunningEmulator<InstagramControl>> {
  const initialShape = options.tokenReplyShape ?? INSTAGRAM_DEFAULTS.tokenReplyShape;
  let shape = initialShape;
  // Filled once the server listens: media and avatar URLs point at the emulator's own address.
  const live: { ctx?: InstagramContext } = {};
  const shared = createEmulatorControl({
    faultEndpoints: INSTAGRAM_FAULT_ENDPOINTS,
    clientSecrets: options.clientSecrets ?? INSTAGRAM_DEFAULTS.clientSecrets,
    onReset: () => {
      live.ctx?.store.clear();
      shape = initialShape;
    },
    // Instagram has no revoke endpoint (users remove apps in their settings); the list stays empty.
    revocations: () => [],
    issuedTokens: () => live.ctx?.store.validTokens() ?? [],
  });
  const { clock, faults, secrets, answerCommon } = shared;

  const control: InstagramControl = {
    ...shared.control,
    setTokenReplyShape: (next) => {
      if (next !== "wrapped" && next !== "flat") throw new Error('shape must be "wrapped" or "flat"');
      shape = next;
    },
  };
  const commonRoutes = {
    avatarLabel: () => live.ctx!.config.user.username,
    imageLabel: "IG",
    extraControl: {
      "token-reply-shape": (body: unknown) => control.setTokenReplyShape((body as { shape?: TokenReplyShape }).shape!),
    },
  };

  const server = await startHttpServer(options.port ?? INSTAGRAM_DEFAULTS.port, (req, res) => {
    if (answerCommon(req, res, commonRoutes)) return;
    const ctx = live.ctx!;
    if (req.method === "GET" && AUTHORIZE_PATHS.includes(req.path)) return showInstagramConsent(ctx, req, res);
    if (req.method === "POST" && req.path === DECISION_PATH) return decideInstagramConsent(ctx, req, res);
    if (req.method === "POST" && req.path === ACCESS_TOKEN_PATH) return handleCodeExchange(ctx, req, res);
    routeGraph(ctx, req, res);
  });

  const config = resolveInstagramConfig(options, server.url, clock.nowMs());
  live.ctx = {
    config,
    secrets,
    replyShape: () => shape,
    clock,
    store: new InstagramStore(clock, {
      shortTtlSeconds: config.shortTokenTtlSeconds,
      longTtlSeconds: config.longTokenTtlSeconds,
      codeTtlSeconds: config.codeTtlSeconds,
    }),
    faults,
    server,
    baseUrl: server.url,
  };

  return { url: server.url, port: server.port, control, close: () => server.close() };
}
