// Data owns the Prisma client: the rest of the code names its types from here, never from src/generated/prisma.
// Types only (erased at runtime): importing them loads neither the generated client nor anything Data imports.
export type { Prisma, PrismaClient, SocialConnection } from "@/src/generated/prisma/client";
