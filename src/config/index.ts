export { childProcessEnv, getEnv, parseEnv, readCurrentEnv, isLoopbackHostname, isLocalHostname, REQUIRED_OFF_LOCAL, ENV_VARIABLE_NAMES, setAppVariables, EnvError, type Env } from "./env";
