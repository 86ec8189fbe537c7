import type { Metadata } from "next";
import { EmptyState } from "@/src/ui/empty-state";

export const metadata: Metadata = { title: "Privacy" };

export default function PrivacyPage() {
  return (
    <>
      <h1>Privacy</h1>
      <EmptyState title="Export and deletion are coming">
        <p>You will be able to download everything Huntaze holds about you, or delete your account, from this page. Until then, contact support and we will do it for you.</p>
      </EmptyState>
    </>
  );
}
