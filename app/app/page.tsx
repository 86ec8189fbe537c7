import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/src/auth";
import { EmptyState } from "@/src/ui/empty-state";

export const metadata: Metadata = { title: "Home" };

export default async function AppHomePage() {
  const user = await requireUser();
  return (
    <>
      <h1>Welcome, {user.name}</h1>
      <EmptyState title="Nothing to show yet">
        <p>
          Your numbers appear here once an account is connected. Start on the <Link href="/app/connections">Connections</Link> page.
        </p>
      </EmptyState>
    </>
  );
}
