import { LoadingPage, Skeleton, SkeletonCard } from "@/src/ui/skeleton";

export default function ConnectionsLoading() {
  return (
    <LoadingPage title="Connections" label="Loading your connections…">
      <Skeleton kind="line" />
      {["tiktok", "instagram", "onlyfans"].map((provider) => (
        <SkeletonCard key={provider}>
          <div className="skeleton-row">
            <Skeleton kind="avatar" />
            <div className="skeleton-lines">
              <Skeleton kind="short" />
              <Skeleton kind="short" />
            </div>
          </div>
          <Skeleton kind="button" />
        </SkeletonCard>
      ))}
    </LoadingPage>
  );
}
