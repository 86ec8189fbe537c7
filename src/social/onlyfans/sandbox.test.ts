// Chromium's sandbox as ONLYFANS_CHROMIUM_SANDBOX drives it, with the BrowserPool the worker uses and Debian's
// Chromium. On, as a non-root user (production runs uid 10001; here `nobody`, through setpriv when the tests run as
// root): Chromium's own status page reports the sandbox, and every renderer sits in its own user and PID namespaces
// under a seccomp-bpf filter. On, as root: Chromium refuses to start, which proves the flag really drops
// --no-sandbox. Off, as root (this machine, CI): the browser starts with --no-sandbox.
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BrowserPool } from "./browser";
import { onlyfansSettings } from "./config";
import { parseEnv } from "@/src/config";

const CHROMIUM = onlyfansSettings(parseEnv({})).chromiumPath;
const BROWSER_MODULE = join(import.meta.dirname, "browser.ts");
const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;

async function sandboxStatus(pool: BrowserPool): Promise<string> {
  return pool.withContext(async (context) => {
    const page = await context.newPage();
    await page.goto("chrome://sandbox");
    return (await page.textContent("body")) ?? "";
  });
}

interface ChromiumProcess {
  pid: number;
  type: string;
  userNs: string;
  pidNs: string;
  seccomp: number;
}

/** Chromium's processes below `ancestor`, with their namespaces and seccomp mode, as root sees them in /proc. */
function chromiumProcessesUnder(ancestor: number): ChromiumProcess[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      // The command name (field 2) may hold spaces: the parent pid is the second field after its closing ")".
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // gone meanwhile
    }
  }
  const isUnder = (pid: number) => {
    for (let current = parents.get(pid); current; current = parents.get(current)) if (current === ancestor) return true;
    return false;
  };
  const found: ChromiumProcess[] = [];
  for (const pid of [...parents.keys()].filter(isUnder)) {
    try {
      const commandLine = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
      if (!commandLine.startsWith("/usr/lib/chromium/chromium")) continue;
      found.push({
        pid,
        type: /--type=(\S+)/.exec(commandLine)?.[1] ?? "browser",
        userNs: readlinkSync(`/proc/${pid}/ns/user`),
        pidNs: readlinkSync(`/proc/${pid}/ns/pid`),
        seccomp: Number(/^Seccomp:\s+(\d)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]),
      });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

describe("Chromium with ONLYFANS_CHROMIUM_SANDBOX on, as a non-root user", () => {
  const scratch = mkdtempSync(join(tmpdir(), "huntaze-chromium-sandbox-"));
  // The non-root browser writes its profile and tsx its cache here.
  chmodSync(scratch, 0o777);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("runs sandboxed: Chromium reports its namespace and seccomp-bpf layers, and each renderer has its own user and PID namespaces", async () => {
    // The child opens chrome://sandbox through BrowserPool, prints it, and keeps the browser open until told to close.
    const script = `
      const { BrowserPool } = await import(${JSON.stringify(BROWSER_MODULE)});
      const pool = new BrowserPool(${JSON.stringify(CHROMIUM)}, true);
      const status = await pool.withContext(async (context) => {
        const page = await context.newPage();
        await page.goto("chrome://sandbox");
        await context.newPage().then((second) => second.goto("data:text/html,<p>second renderer</p>"));
        const text = await page.textContent("body");
        console.log(JSON.stringify({ status: text }));
        await new Promise((resolve) => process.stdin.once("data", resolve));
        return text;
      });
      await pool.close();
      console.log(JSON.stringify({ closed: status.length }));
    `;
    const asNobody = isRoot ? ["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups"] : [];
    const [command, ...args] = [...asNobody, process.execPath, "--import", "tsx", "--input-type=module", "--eval", script];
    const child = spawn(command!, args, {
      cwd: join(import.meta.dirname, "../../.."),
      env: { NODE_ENV: "test", PATH: process.env.PATH, HOME: scratch, TMPDIR: scratch },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const output: string[] = [];
    child.stdout.on("data", (chunk) => output.push(String(chunk)));
    child.stderr.on("data", (chunk) => output.push(String(chunk)));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    try {
      const deadline = Date.now() + 30_000;
      while (!output.join("").includes('{"status"')) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no sandbox status; output:\n${output.join("")}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const { status } = JSON.parse(/^\{"status".*$/m.exec(output.join(""))![0]) as { status: string };
      expect(status).toMatch(/Layer 1 Sandbox\s*Namespace/);
      expect(status).toMatch(/PID namespaces\s*Yes/);
      expect(status).toMatch(/Network namespaces\s*Yes/);
      expect(status).toMatch(/Seccomp-BPF sandbox\s*Yes/);
      expect(status).toContain("You are adequately sandboxed.");

      const processes = chromiumProcessesUnder(child.pid!);
      const browser = processes.find((p) => p.type === "browser")!;
      const renderers = processes.filter((p) => p.type === "renderer");
      expect(browser, JSON.stringify(processes)).toBeDefined();
      expect(renderers.length, JSON.stringify(processes)).toBeGreaterThanOrEqual(2);
      for (const renderer of renderers) {
        expect(renderer.userNs, `renderer ${renderer.pid}`).not.toBe(browser.userNs);
        expect(renderer.pidNs, `renderer ${renderer.pid}`).not.toBe(browser.pidNs);
        // 2: a seccomp-bpf filter (proc(5)).
        expect(renderer.seccomp, `renderer ${renderer.pid}`).toBe(2);
      }
      // Renderers do not share a PID namespace: one cannot even see another's processes.
      expect(new Set(renderers.map((r) => r.pidNs)).size).toBe(renderers.length);
      expect(readFileSync(`/proc/${browser.pid}/status`, "utf8")).toMatch(new RegExp(`^Uid:\\s+${isRoot ? NOBODY : process.getuid!()}\\b`, "m"));

      child.stdin.end("close\n");
      expect(await exited, output.join("")).toBe(0);
    } finally {
      child.kill("SIGKILL");
    }
  }, 60_000);
});

describe.skipIf(!isRoot)("Chromium as root (this machine, CI)", () => {
  it("refuses to start with ONLYFANS_CHROMIUM_SANDBOX on, so the flag really leaves --no-sandbox out", async () => {
    const pool = new BrowserPool(CHROMIUM, true);
    try {
      await expect(sandboxStatus(pool)).rejects.toThrow(/Running as root without --no-sandbox is not supported/);
    } finally {
      await pool.close();
    }
  }, 30_000);

  it("starts with --no-sandbox when ONLYFANS_CHROMIUM_SANDBOX is off (the default)", async () => {
    expect(onlyfansSettings(parseEnv({})).chromiumSandbox).toBe(false);
    const pool = new BrowserPool(CHROMIUM, false);
    try {
      const status = await sandboxStatus(pool);
      expect(status).toMatch(/Layer 1 Sandbox\s*None/);
      expect(status).toContain("You are NOT adequately sandboxed.");
    } finally {
      await pool.close();
    }
  }, 30_000);
});
