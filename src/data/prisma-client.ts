// The Prisma client constructor, for the few tests that open a client on a URL of their own. Not re-exported by
// the barrel: the app opens its client through getDatabase(), which loads the generated client only on first use.
export { PrismaClient } from "@/src/generated/prisma/client";
