// npm run env:runtime -- [--out FILE] [--secret-json FILE|-] [--commit SHA] [--default NAME=VALUE]... [--force NAME=VALUE]...
// The Amplify build step that hands the server its configuration: Amplify Hosting compute sees only what the build
// writes to .env.production (docs: ssr-environment-variables). Writes every variable the app reads that is set in
// the build's environment, quoted so that Next's loader gives back each value exactly ($, #, quotes, spaces, =),
// then checks that the server will accept that environment: a build that would deploy a server unable to start
// (or one falling back to the embedded defaults on a real host) fails here, naming each problem, never a value.
// --secret-json reads the stage's app secret (a JSON object of variable names, as Secrets Manager returns it; `-` is
// stdin, so amplify.yml pipes `aws secretsmanager get-secret-value` in and the value never sits in a file or in the
// console). A name both in the secret and in the build's environment fails: one source per value.
// --commit records the commit being built as APP_COMMIT (/api/health reports it): amplify.yml passes Amplify's
// AWS_COMMIT_ID, which is the literal "HEAD" on a manual rebuild, so anything but a commit id falls back to
// `git rev-parse HEAD` in the build's checkout; without either APP_COMMIT is left out and health says "unknown".
import { execFileSync } from "node:child_process";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { z } from "zod";
import { EnvError, ENV_VARIABLE_NAMES, parseEnv, setAppVariables } from "@/src/config";
import { dotenvFile, DotenvValueError } from "@/src/config/dotenv-file";

const { values } = parseArgs({
  options: {
    out: { type: "string", default: ".env.production" },
    "secret-json": { type: "string" },
    commit: { type: "string" },
    default: { type: "string", multiple: true, default: [] },
    force: { type: "string", multiple: true, default: [] },
  },
});

function assignments(list: string[], flag: string): Record<string, string> {
  return Object.fromEntries(
    list.map((item) => {
      const at = item.indexOf("=");
      const name = item.slice(0, at);
      if (at < 1 || !ENV_VARIABLE_NAMES.includes(name)) throw new Error(`--${flag} ${name || item}: not a variable the app reads`);
      return [name, item.slice(at + 1)];
    }),
  );
}

class SecretJsonError extends Error {}

/** The app secret's variables; its values are never echoed, only names and what is wrong. */
function secretVariables(source: string | undefined, buildVariables: Record<string, string>): Record<string, string> {
  if (source === undefined) return {};
  const text = readFileSync(source === "-" ? 0 : source, "utf8").trim();
  if (!text) throw new SecretJsonError("--secret-json: the secret is empty (is APP_SECRET_ID the stage's secret, and may the build role read it?)");
  const parsed = z.record(z.string(), z.string()).safeParse(parseJsonOrUndefined(text));
  if (!parsed.success) throw new SecretJsonError("--secret-json: not a JSON object of string values (Secrets Manager: key/value secret)");
  const unknown = Object.keys(parsed.data).filter((name) => !ENV_VARIABLE_NAMES.includes(name));
  if (unknown.length) throw new SecretJsonError(`--secret-json: ${unknown.join(", ")}: not variables the app reads`);
  const twice = Object.keys(parsed.data).filter((name) => Object.hasOwn(buildVariables, name));
  if (twice.length) throw new SecretJsonError(`--secret-json: ${twice.join(", ")}: set both in the secret and in the build's environment; remove them from the environment`);
  return parsed.data;
}

const COMMIT_ID = /^[0-9a-f]{7,64}$/i;

/** APP_COMMIT from --commit: the given id, else the checkout's HEAD, else nothing. */
function commitVariable(given: string | undefined): Record<string, string> {
  if (given === undefined) return {};
  if (COMMIT_ID.test(given)) return { APP_COMMIT: given.toLowerCase() };
  try {
    const head = execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    return COMMIT_ID.test(head) ? { APP_COMMIT: head } : {};
  } catch {
    return {};
  }
}

function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

try {
  const buildVariables = setAppVariables();
  const variables = { ...assignments(values.default, "default"), ...buildVariables, ...secretVariables(values["secret-json"], buildVariables), ...commitVariable(values.commit), ...assignments(values.force, "force") };
  // NODE_ENV comes from `next start` itself; Next refuses a non-standard one in .env files.
  delete variables.NODE_ENV;
  parseEnv({ ...variables, NODE_ENV: "production" });
  writeFileSync(values.out, dotenvFile(variables), { mode: 0o600 });
  chmodSync(values.out, 0o600);
  console.log(`${values.out}: ${Object.keys(variables).sort().join(", ")}`);
} catch (error) {
  if (error instanceof EnvError || error instanceof DotenvValueError || error instanceof SecretJsonError) {
    console.error(`${values.out} not written: the server would not start with this environment.\n${error.message}`);
    process.exit(1);
  }
  throw error;
}
