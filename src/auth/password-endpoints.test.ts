// The password policy where better-auth sets a password (sign-up, change-password), through its real handler on a
// real Postgres: what a creator or a script posting to /api/auth/* would meet.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDatabase } from "@/src/data";
import { createTestDatabase, type TestDatabase } from "@/src/testing/test-database";
import { useEnvironment } from "@/src/testing/integration-services";
import { getAuth } from "./auth";

let database: TestDatabase;
const ORIGIN = "http://localhost:3000";

beforeAll(async () => {
  database = await createTestDatabase("password_endpoints");
  useEnvironment({ DATABASE_URL: database.url, PUBLIC_APP_URL: ORIGIN });
});
afterAll(async () => {
  await (await getDatabase()).close();
  await database?.drop();
});

let clientAddress = 0;
async function post(path: string, body: unknown, cookie?: string) {
  const auth = await getAuth();
  return auth.handler(
    new Request(`${ORIGIN}/api/auth${path}`, {
      method: "POST",
      // A fresh address per call, so better-auth's own per-address limit does not answer 429 to a long test.
      headers: { "content-type": "application/json", origin: ORIGIN, "x-huntaze-client-ip": `203.0.113.${++clientAddress}`, ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
    }),
  );
}

const cookieOf = (response: Response) => response.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
const codeOf = async (response: Response) => ((await response.json()) as { code?: string }).code;

// From the ranked common-password list: a few of its first 3,000 that are long enough to pass the length rule.
const LISTED = ["basketball", "1q2w3e4r5t", "qwertyuiop", "manchester", "1qaz2wsx3edc", "terminator", "california", "enterprise"];

describe("the password policy on better-auth's endpoints", () => {
  it("refuses a listed password at sign-up", async () => {
    for (const password of LISTED) {
      const response = await post("/sign-up/email", { email: `listed-${password}@example.com`, password, name: "Listed" });
      expect(response.status, password).toBe(400);
      expect(await codeOf(response)).toBe("WEAK_PASSWORD");
    }
  });

  it("refuses a listed or email-built new password on change-password, and accepts a passphrase", async () => {
    const email = `changer-${Date.now()}@example.com`;
    const signUp = await post("/sign-up/email", { email, password: "violet staircase umbrella", name: "Changer" });
    expect(signUp.status).toBe(200);
    const cookie = cookieOf(signUp);

    for (const newPassword of ["basketball", "Password123", `${email.split("@")[0]}!!`]) {
      const refused = await post("/change-password", { currentPassword: "violet staircase umbrella", newPassword }, cookie);
      expect(refused.status, newPassword).toBe(400);
      expect(await codeOf(refused)).toBe("WEAK_PASSWORD");
    }
    // Still the old password: nothing was changed by the refused attempts.
    expect((await post("/sign-in/email", { email, password: "violet staircase umbrella" })).status).toBe(200);

    const changed = await post("/change-password", { currentPassword: "violet staircase umbrella", newPassword: "amber lighthouse orchard" }, cookie);
    expect(changed.status).toBe(200);
    expect((await post("/sign-in/email", { email, password: "amber lighthouse orchard" })).status).toBe(200);
  });
});
