// One Chromium per worker process (Debian's, via playwright-core), one fresh context per job, always closed:
// contexts share nothing, keep nothing on disk, and memory stays bounded by the number of jobs at once. The
// browser is relaunched every RECYCLE_AFTER contexts so a slow leak in Chromium cannot grow without end.
// The sandbox (ONLYFANS_CHROMIUM_SANDBOX): production runs Chromium with it, as a non-root user whose task lets it
// create user namespaces (infra/lib/worker-stack.ts has why and how). Off, the browser gets --no-sandbox: this
// machine and CI run as root, where Chromium refuses its sandbox. Playwright adds --no-sandbox on its own unless
// `chromiumSandbox` is true, so the setting drives both.
import { chromium, type Browser, type BrowserContext } from "playwright-core";

const FLAGS = ["--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update"];
const flags = (sandbox: boolean) => (sandbox ? FLAGS : [...FLAGS, "--no-sandbox"]);
const RECYCLE_AFTER = 50;

export class BrowserPool {
  private browser: Promise<Browser> | null = null;
  private served = 0;
  private readonly open = new Set<BrowserContext>();

  constructor(
    private readonly executablePath: string,
    private readonly sandbox: boolean,
  ) {}

  get openContexts(): number {
    return this.open.size;
  }

  private async launch(): Promise<Browser> {
    if (this.browser && this.served >= RECYCLE_AFTER && this.open.size === 0) {
      const old = this.browser;
      this.browser = null;
      await (await old.catch(() => null))?.close().catch(() => undefined);
    }
    if (!this.browser) {
      this.served = 0;
      this.browser = chromium.launch({ executablePath: this.executablePath, headless: true, chromiumSandbox: this.sandbox, args: flags(this.sandbox) });
      this.browser.catch(() => (this.browser = null));
    }
    return this.browser;
  }

  /** Runs `work` in a new context that is closed afterwards, whatever happens. */
  async withContext<T>(work: (context: BrowserContext) => Promise<T>): Promise<T> {
    const browser = await this.launch();
    const context = await browser.newContext({ acceptDownloads: false, serviceWorkers: "block", locale: "en-US" });
    this.served += 1;
    this.open.add(context);
    try {
      return await work(context);
    } finally {
      this.open.delete(context);
      await context.close().catch(() => undefined);
    }
  }

  /** Closes every context (their work fails at its next step) and the browser. */
  async close(): Promise<void> {
    const browser = this.browser;
    this.browser = null;
    await Promise.all([...this.open].map((context) => context.close().catch(() => undefined)));
    await (await browser?.catch(() => null))?.close().catch(() => undefined);
  }
}
