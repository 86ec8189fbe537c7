import { LoadingPage, Skeleton, SkeletonCard } from "@/src/ui/skeleton";

export default function HomeLoading() {
  return (
    <LoadingPage label="Loading your home page…">
      <SkeletonCard>
        <Skeleton kind="short" />
        <Skeleton kind="line" />
        <Skeleton kind="block" />
      </SkeletonCard>
      <div className="grid-2">
        <Skeleton kind="chart" />
        <Skeleton kind="chart" />
      </div>
    </LoadingPage>
  );
}
