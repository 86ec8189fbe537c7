// Test helpers for what both emulators do the same way: the consent form, the HTML error page that must never be a
// redirect, the malformed_json fault and the JSON control routes. Only tests import this module (it uses vitest).
import { expect } from "vitest";

/**
 * Opens the consent page at `pageUrl`, posts the decision (with the scopes left ticked, if given) to `decisionUrl`,
 * and returns the raw Location header of the redirect back to the app.
 */
export async function submitConsent(
  pageUrl: string,
  decisionUrl: string,
  decision: "allow" | "deny",
  grantedScopes?: string[],
): Promise<string> {
  const page = await fetch(pageUrl);
  if (page.status !== 200) throw new Error(`consent page answered ${page.status}`);
  const requestId = /name="request_id" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!requestId) throw new Error("no request_id on the consent page");
  const form = new URLSearchParams({ request_id: requestId, decision });
  for (const scope of grantedScopes ?? []) form.append("scope", scope);
  const res = await fetch(decisionUrl, { method: "POST", body: form, redirect: "manual" });
  if (res.status !== 302) throw new Error(`decision answered ${res.status}`);
  return res.headers.get("location")!;
}

/** An authorize request that cannot be trusted to redirect must get an HTML 400 page, never a Location. */
export async function expectHtmlErrorPage(url: string): Promise<void> {
  const res = await fetch(url, { redirect: "manual" });
  expect(res.status).toBe(400);
  expect(res.headers.get("location")).toBeNull();
  expect(res.headers.get("content-type")).toContain("text/html");
}

/** The malformed_json fault: HTTP 200 with a JSON content type and a body that does not parse. */
export async function expectTruncatedJson(res: Response): Promise<void> {
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("application/json");
  await expect(res.json()).rejects.toThrow();
}

export function postControl(base: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${base}/__control/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

export type ServerSentEvent = { event: string | undefined; data: string };

/** Reads a whole text/event-stream body into its events (`event:` name, if any, and the joined `data:` lines). */
export async function readEventStream(res: Response): Promise<ServerSentEvent[]> {
  const text = await res.text();
  return text
    .split(/\n\n/)
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const lines = block.split("\n");
      const event = lines.find((l) => l.startsWith("event: "))?.slice("event: ".length);
      const data = lines
        .filter((l) => l.startsWith("data: "))
        .map((l) => l.slice("data: ".length))
        .join("\n");
      return { event, data };
    });
}
