// Stands in for CloudFront in front of the app: HTTPS on 443 with a throw-away certificate, and plain
// HTTP on 80 that redirects to HTTPS (CloudFront's "redirect-to-https" viewer policy). Used to grade the
// real app with the MDN HTTP Observatory, which only scans default ports and "/".
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TlsFront {
  certificatePath: string;
  /** Which app path a request for "/" is served from, so each page can be graded as the home page. */
  serveRootFrom(path: string): void;
  close(): Promise<void>;
}

export async function startTlsFront(appPort: number): Promise<TlsFront> {
  const dir = mkdtempSync(join(tmpdir(), "hz-tls-"));
  const key = join(dir, "key.pem");
  const cert = join(dir, "cert.pem");
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
  ], { stdio: "ignore" });

  let rootPath = "/";
  const secure = https.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    const upstream = http.request(
      {
        host: "127.0.0.1",
        port: appPort,
        method: req.method,
        path: req.url === "/" ? rootPath : req.url,
        headers: { ...req.headers, "x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.10" },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  const plain = http.createServer((req, res) => {
    res.writeHead(301, { Location: `https://localhost${req.url ?? "/"}` }).end();
  });
  await Promise.all([
    new Promise<void>((resolve, reject) => secure.once("error", reject).listen(443, "127.0.0.1", resolve)),
    new Promise<void>((resolve, reject) => plain.once("error", reject).listen(80, "127.0.0.1", resolve)),
  ]);
  return {
    certificatePath: cert,
    serveRootFrom: (path) => {
      rootPath = path;
    },
    close: async () => {
      await Promise.all([new Promise((r) => secure.close(r)), new Promise((r) => plain.close(r))]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
