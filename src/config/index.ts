export { getEnv, parseEnv, EnvError, type Env } from "./env";
