import { describe, expect, it } from "vitest";
import { scrubText, scrubValue } from "./redact";

// Shapes found leaking by e2e/pii-log-corpus: an OAuth callback's `error` parameter is free text chosen by
// whoever calls the callback, and it was logged with a JWT and an Anthropic key inside.
const JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkcmlsbCJ9.c2lnbmF0dXJlZHJpbGw";
const ANTHROPIC_KEY = "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AAAAA";
const OPENAI_KEY = "sk-proj-Abc123Def456Ghi789Jkl012Mno345";
const AZURE_KEY = "0123456789abcdef0123456789abcdef";

describe("scrubbing free text", () => {
  it("removes JSON Web Tokens that are not behind a Bearer", () => {
    const text = scrubText(`access_denied ${JWT} by user`);
    expect(text).not.toContain("eyJhbGciOiJIUzI1NiJ9");
    expect(text).not.toContain("c2lnbmF0dXJlZHJpbGw");
    expect(text).toContain("access_denied");
    expect(text).toContain("by user");
  });

  it("removes Anthropic and OpenAI style keys wherever they appear", () => {
    for (const key of [ANTHROPIC_KEY, OPENAI_KEY]) {
      const text = scrubText(`upstream said: invalid key ${key}.`);
      expect(text).not.toContain(key.slice(8));
      expect(text).toContain("upstream said: invalid key");
    }
  });

  it("removes the value of secret headers written out as text, such as an Azure api-key or a Cookie", () => {
    const text = scrubText(`request headers api-key: ${AZURE_KEY}\nCookie: theme=dark; better-auth.session_token=abc123secret\nSet-Cookie: sid=s3cr3tvalue; Path=/\nx-api-key: ${ANTHROPIC_KEY}`);
    for (const secret of [AZURE_KEY, "abc123secret", "s3cr3tvalue", ANTHROPIC_KEY]) expect(text).not.toContain(secret);
    expect(text).toContain("request headers api-key:");
  });

  it("removes cookie-style name=value pairs whose name ends in a secret word", () => {
    const text = scrubText("sent better-auth.session_token=abc123secret and __Secure-csrf_token=def456 to the API");
    expect(text).not.toContain("abc123secret");
    expect(text).not.toContain("def456");
    expect(text).toContain("to the API");
  });

  it("removes emails and international numbers that arrive URL-encoded, as in a query string", () => {
    const text = scrubText("callback said dave.smith%40mail.example.org and %2B447700900123 and dave.smith%40Mail.Example.ORG");
    expect(text).not.toContain("dave.smith");
    expect(text).not.toContain("447700900123");
    expect(text).toContain("callback said");
  });

  it("leaves request ids, vendor log ids, hashes and ordinary words alone", () => {
    const ordinary = "request 4f1c2b9e-1d2a-4c5b-9e8f-0a1b2c3d4e5f logId 20261125170628E47225646719098621 sha 9f86d081884c7d659a2feaa0c55ad015 skipped sk-8";
    expect(scrubText(ordinary)).toBe(ordinary);
  });

  it("keeps UUIDs whose digit runs read like a phone number whole, and still removes a phone number beside one", () => {
    // About one random UUID in a hundred has such a run; these were cut to "…-[phone]" in log lines.
    for (const id of ["08949f94-3cfe-49d7-8670-983372542244", "12345678-1234-4234-8234-123456789012", "4f1c2b9e-1d2a-4c5b-9e8f-415555013412"]) {
      expect(scrubText(`event ${id} moved`)).toBe(`event ${id} moved`);
    }
    expect(scrubText("event 08949f94-3cfe-49d7-8670-983372542244 for (415) 555-0134")).toBe("event 08949f94-3cfe-49d7-8670-983372542244 for [phone]");
  });

  it("applies inside logged objects too", () => {
    const scrubbed = JSON.stringify(scrubValue({ reason: `access_denied ${ANTHROPIC_KEY} ${JWT}` }));
    expect(scrubbed).not.toContain(ANTHROPIC_KEY);
    expect(scrubbed).not.toContain(JWT);
    expect(scrubbed).toContain("access_denied");
  });
});

describe("token counts", () => {
  it("keeps numeric *Tokens fields (usage counts) and still removes token strings under the same names", () => {
    expect(scrubValue({ promptTokens: 120, completionTokens: 40, totalTokens: 160 })).toEqual({ promptTokens: 120, completionTokens: 40, totalTokens: 160 });
    expect(scrubValue({ promptTokens: "act.secret", accessToken: 5, token: 7 })).toEqual({ promptTokens: "[REDACTED]", accessToken: "[REDACTED]", token: "[REDACTED]" });
  });
});
