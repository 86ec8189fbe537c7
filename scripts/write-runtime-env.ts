// npm run env:runtime -- [--out FILE] [--default NAME=VALUE]... [--force NAME=VALUE]...
// The Amplify build step that hands the server its configuration: Amplify Hosting compute sees only what the build
// writes to .env.production (docs: ssr-environment-variables). Writes every variable the app reads that is set in
// the build's environment, quoted so that Next's loader gives back each value exactly ($, #, quotes, spaces, =),
// then checks that the server will accept that environment: a build that would deploy a server unable to start
// (or one falling back to the embedded defaults on a real host) fails here, naming each problem, never a value.
import { chmodSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { EnvError, ENV_VARIABLE_NAMES, parseEnv, setAppVariables } from "@/src/config";
import { dotenvFile, DotenvValueError } from "@/src/config/dotenv-file";

const { values } = parseArgs({
  options: {
    out: { type: "string", default: ".env.production" },
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

try {
  const variables = { ...assignments(values.default, "default"), ...setAppVariables(), ...assignments(values.force, "force") };
  // NODE_ENV comes from `next start` itself; Next refuses a non-standard one in .env files.
  delete variables.NODE_ENV;
  parseEnv({ ...variables, NODE_ENV: "production" });
  writeFileSync(values.out, dotenvFile(variables), { mode: 0o600 });
  chmodSync(values.out, 0o600);
  console.log(`${values.out}: ${Object.keys(variables).sort().join(", ")}`);
} catch (error) {
  if (error instanceof EnvError || error instanceof DotenvValueError) {
    console.error(`${values.out} not written: the server would not start with this environment.\n${error.message}`);
    process.exit(1);
  }
  throw error;
}
