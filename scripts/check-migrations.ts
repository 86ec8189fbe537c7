// npm run db:check-migrations [-- --root <repository>]
// The expand/contract check (docs/DATABASE.md): refuses a migration that drops, renames or retypes a table, column or
// enum the previous release still uses, unless its first line is "-- huntaze:contract". CI runs the same check as
// src/data/migration-check/repository.test.ts. Exit code 1 when a migration is refused, 2 on a usage error.
import { checkRepositoryMigrations, formatVerdicts } from "@/src/data/migration-check";

const USAGE = "usage: npm run db:check-migrations [-- --root <repository directory>]";

function parseRoot(argv: string[]): string | undefined {
  if (argv.length === 0) return process.cwd();
  if (argv.length === 2 && argv[0] === "--root" && argv[1]) return argv[1];
  return undefined;
}

const root = parseRoot(process.argv.slice(2));
if (!root) {
  console.error(USAGE);
  process.exitCode = 2;
} else {
  try {
    const report = formatVerdicts(await checkRepositoryMigrations({ root }));
    console.log(report.text);
    process.exitCode = report.ok ? 0 : 1;
  } catch (error) {
    console.error(`db:check-migrations failed: ${(error as Error).message.replace(/\s*\n\s*/g, " ")}`);
    process.exitCode = 1;
  }
}
