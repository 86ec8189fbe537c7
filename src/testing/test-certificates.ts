// Throw-away certificate authorities for TLS tests, made with Debian's openssl in a temp dir: a CA that signs a
// server certificate for `localhost` only (no IP address in it), and a second, unrelated CA that a client may be
// wrongly given. Nothing here is trusted anywhere else; the files are deleted by `remove()`.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface TestCertificates {
  dir: string;
  /** The CA that signed the server certificate. */
  caFile: string;
  /** A CA that signed nothing the servers present. */
  otherCaFile: string;
  /** Server certificate naming only DNS:localhost, and its key (0600). */
  serverCertFile: string;
  serverKeyFile: string;
  remove(): void;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run("openssl", args, { cwd, timeout: 20_000 });
  } catch (error) {
    const { code, stderr } = error as NodeJS.ErrnoException & { stderr?: string };
    throw new Error(code === "ENOENT" ? "openssl is not installed (Debian: apt-get install openssl)" : `openssl ${args[0]} failed: ${stderr ?? (error as Error).message}`);
  }
}

// P-256 keys: generated in milliseconds, unlike RSA.
const NEW_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

async function selfSignedCa(dir: string, name: string): Promise<string> {
  await openssl(["req", "-x509", ...NEW_KEY, "-keyout", `${name}.key`, "-out", `${name}.crt`, "-days", "2", "-subj", `/CN=Huntaze test ${name}`], dir);
  return join(dir, `${name}.crt`);
}

export async function createTestCertificates(): Promise<TestCertificates> {
  const dir = mkdtempSync(join(tmpdir(), "hz-certs-"));
  try {
    const caFile = await selfSignedCa(dir, "ca");
    const otherCaFile = await selfSignedCa(dir, "other-ca");
    await openssl(["req", ...NEW_KEY, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"], dir);
    writeFileSync(
      join(dir, "server.ext"),
      ["subjectAltName=DNS:localhost", "basicConstraints=CA:FALSE", "keyUsage=digitalSignature,keyEncipherment", "extendedKeyUsage=serverAuth", ""].join("\n"),
    );
    await openssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile", "server.ext"], dir);
    return {
      dir,
      caFile,
      otherCaFile,
      serverCertFile: join(dir, "server.crt"),
      serverKeyFile: join(dir, "server.key"),
      remove: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
