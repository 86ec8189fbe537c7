import type { Metadata } from "next";
import Link from "next/link";
import { latestSummary, readDashboard } from "@/src/analytics";
import { requireUser } from "@/src/auth";
import { getKeyValueStore, getPrisma } from "@/src/data";
import { moduleLogger } from "@/src/observability";
import { onboardingChecklist } from "@/src/onboarding";
import { EmptyState } from "@/src/ui/empty-state";
import { OnboardingChecklist } from "@/src/ui/onboarding-checklist";
import { SummaryCard } from "@/src/ui/summary-card";
import { formatCents, formatFigure } from "@/src/ui/format-figure";
import { HeadlineChart } from "@/src/ui/platform-charts";

export const metadata: Metadata = { title: "Home" };

export default async function AppHomePage() {
  const user = await requireUser();
  const prisma = await getPrisma();
  const overview = await Promise.all([readDashboard({ prisma, store: getKeyValueStore() }, user.id, { days: 14, topPosts: 0 }), latestSummary(prisma, user.id, 7)]).catch(
    (error: unknown) => {
      moduleLogger("analytics").error({ err: error, userId: user.id }, "home figures could not load");
      return null;
    },
  );
  // The checklist is a help, not the page: if it cannot load, the home page shows without it.
  const checklist = await onboardingChecklist(prisma, user.id).catch((error: unknown) => {
    moduleLogger("onboarding").warn({ err: error, userId: user.id }, "onboarding checklist could not load");
    return null;
  });
  const [dashboard, summary] = overview ?? [null, null];
  return (
    <div className="stack">
      <h1>Welcome, {user.name}</h1>
      {checklist && <OnboardingChecklist checklist={checklist} />}
      {!overview && (
        <p className="form-error" role="alert">
          Your figures could not load just now. Your data is safe; reload the page in a minute.
        </p>
      )}
      {dashboard && dashboard.platforms.length === 0 && !dashboard.onlyfans && (
        <EmptyState title="Nothing to show yet">
          <p>Your followers, views and engagement appear here once an account is connected and its first sync has finished.</p>
          {/* The checklist above already offers this step while it is open. */}
          {!checklist && (
            <p>
              <Link className="button" href="/app/connections">
                Connect an account
              </Link>
            </p>
          )}
        </EmptyState>
      )}
      {summary && <SummaryCard summary={summary} />}
      {dashboard?.onlyfans?.latest && (
        <section aria-labelledby="onlyfans-home-title" className="card stack">
          <h2 id="onlyfans-home-title">OnlyFans</h2>
          <dl className="stats">
            <div>
              <dt>Earnings, last 30 days</dt>
              <dd>{formatCents(dashboard.onlyfans.latest.earnings30dCents)}</dd>
            </div>
            <div>
              <dt>Subscribers</dt>
              <dd>{formatFigure(dashboard.onlyfans.latest.subscribers)}</dd>
            </div>
          </dl>
          <p>
            <Link href="/app/analytics#platform-onlyfans">See OnlyFans trends</Link>
          </p>
        </section>
      )}
      {dashboard && dashboard.platforms.length > 0 && (
        <section aria-labelledby="followers-title" className="stack">
          <h2 id="followers-title">Your accounts, last 14 days</h2>
          <div className="grid-2">
            {dashboard.platforms.map((platform) => (
              <HeadlineChart key={platform.provider} platform={platform} />
            ))}
          </div>
          <p>
            <Link href="/app/analytics">See views, engagement and top posts</Link>
          </p>
        </section>
      )}
    </div>
  );
}
