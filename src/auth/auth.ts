import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { nextCookies } from "better-auth/next-js";
import { getEnv } from "@/src/config";
import { getKeyValueStore, getPrisma, type PrismaClient } from "@/src/data";
import { CLIENT_IP_HEADER } from "@/src/edge";
import { siteOrigin } from "@/src/edge/hosts";
import { forgetSessionOwner, rememberSessionOwner } from "@/src/edge/session-key";
import { moduleLogger, recordEvent } from "@/src/observability";
import { containsNulText } from "./nul-text";
import {
  absoluteSessionEnd,
  enforceAbsoluteSessionLifetime,
  RECENT_SIGN_IN_SECONDS,
  SESSION_IDLE_SECONDS,
  SESSION_REFRESH_SECONDS,
} from "./session-lifetime";
import { refuseWeakNewPassword } from "./password-hook";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "./password-policy";

type SessionRow = { token: string; userId: string; createdAt: Date };


function createAuth(prisma: PrismaClient) {
  const env = getEnv();
  const log = moduleLogger("auth");
  const secureCookies = env.isProduction || env.PUBLIC_APP_URL.startsWith("https://");
  // The proxy keys per-user rate limits on this map (src/edge/session-key.ts). Written on create and on each
  // daily refresh, so a lost entry comes back within a day; until then that session counts per address. A store
  // outage must not block signing in: it is logged and the same fallback applies.
  const store = getKeyValueStore();
  const rememberOwner = (session: SessionRow) =>
    rememberSessionOwner(store, session.token, session.userId, (absoluteSessionEnd(new Date(session.createdAt)).getTime() - Date.now()) / 1000).catch(
      (error: unknown) => log.warn({ err: error }, "session owner not recorded; per-user limits count this session per address"),
    );
  return betterAuth({
    appName: "Huntaze",
    baseURL: env.PUBLIC_APP_URL,
    basePath: "/api/auth",
    secret: env.authSecret,
    // Admins sign in on the KPI host too; locally the app is also reachable as app.localhost.
    trustedOrigins: [...env.AUTH_TRUSTED_ORIGINS, siteOrigin(env, "kpi"), siteOrigin(env, "app")],
    database: prismaAdapter(prisma, { provider: "postgresql" }),
    emailAndPassword: {
      enabled: true,
      autoSignIn: true,
      minPasswordLength: MIN_PASSWORD_LENGTH,
      maxPasswordLength: MAX_PASSWORD_LENGTH,
    },
    user: {
      additionalFields: {
        // input: false -- a sign-up body cannot make itself an admin; only `npm run admin:create` can.
        role: { type: "string", required: false, defaultValue: "creator", input: false },
      },
    },
    // freshAge: better-auth's own sensitive endpoints ask for the same recent sign-in as ours (session.ts).
    session: { expiresIn: SESSION_IDLE_SECONDS, updateAge: SESSION_REFRESH_SECONDS, freshAge: RECENT_SIGN_IN_SECONDS },
    rateLimit: {
      // On in every environment, counted in the database so all instances share one budget per IP.
      enabled: true,
      storage: "database",
      window: 60,
      max: 100,
    },
    advanced: {
      useSecureCookies: secureCookies,
      // The proxy overwrites this header from X-Forwarded-For and TRUST_PROXY_HOPS; a client cannot set it.
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
    },
    telemetry: { enabled: false },
    logger: {
      level: "warn",
      log: (level, message) => log[level === "debug" ? "debug" : level]({ source: "better-auth" }, message),
    },
    onAPIError: {
      // Client mistakes (wrong password, bad origin) are routine; only server faults are errors.
      onError: (error) => {
        const status = (error as { statusCode?: number }).statusCode ?? 500;
        if (status >= 500) log.error({ err: error }, "auth endpoint failed");
        else log.info({ status, code: (error as { body?: { code?: string } }).body?.code }, "auth request refused");
      },
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (containsNulText(ctx.body) || containsNulText(ctx.query)) {
          throw new APIError("BAD_REQUEST", { code: "INVALID_TEXT", message: "Text fields may not contain NUL characters." });
        }
        await refuseWeakNewPassword(ctx);
      }),
    },
    databaseHooks: {
      user: {
        create: {
          after: async (user) => {
            await prisma.auditLog.create({ data: { userId: user.id, action: "auth.signed_up" } });
            recordEvent("user.signed_up", { userId: user.id });
          },
        },
      },
      session: {
        create: {
          after: async (session) => {
            await prisma.auditLog.create({ data: { userId: session.userId, action: "auth.signed_in" } });
            recordEvent("user.signed_in", { userId: session.userId });
            await rememberOwner(session);
          },
        },
        update: { after: rememberOwner },
        delete: {
          after: (session) =>
            forgetSessionOwner(store, session.token).catch((error: unknown) => log.warn({ err: error }, "session owner not removed; it expires with the session")),
        },
      },
    },
    plugins: [nextCookies()],
  });
}

export type Auth = ReturnType<typeof createAuth>;

const holder = globalThis as unknown as { __huntazeAuth?: Promise<Auth> };

export function getAuth(): Promise<Auth> {
  holder.__huntazeAuth ??= getPrisma()
    .then(createAuth)
    .then(async (auth) => {
      await enforceAbsoluteSessionLifetime(auth);
      return auth;
    })
    .catch((error: unknown) => {
      holder.__huntazeAuth = undefined;
      throw error;
    });
  return holder.__huntazeAuth;
}
