import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/src/testing/test-database";
import { fromPgClient } from "./postgres-dump";
import { compareChecksums, formatComparison, tableChecksums } from "./table-checksums";

describe("table checksums", () => {
  let database: TestDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase("checksums");
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query(`CREATE TABLE "Odd ""name"" table" (id int, at timestamptz, label text, ratio float8)`);
    await client.query(`INSERT INTO "Odd ""name"" table" VALUES (2, '2026-11-20 08:30:00.123+00', 'Zoë', 0.1), (1, NULL, NULL, NULL)`);
  });

  afterAll(async () => {
    await client.end();
    await database.drop();
  });

  it("hashes rows independently of their physical order and of the session's TimeZone", async () => {
    const first = await tableChecksums(fromPgClient(client));
    expect(first).toEqual([{ table: 'Odd "name" table', rows: 2, md5: expect.stringMatching(/^[0-9a-f]{32}$/) }]);

    await client.query(`SET TimeZone = 'Asia/Tokyo'`);
    await client.query(`UPDATE "Odd ""name"" table" SET id = id`); // new row versions, new physical order
    expect(await tableChecksums(fromPgClient(client))).toEqual(first);

    await client.query(`UPDATE "Odd ""name"" table" SET label = 'Zoe' WHERE id = 2`);
    expect((await tableChecksums(fromPgClient(client)))[0]!.md5).not.toBe(first[0]!.md5);
  });

  it("names every table that is missing, unexpected or different", () => {
    const expected = [
      { table: "a", rows: 1, md5: "1".repeat(32) },
      { table: "b", rows: 2, md5: "2".repeat(32) },
      { table: "c", rows: 3, md5: "3".repeat(32) },
      { table: "d", rows: 4, md5: "4".repeat(32) },
    ];
    const actual = [
      { table: "a", rows: 1, md5: "1".repeat(32) },
      { table: "b", rows: 1, md5: "2".repeat(32) },
      { table: "c", rows: 3, md5: "f".repeat(32) },
      { table: "e", rows: 0, md5: "0".repeat(32) },
    ];
    const comparison = compareChecksums(expected, actual);
    expect(comparison.map((c) => [c.table, c.status])).toEqual([
      ["a", "ok"],
      ["b", "rows differ"],
      ["c", "content differs"],
      ["d", "missing"],
      ["e", "unexpected"],
    ]);
    expect(formatComparison(comparison).split("\n")[0]).toBe("table  rows in backup  rows restored  result");
  });
});
