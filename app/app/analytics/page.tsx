import type { Metadata } from "next";
import Link from "next/link";
import { latestSummary, readDashboard, readSyncState, type Dashboard, type OnlyFansDashboard, type PlatformDashboard, type SummaryView, type SyncState } from "@/src/analytics";
import { requireUser } from "@/src/auth";
import { getKeyValueStore, getPrisma } from "@/src/data";
import { moduleLogger } from "@/src/observability";
import { EmptyState } from "@/src/ui/empty-state";
import { PlatformCharts } from "@/src/ui/platform-charts";
import { SummaryCard } from "@/src/ui/summary-card";
import { SyncPanel } from "@/src/ui/sync-panel";
import { formatCents, formatFigure } from "@/src/ui/format-figure";
import { TrendChart } from "@/src/ui/trend-chart";
import { PLATFORM_LABELS } from "@/src/social/platforms";

export const metadata: Metadata = { title: "Analytics" };

const DAYS = 28;
const dayLabel = (date: string) => new Intl.DateTimeFormat("en", { month: "short", day: "numeric", timeZone: "UTC" }).format(new Date(`${date}T00:00:00Z`));
const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });

function PlatformSection({ platform }: { platform: PlatformDashboard }) {
  const name = PLATFORM_LABELS[platform.provider];
  const account = platform.account;
  const latest = platform.series.at(-1);
  return (
    <section className="platform card" aria-labelledby={`platform-${platform.provider}`} data-platform={platform.provider}>
      <h2 id={`platform-${platform.provider}`}>
        {name}
        {platform.username ? ` · @${platform.username}` : ""}
      </h2>
      {platform.status === "needs_attention" && (
        <p className="notice">
          {name} needs to be reconnected before it can sync again: <Link href="/app/connections">go to Connections</Link>.
        </p>
      )}
      {account ? (
        <dl className="stats">
          <div>
            <dt>Followers</dt>
            <dd>{formatFigure(account.followers)}</dd>
          </div>
          <div>
            <dt>Posts</dt>
            <dd>{formatFigure(account.posts)}</dd>
          </div>
          <div>
            <dt>Recent post views</dt>
            <dd>{formatFigure(latest?.views ?? null)}</dd>
          </div>
          <div>
            <dt>Engagement rate</dt>
            <dd>{formatFigure(latest?.engagementRate ?? null, "percent")}</dd>
          </div>
        </dl>
      ) : (
        <p>No figures yet: the first sync of {name} has not finished.</p>
      )}
      {platform.series.length > 0 && <PlatformCharts platform={platform} />}
      {platform.topPosts.length > 0 && (
        <div className="table-scroll" role="region" aria-label={`Top ${name} posts`} tabIndex={0}>
          <table className="data-table">
            <caption className="visually-hidden">Top {name} posts</caption>
            <thead>
              <tr>
                <th scope="col">Top posts</th>
                <th scope="col">Published</th>
                <th scope="col" className="num">
                  Views
                </th>
                <th scope="col" className="num">
                  Likes
                </th>
                <th scope="col" className="num">
                  Comments
                </th>
                <th scope="col" className="num">
                  Engagement
                </th>
              </tr>
            </thead>
            <tbody>
              {platform.topPosts.map((post) => (
                <tr key={post.id}>
                  <th scope="row">{post.url ? <a href={post.url}>{post.title || "Untitled post"}</a> : post.title || "Untitled post"}</th>
                  <td>{dateFormat.format(new Date(post.publishedAt))}</td>
                  <td className="num">{formatFigure(post.views ?? null)}</td>
                  <td className="num">{formatFigure(post.likes)}</td>
                  <td className="num">{formatFigure(post.comments)}</td>
                  <td className="num">{formatFigure(post.engagementRate, "percent")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}


/** OnlyFans is read from its dashboard by the browser worker, not synced by "Sync now". */
function OnlyFansSection({ onlyfans }: { onlyfans: OnlyFansDashboard }) {
  const labels = onlyfans.series.map((p) => dayLabel(p.date));
  const latest = onlyfans.latest;
  return (
    <section className="platform card" aria-labelledby="platform-onlyfans" data-platform="onlyfans">
      <h2 id="platform-onlyfans">OnlyFans</h2>
      {onlyfans.status === "needs_attention" && (
        <p className="notice">
          OnlyFans needs to be reconnected before its figures can update: <Link href="/app/connections">go to Connections</Link>.
        </p>
      )}
      {latest ? (
        <>
          <dl className="stats">
            <div>
              <dt>Earnings, last 30 days</dt>
              <dd data-figure="onlyfans-earnings">{formatCents(latest.earnings30dCents)}</dd>
            </div>
            <div>
              <dt>Subscribers</dt>
              <dd data-figure="onlyfans-subscribers">{formatFigure(latest.subscribers)}</dd>
            </div>
            <div>
              <dt>Unread messages</dt>
              <dd data-figure="onlyfans-messages">{formatFigure(latest.messagesUnread)}</dd>
            </div>
          </dl>
          <p className="hint">Read from your OnlyFans dashboard {dateFormat.format(new Date(latest.capturedAt))} (UTC), a few times a day.</p>
        </>
      ) : (
        <p>No figures yet: Huntaze has not read your OnlyFans dashboard yet.</p>
      )}
      {onlyfans.series.some((p) => p.subscribers !== null) && (
        <div className="grid-2">
          <TrendChart title="OnlyFans subscribers" labels={labels} series={[{ label: "Subscribers", values: onlyfans.series.map((p) => p.subscribers) }]} />
          <TrendChart
            title="OnlyFans earnings, trailing 30 days (USD)"
            kind="bar"
            labels={labels}
            series={[{ label: "Earnings (USD)", values: onlyfans.series.map((p) => (p.earnings30dCents === null ? null : p.earnings30dCents / 100)) }]}
          />
        </div>
      )}
    </section>
  );
}

export default async function AnalyticsPage() {
  const user = await requireUser();
  const deps = { prisma: await getPrisma(), store: getKeyValueStore() };
  let loaded: [Dashboard, SummaryView | null, SyncState];
  try {
    loaded = await Promise.all([readDashboard(deps, user.id, { days: DAYS }), latestSummary(deps.prisma, user.id, 7), readSyncState(deps, user.id)]);
  } catch (error) {
    moduleLogger("analytics").error({ err: error, userId: user.id }, "analytics page could not load");
    return (
      <>
        <h1>Analytics</h1>
        <EmptyState title="Your analytics could not load">
          <p>Something on our side did not answer. Your data is safe; reload the page in a minute.</p>
        </EmptyState>
      </>
    );
  }
  const [dashboard, summary, sync] = loaded;
  return (
    <div className="stack">
      <h1>Analytics</h1>
      {dashboard.platforms.length === 0 && !dashboard.onlyfans ? (
        <EmptyState title="No analytics yet">
          <p>
            Connect TikTok, Instagram or OnlyFans on the <Link href="/app/connections">Connections</Link> page; your figures show here after the first sync.
          </p>
        </EmptyState>
      ) : (
        <>
          {dashboard.platforms.length > 0 && <SyncPanel initial={sync} />}
          {summary && <SummaryCard summary={summary} />}
          {dashboard.platforms.map((platform) => (
            <PlatformSection key={platform.provider} platform={platform} />
          ))}
          {dashboard.onlyfans && <OnlyFansSection onlyfans={dashboard.onlyfans} />}
        </>
      )}
    </div>
  );
}
