// The platforms are written down once (platforms.ts): a second list or a second set of display names elsewhere
// would drift the day a platform is added.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { OAUTH_PLATFORMS, PLATFORM_LABELS, PLATFORMS } from "./platforms";

const ROOT = join(import.meta.dirname, "../..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "generated" ? [] : sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

describe("the platforms", () => {
  it("name every platform, and the OAuth ones are among them", () => {
    expect(Object.keys(PLATFORM_LABELS).sort()).toEqual([...PLATFORMS].sort());
    for (const platform of OAUTH_PLATFORMS) expect(PLATFORMS).toContain(platform);
  });

  it("are listed and named in platforms.ts only", () => {
    const list = /\[\s*"(tiktok|instagram|onlyfans)"\s*,\s*"(tiktok|instagram|onlyfans)"/;
    const label = /"(TikTok|Instagram|OnlyFans)"/;
    const offenders = [...sourceFiles(join(ROOT, "src")), ...sourceFiles(join(ROOT, "app"))]
      .filter((path) => !path.endsWith("platforms.ts"))
      .flatMap((path) =>
        readFileSync(path, "utf8")
          .split("\n")
          .flatMap((line, index) => (list.test(line) || label.test(line) ? [`${relative(ROOT, path)}:${index + 1}: ${line.trim()}`] : [])),
      );
    expect(offenders).toEqual([]);
  });
});
