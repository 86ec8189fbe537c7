import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { schemaNames } from "./prisma-names";

const SCHEMA = `
// A comment with model Fake { that is not a block
model User {
  id     String    @id
  email  String    @unique // "quoted" words in a comment
  drafts AiDraft[]
  @@map("user")
}

/// Doc comment
model AiDraft {
  id         String      @id @default(uuid())
  userId     String      @map("user_id")
  user       User        @relation(fields: [userId], references: [id])
  legacyText String?     @map(name: "legacy_text")
  note       String      @default("a // not a comment")
  status     DraftStatus
  tags       String[]
  vector     Unsupported("vector")?
  internal   String?     @ignore
}

model Hidden {
  id String @id
  @@ignore
}

enum DraftStatus {
  ok
  blocked @map("BLOCKED")
  @@map("draft_status")
}
`;

describe("schemaNames", () => {
  const names = schemaNames(SCHEMA);

  it("names each model's table by @@map, or by the model's name", () => {
    expect([...names.tables.keys()].sort()).toEqual(["AiDraft", "user"]);
    expect(names.tables.get("user")!.model).toBe("User");
  });

  it("lists scalar fields' columns by @map and leaves out relation and @ignore'd fields", () => {
    const draft = names.tables.get("AiDraft")!;
    expect([...draft.columns.keys()].sort()).toEqual(["id", "legacy_text", "note", "status", "tags", "user_id", "vector"]);
    expect(draft.columns.get("legacy_text")).toBe("legacyText");
    expect([...draft.optional].sort()).toEqual(["legacy_text", "vector"]);
    expect([...names.tables.get("user")!.columns.keys()]).toEqual(["id", "email"]);
  });

  it("names enums by @@map and their values by @map", () => {
    const status = names.enums.get("draft_status")!;
    expect(status.name).toBe("DraftStatus");
    expect([...status.values.entries()]).toEqual([
      ["ok", "ok"],
      ["BLOCKED", "blocked"],
    ]);
  });

  it("reads the repository's schema: every table its first migration creates", () => {
    const repo = schemaNames(readFileSync("prisma/schema.prisma", "utf8"));
    const created = [...readFileSync("prisma/migrations/20261125142911_init/migration.sql", "utf8").matchAll(/CREATE TABLE "([^"]+)"/g)].map((m) => m[1]);
    expect([...repo.tables.keys()]).toEqual(expect.arrayContaining(created));
    expect(repo.tables.get("user")!.columns.has("emailVerified")).toBe(true);
    expect(repo.tables.get("user")!.columns.has("sessions")).toBe(false);
    expect(repo.enums.has("SocialProvider")).toBe(true);
  });
});
