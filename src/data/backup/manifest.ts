// manifest.json: what a backup holds and how to check it is intact. Written last, so a directory without one
// is an unfinished backup.
import { createHash } from "node:crypto";
import { createReadStream, existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { AppError } from "@/src/errors";

export const MANIFEST_FILE = "manifest.json";
export const POSTGRES_DUMP_FILE = "postgres.dump" as const;
export const PGLITE_ARCHIVE_FILE = "pglite.tar.gz" as const;
export const REDIS_SNAPSHOT_FILE = "redis.json";

const tableSchema = z.object({ table: z.string(), rows: z.number().int().min(0), md5: z.string().regex(/^[0-9a-f]{32}$/) });

const manifestSchema = z.object({
  format: z.literal(1),
  createdAt: z.iso.datetime(),
  appVersion: z.string(),
  database: z.object({
    kind: z.enum(["postgres", "pglite"]),
    serverVersion: z.string(),
    file: z.enum([POSTGRES_DUMP_FILE, PGLITE_ARCHIVE_FILE]),
    tables: z.array(tableSchema),
  }),
  redis: z.discriminatedUnion("included", [
    z.object({ included: z.literal(true), keyPrefix: z.string(), keys: z.number().int().min(0), keep: z.array(z.string()), skip: z.array(z.string()) }),
    z.object({ included: z.literal(false), reason: z.string() }),
  ]),
  files: z.array(z.object({ name: z.string().regex(/^[\w.-]+$/), bytes: z.number().int().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/) })),
});

export type BackupManifest = z.infer<typeof manifestSchema>;
export type ManifestFile = BackupManifest["files"][number];

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

export async function describeFile(dir: string, name: string): Promise<ManifestFile> {
  const path = join(dir, name);
  return { name, bytes: statSync(path).size, sha256: await sha256OfFile(path) };
}

export function readManifest(dir: string): BackupManifest {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) {
    throw new AppError("backup_invalid", 422, `${dir} has no ${MANIFEST_FILE}: not a backup, or one that did not finish`);
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    throw new AppError("backup_invalid", 422, `${path} is not valid JSON`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError("backup_invalid", 422, `${path} is not a backup manifest (${issue.path.join(".")}: ${issue.message})`);
  }
  return parsed.data;
}

/** Refuses (code `backup_tampered`) when a listed file is missing or its size or sha256 differs. */
export async function verifyManifestFiles(dir: string, manifest: BackupManifest): Promise<void> {
  const listed = new Set(manifest.files.map((f) => f.name));
  const required = [manifest.database.file, ...(manifest.redis.included ? [REDIS_SNAPSHOT_FILE] : [])];
  const problems = required.filter((name) => !listed.has(name)).map((name) => `${name}: not listed in the manifest`);
  for (const file of manifest.files) {
    const path = join(dir, file.name);
    if (!existsSync(path)) problems.push(`${file.name}: missing`);
    else if (statSync(path).size !== file.bytes) problems.push(`${file.name}: ${statSync(path).size} bytes, the manifest says ${file.bytes}`);
    else if ((await sha256OfFile(path)) !== file.sha256) problems.push(`${file.name}: sha256 differs from the manifest`);
  }
  if (problems.length) {
    throw new AppError("backup_tampered", 422, `the backup in ${dir} does not match its manifest, nothing was restored:\n  - ${problems.join("\n  - ")}`);
  }
}
