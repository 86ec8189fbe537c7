// docs/ARCHITECTURE.md's map is the code's map (issue 18): every part of src/ has a row, each part imports only the
// parts its row allows, and no parts import one another in a loop. A newcomer reads the doc first; this keeps it true.
//
// A part is a top-level folder of src/ or a top-level file (errors.ts); a row naming a file inside a folder
// (social/platforms.ts, which imports nothing and every part shares) makes that file a part of its own. Imports are
// read with ts.preProcessFile: static and type-only imports, re-exports and import() alike, by `@/src/` alias or
// relative path. Test files are not importers: a test may import what it proves and src/testing. src/testing itself
// is a part whose row lists what it uses; no other row lists it, so code never imports it.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const MAP_HEADER = /^\|\s*Part\s*\|\s*Owns\s*\|\s*May import\s*\|\s*$/;
const CODE = /\.(ts|tsx)$/;
const TEST = /\.test\.tsx?$/;

interface SourceFile {
  /** Path from the repository root, with `/`: `src/social/index.ts`. */
  path: string;
  text: string;
}

/** One import that crosses parts: `file` (in part `from`) imports `specifier`, which is in part `to`. */
interface CrossImport {
  from: string;
  to: string;
  file: string;
  specifier: string;
}

/** The map's rows, in the doc's order: part name (no backticks, no trailing `/`) and the parts it may import. */
function readMap(markdown: string): Map<string, string[]> {
  const lines = markdown.split("\n");
  const header = lines.findIndex((line) => MAP_HEADER.test(line));
  if (header < 0) throw new Error("no `| Part | Owns | May import |` table in the doc");
  const rows = new Map<string, string[]>();
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith("|")) break;
    const cells = line.split("|").slice(1, -1).map((cell) => cell.trim());
    if (cells.length !== 3) throw new Error(`map row without three cells: ${line}`);
    const [part, , mayImport] = cells as [string, string, string];
    rows.set(partName(part), [...mayImport.matchAll(/`([^`]+)`/g)].map((match) => partName(match[1]!)));
  }
  return rows;
}

const partName = (cell: string) => cell.replaceAll("`", "").trim().replace(/\/$/, "");

/** Every import of one src file by another in a different part. `carved` are the rows that name a file in a folder. */
function crossImports(files: SourceFile[], carved: string[]): CrossImport[] {
  const folders = new Set(files.map((file) => file.path.split("/")).filter((segments) => segments.length > 2).map((segments) => segments[1]));
  const topFiles = files.map((file) => file.path.split("/")).filter((segments) => segments.length === 2).map((segments) => segments[1]!);
  const carvedStems = new Map(carved.map((part) => [part.replace(CODE, ""), part]));

  // `rel` is a path inside src/ without extension (`social/platforms`, `errors`, `data/db`, `data`).
  const partOf = (rel: string): string => {
    const stem = rel.replace(CODE, "").replace(/\/index$/, "");
    const carvedPart = carvedStems.get(stem);
    if (carvedPart) return carvedPart;
    const [first] = stem.split("/") as [string];
    if (folders.has(first)) return first;
    return topFiles.find((name) => name.replace(CODE, "") === first) ?? first;
  };

  return files
    .filter((file) => !TEST.test(file.path))
    .flatMap((file) => {
      const from = partOf(file.path.slice("src/".length));
      return ts.preProcessFile(file.text, true, true).importedFiles.flatMap(({ fileName: specifier }) => {
        const target = specifier.startsWith("@/")
          ? specifier.slice(2)
          : specifier.startsWith(".")
            ? path.posix.join(path.posix.dirname(file.path), specifier)
            : undefined;
        if (!target?.startsWith("src/")) return []; // a package, or outside src/ (app/ and emulators/: eslint.config.mjs)
        const to = partOf(target.slice("src/".length));
        return to === from ? [] : [{ from, to, file: file.path, specifier }];
      });
    });
}

/** The imports that no row allows: an importer without a row, or a part its row does not list. */
function disallowed(imports: CrossImport[], map: Map<string, string[]>): string[] {
  return imports
    .filter(({ from, to }) => !map.get(from)?.includes(to))
    .map(({ from, to, file, specifier }) => `${file} imports "${specifier}": ${from} → ${to}, not in ${from}'s "May import"`);
}

/** One loop in a directed graph, as the parts in order with the first repeated at the end; undefined if none. */
function findCycle(graph: Map<string, Set<string>>): string[] | undefined {
  const done = new Set<string>();
  const onPath: string[] = [];
  const visit = (node: string): string[] | undefined => {
    const loopStart = onPath.indexOf(node);
    if (loopStart >= 0) return [...onPath.slice(loopStart), node];
    if (done.has(node)) return undefined;
    onPath.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    onPath.pop();
    done.add(node);
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Every loop found by breaking one edge of each in turn, each told with a file that makes each of its edges. */
function describeCycles(imports: CrossImport[]): string[] {
  const graph = new Map<string, Set<string>>();
  for (const { from, to } of imports) graph.set(from, (graph.get(from) ?? new Set()).add(to));
  const found: string[] = [];
  for (let cycle = findCycle(graph); cycle; cycle = findCycle(graph)) {
    const edges = cycle.slice(1).map((to, index) => {
      const from = cycle[index]!;
      const example = imports.find((edge) => edge.from === from && edge.to === to)!;
      return `${from} → ${to} (${example.file} imports "${example.specifier}")`;
    });
    found.push(edges.join(", "));
    graph.get(cycle.at(-2)!)!.delete(cycle.at(-1)!);
  }
  return found;
}

function readSources(root: string): SourceFile[] {
  return (readdirSync(path.join(root, "src"), { recursive: true, encoding: "utf8" }) as string[])
    .map((rel) => `src/${rel.split(path.sep).join("/")}`)
    .filter((file) => CODE.test(file))
    .map((file) => ({ path: file, text: readFileSync(path.join(root, file), "utf8") }));
}

const root = process.cwd();
const map = readMap(readFileSync(path.join(root, "docs/ARCHITECTURE.md"), "utf8"));
const sources = readSources(root);
const imports = crossImports(sources, [...map.keys()].filter((part) => part.includes("/")));

describe("docs/ARCHITECTURE.md's map", () => {
  it("has one row for each folder and top-level file of src/, and none for a part that is gone", () => {
    const entries = readdirSync(path.join(root, "src"), { withFileTypes: true });
    const parts = entries.filter((entry) => entry.isDirectory() || (CODE.test(entry.name) && !TEST.test(entry.name))).map((entry) => entry.name);
    const mapped = new Set(map.keys());
    expect(parts.filter((part) => !mapped.has(part)), "parts of src/ missing from the map").toEqual([]);
    const carvedGone = [...mapped].filter((part) => part.includes("/") && !sources.some((file) => file.path === `src/${part}`));
    expect([...mapped].filter((part) => !part.includes("/") && !parts.includes(part)).concat(carvedGone), "rows for parts src/ no longer has").toEqual([]);
  });

  it("allows each part to import only parts listed above it, so the map reads from the leaves up", () => {
    const order = [...map.keys()];
    const outOfOrder = order.flatMap((part, index) =>
      map.get(part)!.filter((allowed) => !order.slice(0, index).includes(allowed)).map((allowed) => `${part} may import ${allowed}, which is not above it`),
    );
    expect(outOfOrder).toEqual([]);
  });

  it("lists every part each part of src/ imports", () => {
    expect(disallowed(imports, map), "imports the map does not allow: change the import, or the row and why").toEqual([]);
  });

  it("matches code whose parts import one another without a loop", () => {
    expect(describeCycles(imports), "parts that import one another").toEqual([]);
  });
});

describe("the map's checks, on planted code", () => {
  const tinyMap = readMap(`| Part | Owns | May import |\n|---|---|---|\n| \`config/\` | env | — |\n| \`data/\` | db | \`config\` |\n`);
  const planted: SourceFile[] = [
    { path: "src/config/env.ts", text: `import { getPrisma } from "../data/db";` },
    { path: "src/config/env.test.ts", text: `import "@/src/testing/test-database";` },
    { path: "src/data/db.ts", text: `import { getEnv } from "@/src/config"; import "./kv"; export { AppError } from "../errors";` },
    { path: "src/errors.ts", text: `export class AppError extends Error {}` },
  ];

  it("reads a tiny map", () => {
    expect(tinyMap).toEqual(new Map([["config", []], ["data", ["config"]]]));
  });

  it("names the file and import a row does not allow, by relative path or alias, and ignores tests", () => {
    expect(disallowed(crossImports(planted, []), tinyMap)).toEqual([
      `src/config/env.ts imports "../data/db": config → data, not in config's "May import"`,
      `src/data/db.ts imports "../errors": data → errors.ts, not in data's "May import"`,
    ]);
  });

  it("finds a planted loop, with a file for each edge, and none in a layered graph", () => {
    expect(describeCycles(crossImports(planted, []))).toEqual([
      `config → data (src/config/env.ts imports "../data/db"), data → config (src/data/db.ts imports "@/src/config")`,
    ]);
    const layered = new Map([["a", new Set<string>()], ["b", new Set(["a"])], ["c", new Set(["a", "b"])]]);
    expect(findCycle(layered)).toBeUndefined();
    const looped = new Map([["d", new Set(["a"])], ["a", new Set(["b"])], ["b", new Set(["c"])], ["c", new Set(["a"])]]);
    expect(findCycle(looped)).toEqual(["a", "b", "c", "a"]);
  });

  it("makes a row naming a file in a folder a part of its own", () => {
    const shared: SourceFile[] = [
      { path: "src/social/platforms.ts", text: `export const PLATFORMS = [];` },
      { path: "src/social/index.ts", text: `export * from "./platforms";` },
      { path: "src/llm/drafts.ts", text: `import { PLATFORMS } from "@/src/social/platforms"; import "../social";` },
    ];
    expect(crossImports(shared, ["social/platforms.ts"]).map(({ from, to }) => `${from} → ${to}`)).toEqual([
      "social → social/platforms.ts",
      "llm → social/platforms.ts",
      "llm → social",
    ]);
  });
});
