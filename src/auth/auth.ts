import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { nextCookies } from "better-auth/next-js";
import { getEnv } from "@/src/config";
import { getPrisma } from "@/src/data";
import { CLIENT_IP_HEADER } from "@/src/edge/client-ip";
import { siteOrigin } from "@/src/edge/hosts";
import type { PrismaClient } from "@/src/generated/prisma/client";
import { moduleLogger, recordEvent } from "@/src/observability";
import { containsNulText } from "./nul-text";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, PASSWORD_MESSAGES, passwordProblem } from "./password-policy";

const SEVEN_DAYS = 60 * 60 * 24 * 7;


function createAuth(prisma: PrismaClient) {
  const env = getEnv();
  const log = moduleLogger("auth");
  const secureCookies = env.isProduction || env.PUBLIC_APP_URL.startsWith("https://");
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
    session: { expiresIn: SEVEN_DAYS, updateAge: 60 * 60 * 24 },
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
        if (ctx.path !== "/sign-up/email") return;
        const body = ctx.body as { password?: unknown; email?: unknown } | undefined;
        if (typeof body?.password !== "string") return;
        const problem = passwordProblem(body.password, typeof body.email === "string" ? body.email : undefined);
        if (problem === "too_common" || problem === "contains_email") {
          throw new APIError("BAD_REQUEST", { code: "WEAK_PASSWORD", message: PASSWORD_MESSAGES[problem] });
        }
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
          },
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
    .catch((error: unknown) => {
      holder.__huntazeAuth = undefined;
      throw error;
    });
  return holder.__huntazeAuth;
}
