import type { Metadata } from "next";
import { EmptyState } from "@/src/ui/empty-state";

export const metadata: Metadata = { title: "Connections" };

export default function ConnectionsPage() {
  return (
    <>
      <h1>Connections</h1>
      <EmptyState title="No accounts connected">
        <p>Connecting TikTok, Instagram and OnlyFans is not available yet. When it is, you will connect each account here and can disconnect it at any time.</p>
      </EmptyState>
    </>
  );
}
