import type { Metadata } from "next";
import { EmptyState } from "@/src/ui/empty-state";

export const metadata: Metadata = { title: "Analytics" };

export default function AnalyticsPage() {
  return (
    <>
      <h1>Analytics</h1>
      <EmptyState title="No analytics yet">
        <p>Followers, views and engagement will show here after your first connected account has synced.</p>
      </EmptyState>
    </>
  );
}
