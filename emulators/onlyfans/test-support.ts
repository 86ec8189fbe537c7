// A minimal browser stand-in for the OnlyFans emulator tests: it keeps cookies and follows nothing by itself, so a
// test sees each redirect and each Set-Cookie the way a browser would receive them.

export const EMAIL = "creator@example.com";
export const PASSWORD = "emulated-password";
export const CODE = "123456";

export class Browser {
  readonly cookies = new Map<string, string>();

  constructor(private readonly base: string) {}

  private remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const [name = "", ...rest] = pair.split("=");
      const value = rest.join("=");
      if (/max-age=0\b/i.test(line) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(path: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...init.headers };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const res = await fetch(`${this.base}${path}`, {
      method: init.method ?? (init.form ? "POST" : "GET"),
      headers,
      body: init.form ? new URLSearchParams(init.form) : undefined,
      redirect: "manual",
    });
    this.remember(res);
    return res;
  }

  get(path: string) {
    return this.request(path);
  }

  post(path: string, form: Record<string, string>) {
    return this.request(path, { form });
  }

  /** Password step then code step; returns the response of the code step (a redirect to the dashboard). */
  async logIn(email = EMAIL, password = PASSWORD, code = CODE): Promise<Response> {
    const first = await this.post("/login", { email, password });
    if (first.headers.get("location") !== "/login/2fa") return first;
    return this.post("/login/2fa", { code });
  }
}

/** The value of the element carrying `attr="value"`, e.g. dataValue(html, "data-figure", "subscribers"). */
export function dataValue(html: string, attr: string, value: string): string | undefined {
  return new RegExp(`<[a-z]+[^>]*\\b${attr}="${value}"[^>]*>([^<]*)<`).exec(html)?.[1];
}
