export { childProcessEnv, getEnv, parseEnv, readCurrentEnv, isLoopbackHostname, EnvError, type Env } from "./env";
