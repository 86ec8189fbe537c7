// docs/ONCALL.md is followed under pressure, line by line: every command it shows must be one that runs. Each
// `npm run` names a script of package.json; each `npm run ops:aws -- …` line (with its placeholders filled in) is
// accepted by ops:aws's own parser, so a renamed flag or tool fails here rather than at 3 a.m.; every link and
// anchor leads somewhere; and the tool banner and refusal it quotes are the ones the tools print.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { APP_SECRET_KEYS } from "@/infra/lib/app-environment";
import { missingKeyPrefixRefusal, OpsUsageError, planAwsCommand, toolTargetBanner } from "@/src/oncall";

const DOC = "docs/ONCALL.md";
const markdown = readFileSync(DOC, "utf8");
const scripts = Object.keys((JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts);

/** Every command the page shows: the lines of its shell blocks and its inline code that start with `npm run`. */
function commandsOf(text: string): string[] {
  const blocks = [...text.matchAll(/^```sh\n([\s\S]*?)```/gm)].flatMap((m) => m[1]!.split("\n"));
  const inline = [...text.matchAll(/`(npm run [^`]+|[A-Z_]+=… npm run [^`]+)`/g)].map((m) => m[1]!);
  return [...blocks, ...inline]
    .map((line) => line.replace(/\s+#.*$/, "").replace(/^[A-Z_]+=…\s+/, "").trim())
    .filter((line) => line.startsWith("npm run "));
}

// The page's placeholders, filled with values of the right shape.
const PLACEHOLDERS: Array<[RegExp, string]> = [
  [/\bPREVIOUS_SHA\b/g, "89abcdef0123456789abcdef0123456789abcdef"],
  [/\bSHA\b/g, "0123456789abcdef0123456789abcdef01234567"],
  [/\bAPP_ID\b/g, "d1a2b3c4d5e6f7"],
  [/\bDIST_ID\b/g, "E2QWRUHAPOMQZL"],
  [/--job-id N\b/g, "--job-id 41"],
];
const fill = (line: string) => PLACEHOLDERS.reduce((text, [pattern, value]) => text.replace(pattern, value), line);
/** Shell words, with optional parts (`[--paths '/app/*']`) left out and quotes removed. */
const words = (line: string) =>
  line
    .replace(/\s\[[^\]]*\]/g, "")
    .match(/'[^']*'|"[^"]*"|\S+/g)!
    .map((word) => word.replace(/^(['"])(.*)\1$/, "$2"));

const commands = commandsOf(markdown);

describe("docs/ONCALL.md", () => {
  it("names only npm scripts that exist", () => {
    expect(commands.length).toBeGreaterThan(20);
    const named = commands.map((line) => words(line)[line.startsWith("npm run --silent") ? 3 : 2]!);
    expect(named.filter((name) => !scripts.includes(name))).toEqual([]);
  });

  it("shows only ops:aws command lines that ops:aws accepts, its one-off tasks included", () => {
    const opsLines = commands.filter((line) => line.startsWith("npm run ops:aws -- ") && !line.includes("…"));
    // Release, rollback (both web tiers), redeploy, jobs, images, ids, invalidate and the tasks of §3, §4 and §7.
    expect(opsLines.length).toBeGreaterThanOrEqual(20);
    for (const line of opsLines) {
      const argv = words(fill(line)).slice(4);
      let refusal = "";
      try {
        planAwsCommand(argv, { headSha: () => "0123456789abcdef0123456789abcdef01234567" });
      } catch (error) {
        if (!(error instanceof OpsUsageError)) throw error;
        refusal = error.message;
      }
      expect(refusal, line).toBe("");
    }
    const actions = new Set(opsLines.map((line) => words(line)[4]));
    expect([...actions].sort()).toEqual(["ids", "images", "invalidate", "jobs", "redeploy", "release", "rollback", "task"]);
    const tools = new Set(opsLines.filter((line) => words(line)[4] === "task").map((line) => words(line).at(words(line).indexOf("--", 5) + 1)));
    expect([...tools].sort()).toEqual(["admin:create", "dlq", "llm:switch", "onlyfans:switch", "social:refresh", "tokens:rotate"]);
  });

  it("links only to anchors and files that exist", () => {
    // GitHub's heading ids, from the heading's text (a link gives its words): lower case, punctuation but hyphens and
    // underscores dropped, spaces to hyphens.
    const slug = (heading: string) =>
      heading.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1").toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, "").replace(/ /g, "-");
    const anchorsOf = (text: string) => new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!)));
    const broken: string[] = [];
    for (const [, target] of markdown.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^https?:/.test(target!)) continue;
      const [file, anchor] = target!.split("#") as [string, string | undefined];
      let text = markdown;
      if (file) {
        try {
          text = readFileSync(`docs/${file}`, "utf8");
        } catch {
          broken.push(target!);
          continue;
        }
      }
      if (anchor && !anchorsOf(text).has(anchor)) broken.push(target!);
    }
    expect(broken).toEqual([]);
  });

  it("switches off only keys the stage's secret has (a misspelt key would be added, and switch nothing off)", () => {
    const section = markdown.slice(markdown.indexOf("## 4. Kill switches"), markdown.indexOf("## 5. "));
    const assigned = [...section.matchAll(/\.([A-Z][A-Z0-9_]*) = ""/g)].map((m) => m[1]!);
    const tabled = [...section.matchAll(/^\| [A-Z][\w ]+ \| (.+?) \|/gm)].flatMap((m) => [...m[1]!.matchAll(/`([A-Z][A-Z0-9_]*)(\*)?`/g)].map((k) => k[1]! + (k[2] ?? "")));
    expect(assigned.length).toBeGreaterThanOrEqual(2);
    expect(tabled.length).toBeGreaterThanOrEqual(8);
    const known = (key: string) => (key.endsWith("_*") || key.endsWith("*") ? APP_SECRET_KEYS.some((k) => k.startsWith(key.replace(/\*$/, ""))) : (APP_SECRET_KEYS as readonly string[]).includes(key));
    expect([...assigned, ...tabled].filter((key) => !known(key))).toEqual([]);
  });

  it("quotes the banner and the refusal the tools print", () => {
    const prod = {
      PUBLIC_APP_URL: "https://app.huntaze.com",
      // secretlint-disable-next-line -- a made-up password: the banner must never print it
      DATABASE_URL: "postgresql://huntaze_app:s3cret@huntaze-prod.xxxx.us-east-1.rds.amazonaws.com:5432/huntaze?sslmode=verify-full",
      PGLITE_DIR: ".data/pglite",
      REDIS_URL: "rediss://:token@master.huntaze-prod.xxxx.use1.cache.amazonaws.com:6379",
      REDIS_KEY_PREFIX: "huntaze:prod:",
    };
    expect(markdown).toContain(`\`${toolTargetBanner(prod, { REDIS_KEY_PREFIX: "huntaze:prod:" })}\``);
    const refusal = missingKeyPrefixRefusal("llm:switch", { ...prod, REDIS_KEY_PREFIX: "hz:" }, {})!;
    expect(refusal).toMatch(/^llm:switch refused: REDIS_KEY_PREFIX is not set.*Nothing was changed\.$/);
    expect(markdown).toContain("refused: REDIS_KEY_PREFIX is not set … Nothing was changed.");
  });
});
