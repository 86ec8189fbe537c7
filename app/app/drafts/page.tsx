import type { Metadata } from "next";
import { EmptyState } from "@/src/ui/empty-state";

export const metadata: Metadata = { title: "Drafts" };

export default function DraftsPage() {
  return (
    <>
      <h1>Drafts</h1>
      <EmptyState title="No drafts yet">
        <p>AI drafting of captions and messages is not available yet. Your drafts and their history will be listed here.</p>
      </EmptyState>
    </>
  );
}
