import { execFile } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childProcessEnv } from "@/src/config";
import { startPrivatePostgres, type PrivatePostgres } from "@/src/testing/private-postgres";
import { createTestCertificates, type TestCertificates } from "@/src/testing/test-certificates";
import { openDatabase, STATEMENT_TIMEOUT_MS, type Database } from "./db";
import { libpqTls, loadCaSetting, postgresConnection } from "./tls";

const run = promisify(execFile);
let certs: TestCertificates;
let server: PrivatePostgres;
const open: Database[] = [];

beforeAll(async () => {
  certs = await createTestCertificates();
  server = await startPrivatePostgres("pg-tls", { tls: { certFile: certs.serverCertFile, keyFile: certs.serverKeyFile } });
});

afterAll(async () => {
  await Promise.all(open.map((db) => db.close()));
  await server?.stop();
  certs?.remove();
});

/** The server's `postgres` database by `host`, asking for `sslmode` (and more parameters, if any). */
const urlOf = (host: string, query: string) => `postgresql://postgres@${host}:${server.port}/postgres?${query}`;

async function connect(url: string, tlsCa: string, autoMigrate = false, statementTimeoutMs?: number): Promise<Database> {
  const db = await openDatabase({ databaseUrl: url, pgliteDir: "", autoMigrate, poolMax: 1, tlsCa, statementTimeoutMs });
  open.push(db);
  return db;
}

async function sessionIsTls(db: Database): Promise<boolean> {
  const rows = await db.prisma.$queryRawUnsafe<Array<{ ssl: boolean }>>("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
  return rows[0]!.ssl;
}

describe("Postgres over verified TLS", () => {
  it("connects with sslmode=verify-full when the certificate chains to DATABASE_TLS_CA and names the host, migrations included", async () => {
    const db = await connect(urlOf("localhost", "sslmode=verify-full"), certs.caFile, true);
    expect(await sessionIsTls(db)).toBe(true);
    // The app's pooled sessions carry the server-side limits; the migration connection (already used) did not fail.
    const [limits] = await db.prisma.$queryRawUnsafe<Array<{ statement: string; idle: string }>>(
      "SELECT current_setting('statement_timeout') AS statement, current_setting('idle_in_transaction_session_timeout') AS idle",
    );
    expect(limits).toEqual({ statement: `${STATEMENT_TIMEOUT_MS / 1000}s`, idle: `${STATEMENT_TIMEOUT_MS / 1000}s` });
  });

  it("has the server cancel a pooled query that outlives the statement timeout", async () => {
    const db = await connect(urlOf("localhost", "sslmode=verify-full"), certs.caFile, false, 200);
    await expect(db.prisma.$queryRawUnsafe("SELECT pg_sleep(5)")).rejects.toThrow(/statement timeout/);
    expect(await sessionIsTls(db)).toBe(true);
  });

  it("refuses a server whose certificate another CA signed", async () => {
    await expect(connect(urlOf("localhost", "sslmode=verify-full"), certs.otherCaFile, true)).rejects.toThrow(
      `the database server's certificate was refused (unable to verify the first certificate): it does not chain to the CA that DATABASE_TLS_CA (${certs.otherCaFile}) or the URL's sslrootcert names`,
    );
    const db = await connect(urlOf("localhost", "sslmode=verify-full"), certs.otherCaFile);
    await expect(db.ping()).rejects.toThrow(/unable to (verify|get local issuer)/);
  });

  it("refuses verify-full to an address the certificate does not name, and accepts it with verify-ca", async () => {
    await expect(connect(urlOf("127.0.0.1", "sslmode=verify-full"), certs.caFile, true)).rejects.toThrow(/does not name the host in DATABASE_URL/);
    const full = await connect(urlOf("127.0.0.1", "sslmode=verify-full"), certs.caFile);
    await expect(full.ping()).rejects.toThrow(/IP: 127\.0\.0\.1 is not in the cert's list/);
    const caOnly = await connect(urlOf("127.0.0.1", "sslmode=verify-ca"), certs.caFile);
    expect(await sessionIsTls(caOnly)).toBe(true);
    // verify-ca still checks the chain.
    const wrongCa = await connect(urlOf("127.0.0.1", "sslmode=verify-ca"), certs.otherCaFile);
    await expect(wrongCa.ping()).rejects.toThrow(/unable to (verify|get local issuer)/);
  });

  it("prefers the URL's own sslrootcert to DATABASE_TLS_CA, as libpq does", async () => {
    const db = await connect(urlOf("localhost", `sslmode=verify-full&sslrootcert=${encodeURIComponent(certs.caFile)}`), certs.otherCaFile);
    expect(await sessionIsTls(db)).toBe(true);
  });

  it("leaves a URL without sslmode as it was: a plain connection", async () => {
    const db = await connect(urlOf("127.0.0.1", "application_name=plain"), certs.otherCaFile);
    expect(await sessionIsTls(db)).toBe(false);
    expect(await postgresConnection(urlOf("127.0.0.1", "sslmode=disable"), "rds")).toEqual({ connectionString: urlOf("127.0.0.1", "sslmode=disable") });
  });

  it("names DATABASE_TLS_CA and the path when the CA file cannot be read", async () => {
    await expect(postgresConnection(urlOf("localhost", "sslmode=verify-full"), `${certs.dir}/missing.pem`)).rejects.toThrow(`DATABASE_TLS_CA: cannot read the CA file ${certs.dir}/missing.pem (ENOENT)`);
    await expect(postgresConnection(urlOf("localhost", "sslmode=verify-full"), certs.serverKeyFile)).rejects.toThrow("holds no PEM certificate");
  });
});

describe("the RDS bundle (DATABASE_TLS_CA=rds)", () => {
  it("loads Amazon RDS's CA certificates and hands them to the driver, without the libpq parameters in the URL", async () => {
    const bundle = await loadCaSetting("rds", "DATABASE_TLS_CA");
    expect(Array.isArray(bundle) && bundle.length).toBeGreaterThan(10);
    for (const pem of bundle as string[]) expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/);
    const connection = await postgresConnection("postgresql://app:pw@db.example.eu-west-1.rds.amazonaws.com:5432/huntaze?sslmode=verify-full&application_name=web", "rds");
    expect(connection.connectionString).toBe("postgresql://app:pw@db.example.eu-west-1.rds.amazonaws.com:5432/huntaze?application_name=web");
    expect(connection.ssl).toMatchObject({ rejectUnauthorized: true, ca: bundle });
    expect(connection.ssl?.checkServerIdentity).toBeUndefined();
  });
});

describe("libpq children (pg_dump, pg_restore)", () => {
  const psql = (url: string, env: Record<string, string>) =>
    run("psql", [url, "-AtXc", "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"], { env: childProcessEnv({ ...env, PGCONNECT_TIMEOUT: "5" }), timeout: 10_000 });

  it("verify the server against DATABASE_TLS_CA through a private PGSSLROOTCERT file, removed afterwards", async () => {
    const tls = await libpqTls(urlOf("localhost", "sslmode=verify-full"), certs.caFile);
    const file = tls.env.PGSSLROOTCERT!;
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((await psql(tls.url, tls.env)).stdout.trim()).toBe("t");
    tls.cleanup();
    expect(existsSync(file)).toBe(false);

    const wrong = await libpqTls(urlOf("localhost", "sslmode=verify-full"), certs.otherCaFile);
    try {
      await expect(psql(wrong.url, wrong.env)).rejects.toThrow(/certificate verify failed/);
    } finally {
      wrong.cleanup();
    }
  });

  it("leave the URL's own sslrootcert, and a URL that asks for no verification, to libpq", async () => {
    const own = urlOf("localhost", `sslmode=verify-full&sslrootcert=${encodeURIComponent(certs.caFile)}`);
    expect(await libpqTls(own, "rds")).toMatchObject({ url: own, env: {} });
    expect(await libpqTls(urlOf("localhost", "sslmode=disable&uselibpqcompat=true"), "rds")).toMatchObject({ url: urlOf("localhost", "sslmode=disable"), env: {} });
  });
});
