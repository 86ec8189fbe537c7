import { describe, expect, it } from "vitest";
import { captureLogger } from "@/src/testing/capture-logger";
import { currentRequestScope, newRequestScope, runInRequestScope } from "./request-scope";

function capture() {
  const { log, output } = captureLogger("debug");
  return { logger: log, output };
}

const SECRETS = {
  bearer: "eyJhbGciOiJIUzI1NiJ9.payload.signature",
  cookie: "better-auth.session_token=abc123sessionvalue",
  accessToken: "act.ExampleTikTokAccessToken0001",
  refreshToken: "rft.ExampleRefreshToken0002",
  apiKey: "azure-key-0123456789abcdef",
  password: "correct horse battery staple",
  clientSecret: "tiktok-client-secret-xyz",
  email: "creator.name+tag@example.com",
  phoneIntl: "+33 6 12 34 56 78",
  phoneUs: "(415) 555-0134",
};

describe("logger redaction", () => {
  it("never writes authorization headers, cookies, tokens, keys or passwords given as fields", () => {
    const { logger, output } = capture();
    logger.info(
      {
        req: { headers: { authorization: `Bearer ${SECRETS.bearer}`, cookie: SECRETS.cookie, "x-api-key": SECRETS.apiKey } },
        tokens: { access_token: SECRETS.accessToken, refresh_token: SECRETS.refreshToken },
        password: SECRETS.password,
        client_secret: SECRETS.clientSecret,
        nested: [{ apiKey: SECRETS.apiKey }],
      },
      "provider call",
    );
    const text = output();
    for (const secret of [SECRETS.bearer, SECRETS.cookie, SECRETS.accessToken, SECRETS.refreshToken, SECRETS.apiKey, SECRETS.password, SECRETS.clientSecret]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain("provider call");
    expect(text).toContain("[REDACTED]");
  });

  it("scrubs emails and phone numbers inside free-text messages and fields", () => {
    const { logger, output } = capture();
    logger.info(`sign-up from ${SECRETS.email}, call ${SECRETS.phoneIntl} or ${SECRETS.phoneUs}`);
    logger.warn({ note: `contact ${SECRETS.email}`, email: SECRETS.email, phone: SECRETS.phoneUs }, "profile updated");
    const text = output();
    expect(text).not.toContain(SECRETS.email);
    expect(text).not.toContain("creator.name");
    expect(text).not.toContain("12 34 56 78");
    expect(text).not.toContain("555-0134");
    expect(text).toContain("[email]");
    expect(text).toContain("[phone]");
  });

  it("scrubs secrets carried in error messages and URLs", () => {
    const { logger, output } = capture();
    const error = new Error(`token exchange failed for ${SECRETS.email}: POST /oauth?client_secret=${SECRETS.clientSecret}&code=abc`);
    logger.error({ err: error }, `request to https://api.example/cb?access_token=${SECRETS.accessToken}`);
    logger.error(`upstream said Authorization: Bearer ${SECRETS.bearer}`);
    const text = output();
    for (const secret of [SECRETS.email, SECRETS.clientSecret, SECRETS.accessToken, SECRETS.bearer]) expect(text).not.toContain(secret);
    expect(text).toContain("token exchange failed");
  });

  it("replaces the values a Playwright call log repeats (fill, type, press), in messages and in errors", () => {
    const { logger, output } = capture();
    // As Playwright 1.65 words a fill into a read-only field: every call-log line dimmed with ANSI codes, the
    // argument written raw (a newline in it starts a new line), the element described with its attributes.
    const dim = (line: string) => `\u001b[2m${line}\u001b[22m`;
    const callLog = (action: string) =>
      [
        "page.fill: Timeout 1500ms exceeded.",
        "Call log:",
        dim("  - waiting for locator('#password')"),
        dim(`    - locator resolved to <input readonly id="password" type="password" value="prefilled-${SECRETS.password}"/>`),
        ...action.split("\n").map(dim),
        dim("  - attempting fill action"),
        dim("    2 × waiting for element to be visible, enabled and editable"),
        dim("      - element is not editable"),
        "",
      ].join("\n");
    const multiLine = `${SECRETS.password}")\nsecond line of it`;
    const error = new Error(callLog(`    - fill("${SECRETS.password}")`));
    error.name = "TimeoutError";
    logger.warn({ err: error }, "sign-in broke off");
    logger.warn({ err: new Error(callLog(`    - fill("${multiLine}")`)) }, "a value with a newline");
    logger.warn(callLog(`    - type("${SECRETS.refreshToken}")`));
    logger.warn(`retrying press('${SECRETS.apiKey}') on the form`);
    const text = output();
    for (const secret of [SECRETS.password, "second line of it", SECRETS.refreshToken, SECRETS.apiKey]) expect(text).not.toContain(secret);
    // What the log is for stays: the step, the locator and why it failed.
    expect(text).toContain("fill([REDACTED])");
    expect(text).toContain("type([REDACTED])");
    expect(text).toContain("press([REDACTED])");
    expect(text).toContain("waiting for locator('#password')");
    expect(text).toContain("element is not editable");
    expect(text).toContain("sign-in broke off");
  });

  it("keeps ordinary numbers, ids and timestamps readable", () => {
    const { logger, output } = capture();
    logger.info({ requestId: "4f1c2b9e-1d2a-4c5b-9e8f-0a1b2c3d4e5f", latencyMs: 1234, at: "2026-11-25T10:00:00Z" }, "took 1234 ms, 42 rows");
    const line = JSON.parse(output().trim()) as Record<string, unknown>;
    expect(line.requestId).toBe("4f1c2b9e-1d2a-4c5b-9e8f-0a1b2c3d4e5f");
    expect(line.latencyMs).toBe(1234);
    expect(line.at).toBe("2026-11-25T10:00:00Z");
    expect(line.msg).toBe("took 1234 ms, 42 rows");
  });

  it("writes one JSON object per line with level and timestamp", () => {
    const { logger, output } = capture();
    logger.child({ module: "tiktok" }).info({ event: "social.connected" }, "connected");
    const line = JSON.parse(output().trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ level: "info", module: "tiktok", event: "social.connected", msg: "connected" });
    expect(typeof line.time).toBe("string");
  });
});

describe("logger request id", () => {
  it("puts the request's id on every line written while serving it, its child loggers' lines too, and none outside", async () => {
    const { logger, output } = capture();
    const seen = await runInRequestScope(newRequestScope("req-logged-1", 25_000), async () => {
      logger.info({ event: "draft.created" }, "inside");
      await new Promise((resolve) => setTimeout(resolve, 1));
      logger.child({ module: "llm" }).warn("after an await, from a child");
      return currentRequestScope()?.requestId;
    });
    logger.info({ event: "outbox.delivered" }, "outside");
    const lines = output().trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(seen).toBe("req-logged-1");
    expect(lines.map((l) => [l.msg, l.requestId])).toEqual([
      ["inside", "req-logged-1"],
      ["after an await, from a child", "req-logged-1"],
      ["outside", undefined],
    ]);
    expect(lines[2]).not.toHaveProperty("requestId");
  });

  it("keeps a requestId the line or its logger names, once, and still scrubs the line", () => {
    const { logger, output } = capture();
    runInRequestScope(newRequestScope("req-logged-2", 25_000), () => {
      logger.info({ requestId: "named-by-the-caller" }, "explicit");
      logger.child({ requestId: "bound-to-the-child" }).info("bound");
      logger.info({ email: "ann@example.com" }, `mail ${"ann@example.com"}`);
    });
    const raw = output().trim().split("\n");
    expect(raw.map((l) => l.match(/"requestId"/g)?.length)).toEqual([1, 1, 1]);
    expect(raw.map((l) => (JSON.parse(l) as { requestId: string }).requestId)).toEqual(["named-by-the-caller", "bound-to-the-child", "req-logged-2"]);
    expect(output()).not.toContain("ann@example.com");
  });

  it("writes the request's id whole, as the response's x-request-id gave it, though digits in other fields are scrubbed", () => {
    const { logger, output } = capture();
    runInRequestScope(newRequestScope("1733540000123", 25_000), () => {
      logger.info({ note: "call 1733540000123" }, "timestamp id");
      logger.info({ requestId: "1733540000123" }, "named explicitly");
    });
    logger.info({ requestId: "1733540000123" }, "outside");
    const lines = output().trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.requestId, l.note])).toEqual([
      ["1733540000123", "call [phone]"],
      ["1733540000123", undefined],
      ["[phone]", undefined],
    ]);
  });
});
