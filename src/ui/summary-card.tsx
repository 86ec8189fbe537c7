// The latest summary: figures always, the narrative when there is one, and why not when there is none. On day one
// follower growth needs a count observed at the period's start, so Instagram's backfilled new followers stand in,
// and the figures not known yet (or never given by the platform) are said in sentences rather than left as "–".
import type { SummaryFigures, SummaryView } from "@/src/analytics";
import { formatFigure } from "./format-figure";
import { PLATFORM_LABELS } from "@/src/social/platforms";

type Unavailable = SummaryFigures["unavailable"][number];

const dayFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });

const NARRATIVE_MISSING = {
  unavailable: "The written summary is unavailable right now (our AI service did not answer). The figures are complete; we will add the text on the next run.",
  blocked: "We held back the written summary because it did not pass our safety checks. The figures are complete.",
} as const;

const FIGURE_WORDS: Record<Unavailable["figure"], string> = {
  followerGrowth: "follower growth",
  newFollowers: "new followers",
  postViews: "views of posts",
  accountViews: "account views",
};

function why({ platform, figure, reason }: Unavailable): string {
  const name = PLATFORM_LABELS[platform];
  if (reason === "vendor_does_not_provide") return figure === "newFollowers" ? `${name} gives current follower counts only` : `${name} does not give them`;
  if (reason === "vendor_lag") return `${name} reports them up to 48 h late`;
  if (figure === "followerGrowth") return "it needs a follower count observed at the start of the period";
  if (figure === "newFollowers") return `${name}'s daily series has not arrived yet`;
  return "not read yet";
}

/** "Instagram views of posts (Instagram reports them up to 48 h late); …" */
const sentence = (entries: Unavailable[]) => entries.map((entry) => `${PLATFORM_LABELS[entry.platform]} ${FIGURE_WORDS[entry.figure]} (${why(entry)})`).join("; ");

function FollowerFigure({ total, platforms }: { total: SummaryFigures["total"]; platforms: SummaryFigures["platforms"] }) {
  const growth = total.followers.growth;
  const newFollowers = total.newFollowers;
  if (growth === null && newFollowers) {
    const from = platforms.filter((p) => p.newFollowers).map((p) => PLATFORM_LABELS[p.platform]).join(" and ");
    return (
      <div>
        <dt>New followers</dt>
        <dd>
          +{formatFigure(newFollowers.count)} <span className="stats__note">{from}, over {newFollowers.days} days</span>
        </dd>
      </div>
    );
  }
  return (
    <div>
      <dt>Follower growth</dt>
      <dd>{growth === null ? "–" : `${growth >= 0 ? "+" : ""}${formatFigure(growth)}`}</dd>
    </div>
  );
}

export function SummaryCard({ summary }: { summary: SummaryView }) {
  const figures = summary.figures;
  const total = figures?.total;
  const unavailable = figures?.unavailable ?? [];
  const notYet = unavailable.filter((u) => u.reason !== "vendor_does_not_provide");
  const notGiven = unavailable.filter((u) => u.reason === "vendor_does_not_provide");
  return (
    <section className="card" aria-labelledby={`summary-${summary.id}`}>
      <h2 id={`summary-${summary.id}`}>
        Your last {summary.periodDays} days ({dayFormat.format(summary.periodStart)} – {dayFormat.format(summary.periodEnd)})
      </h2>
      {summary.narrative ? <p>{summary.narrative}</p> : <p className="notice">{NARRATIVE_MISSING[summary.narrativeStatus === "blocked" ? "blocked" : "unavailable"]}</p>}
      {total && (
        <dl className="stats">
          <FollowerFigure total={total} platforms={figures.platforms} />
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
      {notYet.length > 0 && <p className="hint">Not available yet: {sentence(notYet)}.</p>}
      {notGiven.length > 0 && <p className="hint">Not given by the platform: {sentence(notGiven)}.</p>}
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
