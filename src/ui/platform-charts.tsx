// The charts of one TikTok or Instagram account on /app/analytics and /app. Two sources sit side by side and every
// chart says which it shows: the history the vendor gave back in time when the account was connected (the backfill,
// there on day one), and what Huntaze observes at each sync (a line from the second day). What a vendor does not give
// back (TikTok's follower history, any vendor's past follower totals) is said, never drawn.
import type { DailyPoint, PlatformDashboard } from "@/src/analytics";
import { PLATFORM_LABELS } from "@/src/social/platforms";
import { formatFigure } from "./format-figure";
import { TrendChart } from "./trend-chart";

const shortDay = new Intl.DateTimeFormat("en", { month: "short", day: "numeric", timeZone: "UTC" });
const longDay = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });
const dayLabel = (date: string) => shortDay.format(new Date(`${date}T00:00:00Z`));
const longDate = (date: string) => longDay.format(new Date(`${date}T00:00:00Z`));

type Platform = PlatformDashboard;
type Figure = keyof Omit<DailyPoint, "date">;

const valuesOf = (platform: Platform, figure: Figure) => platform.series.map((p) => p[figure]);

type HistoryFigure = Platform["sources"]["notGivenByVendor"][number];

/** Where a backfilled chart's figures come from. */
function backfillSource(platform: Platform, what: string): string {
  const name = PLATFORM_LABELS[platform.provider];
  const backfill = platform.sources.backfill;
  if (!backfill) return `${what}.`;
  return `${what}. Backfilled from ${name} on ${longDate(backfill.readOn)}, covering ${longDate(backfill.from)} – ${longDate(backfill.to)}.`;
}

/** Said instead of a backfilled chart with fewer than two days in the window. */
function backfillTooFew(platform: Platform): string {
  const name = PLATFORM_LABELS[platform.provider];
  return platform.provider === "instagram"
    ? "Instagram gave fewer than two days of this figure in this window (it gives about the last 30 days, up to 48 h late)."
    : `${name} gave fewer than two days with posts in this window: there is no line to draw yet.`;
}

const notArrived = (platform: Platform) =>
  `${PLATFORM_LABELS[platform.provider]}'s history has not arrived yet: it is read once, after the first sync. Reload in a minute.`;

const MISSING_WORDS: Partial<Record<HistoryFigure, string>> = {
  newFollowers: "new followers per day (Instagram gives them only to accounts with 100 followers or more)",
  reach: "accounts reached per day",
  postViews: "views of posts by publish day",
  postInteractions: "interactions with posts by publish day",
};

/** The figures this vendor can give back in time that its backfill did not give, in a sentence; null when none. */
function missingFromBackfill(platform: Platform): string | null {
  const { backfill, notGivenByVendor } = platform.sources;
  if (!backfill) return null;
  const missing = (Object.keys(MISSING_WORDS) as HistoryFigure[]).filter((f) => !notGivenByVendor.includes(f) && !backfill.figures.includes(f));
  return missing.length ? `Not in the history ${PLATFORM_LABELS[platform.provider]} gave: ${missing.map((f) => MISSING_WORDS[f]).join("; ")}.` : null;
}

function observedSource(platform: Platform, what: string): string {
  const since = platform.sources.observedSince;
  return since ? `${what}. Observed at each sync since ${longDate(since)}.` : `${what}. Observed at each sync, from the first one.`;
}

const OBSERVED_TOO_FEW = "Observed on one day so far: the line starts with the second day of syncing.";

function followersSource(platform: Platform): string {
  const name = PLATFORM_LABELS[platform.provider];
  const gapsSaid = platform.sources.notGivenByVendor.includes("newFollowers")
    ? `${name} gives current follower counts only.`
    : `${name} gives no past follower totals, only new followers per day.`;
  return `${observedSource(platform, "Followers at the day's last sync")} ${gapsSaid}`;
}

interface ChartOf {
  platform: Platform;
  labels: string[];
  title: string;
}

function HistoryChart({ platform, labels, title, figure }: ChartOf & { figure: HistoryFigure | "postEngagementRate" }) {
  const words = {
    newFollowers: { label: "New followers", what: "Accounts that started following each day (unfollows are not counted)" },
    reach: { label: "Accounts reached", what: "Unique accounts that saw your content each day" },
    postsPublished: { label: "Posts", what: "Posts published each day" },
    postViews: { label: "Views", what: "Lifetime views of the posts published each day, as of the backfill" },
    postInteractions: { label: "Interactions", what: "Likes and comments (and shares, where given) on the posts published each day, as of the backfill" },
    postEngagementRate: { label: "Engagement rate", what: "Interactions / views of the posts published each day, as of the backfill" },
  }[figure];
  return (
    <TrendChart
      title={title}
      kind={figure === "reach" ? "line" : "bar"}
      format={figure === "postEngagementRate" ? "percent" : "number"}
      labels={labels}
      series={[{ label: words.label, values: valuesOf(platform, figure) }]}
      source={backfillSource(platform, words.what)}
      fewPoints={backfillTooFew(platform)}
    />
  );
}

/** /app/analytics: the backfilled history first (what there is on day one), then what each sync observes. */
export function PlatformCharts({ platform }: { platform: Platform }) {
  const name = PLATFORM_LABELS[platform.provider];
  const labels = platform.series.map((p) => dayLabel(p.date));
  const backfill = platform.sources.backfill;
  const gave = (figure: HistoryFigure) => backfill?.figures.includes(figure) ?? false;
  const missing = missingFromBackfill(platform);
  const chart = { platform, labels };
  return (
    <>
      <h3>History from {name}</h3>
      {backfill ? (
        <div className="grid-2">
          {gave("newFollowers") && <HistoryChart {...chart} figure="newFollowers" title={`${name} new followers per day`} />}
          {gave("reach") && <HistoryChart {...chart} figure="reach" title={`${name} accounts reached per day`} />}
          {gave("postViews") && <HistoryChart {...chart} figure="postViews" title={`${name} views of posts by publish day`} />}
          {gave("postViews") && gave("postInteractions") && <HistoryChart {...chart} figure="postEngagementRate" title={`${name} engagement of posts by publish day`} />}
          {!gave("postViews") && gave("postInteractions") && <HistoryChart {...chart} figure="postInteractions" title={`${name} interactions with posts by publish day`} />}
        </div>
      ) : (
        <p className="hint">{notArrived(platform)}</p>
      )}
      {missing && <p className="hint">{missing}</p>}
      <h3>Observed by Huntaze</h3>
      <div className="grid-2">
        <TrendChart
          title={`${name} followers`}
          labels={labels}
          series={[{ label: "Followers", values: valuesOf(platform, "followers") }]}
          source={followersSource(platform)}
          fewPoints={OBSERVED_TOO_FEW}
        />
        <TrendChart
          title={`${name} views of recent posts`}
          kind="bar"
          labels={labels}
          series={[{ label: "Views", values: valuesOf(platform, "views") }]}
          source={observedSource(platform, "Views of the recent posts, summed at the day's last sync")}
          fewPoints={OBSERVED_TOO_FEW}
        />
        <TrendChart
          title={`${name} engagement rate`}
          format="percent"
          labels={labels}
          series={[{ label: "Engagement rate", values: valuesOf(platform, "engagementRate") }]}
          source={observedSource(platform, "(Likes + comments + shares + saves) / views of the recent posts")}
          fewPoints={OBSERVED_TOO_FEW}
        />
      </div>
    </>
  );
}

const HEADLINE_HISTORY: Array<{ figure: HistoryFigure; words: string }> = [
  { figure: "newFollowers", words: "new followers per day" },
  { figure: "postViews", words: "views of posts by publish day" },
  { figure: "postInteractions", words: "interactions with posts by publish day" },
];

/**
 * /app: one chart per account. Day one shows the history (Instagram's new followers per day, TikTok's views by publish
 * day); the observed follower line takes over once it has at least as many days in the window as the history has.
 */
export function HeadlineChart({ platform }: { platform: Platform }) {
  const name = PLATFORM_LABELS[platform.provider];
  const labels = platform.series.map((p) => dayLabel(p.date));
  const title = `${name}: ${formatFigure(platform.account?.followers ?? null)} followers`;
  const history = HEADLINE_HISTORY.find(({ figure }) => platform.sources.backfill?.figures.includes(figure));
  const daysWith = (figure: Figure) => valuesOf(platform, figure).filter((v) => v !== null).length;
  if (history && daysWith(history.figure) >= Math.max(2, daysWith("followers"))) {
    return <HistoryChart platform={platform} labels={labels} figure={history.figure} title={`${title}; ${history.words}`} />;
  }
  return (
    <TrendChart
      title={title}
      labels={labels}
      series={[{ label: "Followers", values: valuesOf(platform, "followers") }]}
      source={followersSource(platform)}
      fewPoints={OBSERVED_TOO_FEW}
    />
  );
}
