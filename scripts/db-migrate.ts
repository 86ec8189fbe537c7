// npm run db:migrate [-- --dir <migrations dir>]
// Applies every pending SQL migration to DATABASE_URL (or the embedded PGlite directory) under the advisory lock,
// whatever DB_AUTO_MIGRATE says: this is the release step (docs/DATABASE.md). It opens one connection of its own,
// not the app's pool. Prints each migration it applies; on failure, one line on stderr and exit code 1.
import "./load-env";
import { EnvError, getEnv } from "@/src/config";
import { runMigrations } from "@/src/data/migration-runner";

const USAGE = "usage: npm run db:migrate [-- --dir <migrations directory>]";

function parseArgs(argv: string[]): { migrationsDir?: string } {
  if (argv.length === 0) return {};
  if (argv.length === 2 && argv[0] === "--dir" && argv[1]) return { migrationsDir: argv[1] };
  throw new UsageError();
}

class UsageError extends Error {}

function oneLine(error: unknown): string {
  if (error instanceof EnvError) return `invalid environment: ${error.problems.join("; ")}`;
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, " ").trim() || "unknown error";
}

async function main(): Promise<void> {
  const { migrationsDir } = parseArgs(process.argv.slice(2));
  const env = getEnv();
  const run = await runMigrations({ databaseUrl: env.DATABASE_URL, pgliteDir: env.PGLITE_DIR, tlsCa: env.DATABASE_TLS_CA, migrationsDir }, (name) =>
    console.log(`applied ${name}`),
  );
  const summary = run.applied.length ? `${run.applied.length} applied` : "none pending";
  console.log(`migrations: ${summary}, ${run.known.length} in all (${run.kind} ${run.where})`);
}

try {
  await main();
} catch (error) {
  if (error instanceof UsageError) {
    console.error(USAGE);
    process.exitCode = 2;
  } else {
    console.error(`db:migrate failed: ${oneLine(error)}`);
    process.exitCode = 1;
  }
}
