import { LoadingPage, Skeleton, SkeletonCard } from "@/src/ui/skeleton";

export default function AnalyticsLoading() {
  return (
    <LoadingPage title="Analytics" label="Loading your analytics…">
      <div className="skeleton-row">
        <Skeleton kind="short" />
        <Skeleton kind="button" />
      </div>
      <SkeletonCard>
        <Skeleton kind="short" />
        <div className="stats">
          {[1, 2, 3, 4].map((n) => (
            <Skeleton key={n} kind="stat" />
          ))}
        </div>
        <div className="grid-2">
          <Skeleton kind="chart" />
          <Skeleton kind="chart" />
        </div>
      </SkeletonCard>
    </LoadingPage>
  );
}
