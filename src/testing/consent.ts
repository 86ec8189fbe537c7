// Clicks through an emulator's consent page over plain HTTP (no browser): GET the authorize URL, submit
// its form with the chosen button, and return the redirect the provider sends back.
function decodeEntities(text: string): string {
  return text.replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">");
}

export async function answerConsent(authorizeUrl: string, decision: "Allow" | "Deny"): Promise<URL> {
  const page = await fetch(authorizeUrl, { redirect: "manual" });
  if (page.status !== 200) throw new Error(`consent page answered ${page.status}`);
  const html = await page.text();
  const form = html.match(/<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i);
  if (!form) throw new Error("no consent form");
  const fields = new URLSearchParams();
  for (const input of form[2]!.matchAll(/<input[^>]*>/gi)) {
    const name = input[0].match(/name="([^"]+)"/)?.[1];
    const value = input[0].match(/value="([^"]*)"/)?.[1] ?? "";
    if (name) fields.append(decodeEntities(name), decodeEntities(value));
  }
  const button = [...form[2]!.matchAll(/<button([^>]*)>([\s\S]*?)<\/button>/gi)].find((b) => b[2]!.replace(/<[^>]+>/g, "").trim() === decision);
  if (!button) throw new Error(`no ${decision} button`);
  const name = button[1]!.match(/name="([^"]+)"/)?.[1];
  const value = button[1]!.match(/value="([^"]*)"/)?.[1];
  if (name) fields.append(name, value ?? "");
  const action = new URL(decodeEntities(form[1]!), authorizeUrl);
  const answer = await fetch(action, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: fields.toString(), redirect: "manual" });
  const location = answer.headers.get("location");
  if (answer.status < 300 || answer.status >= 400 || !location) throw new Error(`consent answered ${answer.status}`);
  return new URL(location);
}
