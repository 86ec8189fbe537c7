export { getEnv, parseEnv, readCurrentEnv, EnvError, type Env } from "./env";
