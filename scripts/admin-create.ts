// npm run admin:create -- EMAIL   grants the admin role to an account that has already signed up.
import "./load-env";
import { grantAdminRole } from "@/src/auth";
import { getEnv } from "@/src/config";
import { getDatabase } from "@/src/data";
import { AppError } from "@/src/errors";
import { announceToolTarget } from "@/src/oncall";

const email = process.argv[2];
if (!email || !email.includes("@")) {
  console.error("usage: npm run admin:create -- EMAIL");
  process.exit(2);
}

// Postgres only: the role is a column of the user row, the grant an audit row.
announceToolTarget("admin:create", getEnv(), process.env, { redis: false });
const db = await getDatabase();
try {
  const { alreadyAdmin } = await grantAdminRole(db.prisma, email);
  console.log(alreadyAdmin ? `${email} is already an admin.` : `${email} is now an admin.`);
} catch (error) {
  if (!(error instanceof AppError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
} finally {
  await db.close();
}
