// `npm test` on a fresh machine: scripts/ensure-test-tools.sh installs Debian's Chromium, promtool and amtool when they
// are missing and it may (root, or passwordless sudo), saying so in one line; refuses in one line naming what is
// missing and the command that installs it when it may not; and touches nothing when all is there. It runs here as a
// child process whose PATH holds only stand-ins: `id`, `sudo`, `apt-get` and `service` that record their arguments (the
// fake apt-get "installs" by creating the tool), so nothing is installed on this machine.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const script = path.join(import.meta.dirname, "ensure-test-tools.sh");

interface Machine {
  /** The user the script runs as: root, a user with passwordless sudo, or one whose sudo asks for a password. */
  user: "root" | "sudoer" | "password-sudo";
  /** What is already installed. */
  present: Array<"chromium" | "promtool" | "amtool">;
  aptGet?: boolean;
  /** Whether `service prometheus status` finds the daemon running after the install. */
  daemonsStarted?: boolean;
}

let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

function standIn(bin: string, name: string, body: string): void {
  const file = path.join(bin, name);
  writeFileSync(file, `#!/bin/bash\nprintf '%s\\n' "${name} $*" >> "$CALLS"\n${body}\n`);
  chmodSync(file, 0o755);
}

function run(machine: Machine) {
  const dir = mkdtempSync(path.join(tmpdir(), "ensure-test-tools-"));
  dirs.push(dir);
  const bin = path.join(dir, "bin");
  const chromium = path.join(dir, "usr-bin-chromium");
  const calls = path.join(dir, "calls.log");
  mkdirSync(bin);
  writeFileSync(calls, "");
  const tool = (file: string) => `printf '#!/bin/bash\\n' > "${file}" && /bin/chmod +x "${file}"`;
  for (const name of machine.present) {
    if (name === "chromium") writeFileSync(chromium, "#!/bin/bash\n", { mode: 0o755 });
    else standIn(bin, name, "");
  }
  standIn(bin, "id", `[ "$1" = -u ] && echo ${machine.user === "root" ? 0 : 1000}`);
  standIn(bin, "sudo", `[ "$*" = "-n true" ] && exit ${machine.user === "sudoer" ? 0 : 1}\n[ "$1" = -n ] && shift\nexec "$@"`);
  // The real `env`: the script sets DEBIAN_FRONTEND through it, which the fake apt-get records.
  symlinkSync("/usr/bin/env", path.join(bin, "env"));
  if (machine.aptGet !== false) {
    standIn(
      bin,
      "apt-get",
      `printf '%s\\n' "  with DEBIAN_FRONTEND=$DEBIAN_FRONTEND" >> "$CALLS"
      for arg; do case $arg in
        chromium) ${tool(chromium)} ;;
        prometheus) ${tool(path.join(bin, "promtool"))} ;;
        prometheus-alertmanager) ${tool(path.join(bin, "amtool"))} ;;
      esac; done`,
    );
  }
  standIn(bin, "service", `[ "$2" = status ] && exit ${machine.daemonsStarted ? 0 : 3}; exit 0`);

  const result = spawnSync("/bin/bash", ["--norc", script], {
    env: { PATH: bin, HOME: dir, CALLS: calls, CHROMIUM_PATH: chromium, NODE_ENV: "test" },
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
    timeout: 10_000,
  });
  return {
    code: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    calls: readFileSync(calls, "utf8").trim().split("\n").filter(Boolean),
    chromium,
    installed: () => existsSync(chromium) && existsSync(path.join(bin, "promtool")) && existsSync(path.join(bin, "amtool")),
  };
}

describe("ensure-test-tools.sh", () => {
  it("only looks when Chromium, promtool and amtool are all there: no apt-get, no sudo, no output", () => {
    const result = run({ user: "sudoer", present: ["chromium", "promtool", "amtool"] });
    expect(result).toMatchObject({ code: 0, stdout: "", stderr: "", calls: [] });
  });

  it("as root installs all three with apt-get in one line of output, and stops the daemons the packages started", () => {
    const result = run({ user: "root", present: [], daemonsStarted: true });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe(
      `The tests need ${result.chromium}, promtool and amtool: installing Debian's chromium, prometheus and ` +
        "prometheus-alertmanager with apt-get.\n",
    );
    expect(result.calls).toEqual([
      "id -u",
      "apt-get update -qq",
      "  with DEBIAN_FRONTEND=noninteractive",
      "apt-get install -y -qq chromium",
      "  with DEBIAN_FRONTEND=noninteractive",
      "apt-get install -y -qq --no-install-recommends prometheus prometheus-alertmanager",
      "  with DEBIAN_FRONTEND=noninteractive",
      "service prometheus status",
      "service prometheus stop",
      "service prometheus-alertmanager status",
      "service prometheus-alertmanager stop",
    ]);
    expect(result.installed()).toBe(true);
  });

  it("with passwordless sudo installs only what is missing, through sudo, and leaves stopped daemons alone", () => {
    const result = run({ user: "sudoer", present: ["chromium", "promtool"] });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("The tests need amtool: installing Debian's prometheus-alertmanager with apt-get.\n");
    expect(result.calls).toEqual([
      "id -u",
      "sudo -n true",
      "sudo -n env DEBIAN_FRONTEND=noninteractive apt-get update -qq",
      "apt-get update -qq",
      "  with DEBIAN_FRONTEND=noninteractive",
      "sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus-alertmanager",
      "apt-get install -y -qq --no-install-recommends prometheus-alertmanager",
      "  with DEBIAN_FRONTEND=noninteractive",
      "sudo -n service prometheus-alertmanager status",
      "service prometheus-alertmanager status",
    ]);
    expect(result.installed()).toBe(true);
  });

  it("refuses at once in one line, naming what is missing and the command, when sudo asks for a password", () => {
    const result = run({ user: "password-sudo", present: ["promtool", "amtool"] });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      `The tests need ${result.chromium}, missing here, and installing them needs root or passwordless sudo. ` +
        "Install with: sudo apt-get install -y chromium\n",
    );
    expect(result.calls).toEqual(["id -u", "sudo -n true"]);
  });

  it("refuses in one line when there is no apt-get, giving both install commands when all three are missing", () => {
    const result = run({ user: "root", present: [], aptGet: false });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `The tests need ${result.chromium}, promtool and amtool, missing here, and there is no apt-get to install them. ` +
        "Install with: sudo apt-get install -y chromium && " +
        "sudo apt-get install -y --no-install-recommends prometheus prometheus-alertmanager\n",
    );
    expect(result.calls).toEqual([]);
  });
});
