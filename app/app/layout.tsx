import Link from "next/link";
import type { ReactNode } from "react";
import { requireUser } from "@/src/auth";
import { AppNav } from "@/src/ui/app-nav";
import { SignOutButton } from "@/src/ui/sign-out-button";

export const dynamic = "force-dynamic";

export default async function AppLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  return (
    <div className="shell">
      <aside className="sidebar">
        <Link className="brand" href="/app">
          Huntaze
        </Link>
        <AppNav />
        <div className="account">
          <span>
            Signed in as <strong>{user.name}</strong>
          </span>
          <SignOutButton />
        </div>
      </aside>
      <main id="main" tabIndex={-1} className="main">
        {children}
      </main>
    </div>
  );
}
