import type { SummaryView } from "@/src/analytics";
import { formatFigure } from "./format-figure";
import { PLATFORM_LABELS } from "@/src/social/platforms";

const dayFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });

const NARRATIVE_MISSING = {
  unavailable: "The written summary is unavailable right now (our AI service did not answer). The figures are complete; we will add the text on the next run.",
  blocked: "We held back the written summary because it did not pass our safety checks. The figures are complete.",
} as const;

/** The latest summary: figures always, the narrative when there is one, and why not when there is none. */
export function SummaryCard({ summary }: { summary: SummaryView }) {
  const figures = summary.figures;
  const total = figures?.total;
  return (
    <section className="card" aria-labelledby={`summary-${summary.id}`}>
      <h2 id={`summary-${summary.id}`}>
        Your last {summary.periodDays} days ({dayFormat.format(summary.periodStart)} – {dayFormat.format(summary.periodEnd)})
      </h2>
      {summary.narrative ? <p>{summary.narrative}</p> : <p className="notice">{NARRATIVE_MISSING[summary.narrativeStatus === "blocked" ? "blocked" : "unavailable"]}</p>}
      {total && (
        <dl className="stats">
          <div>
            <dt>Follower growth</dt>
            <dd>{total.followers.growth === null ? "–" : `${total.followers.growth >= 0 ? "+" : ""}${formatFigure(total.followers.growth)}`}</dd>
          </div>
          <div>
            <dt>Post views</dt>
            <dd>{formatFigure(total.postViews)}</dd>
          </div>
          <div>
            <dt>Engagement rate</dt>
            <dd>{total.engagementRatePct === null ? "–" : `${formatFigure(total.engagementRatePct)} %`}</dd>
          </div>
          <div>
            <dt>Posts per week</dt>
            <dd>{formatFigure(total.postsPerWeek)}</dd>
          </div>
        </dl>
      )}
      {total && total.bestPosts.length > 0 && (
        <>
          <h3>Best posts</h3>
          <ol>
            {total.bestPosts.map((post) => (
              <li key={`${post.platform}-${post.id}`}>
                {post.url ? <a href={post.url}>{post.title || "Untitled post"}</a> : post.title || "Untitled post"} — {PLATFORM_LABELS[post.platform]}, {formatFigure(post.views)} views
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
