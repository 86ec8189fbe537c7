import { LoadingPage, Skeleton, SkeletonCard } from "@/src/ui/skeleton";

export default function DraftsLoading() {
  return (
    <LoadingPage title="Drafts" label="Loading your drafts…">
      <SkeletonCard>
        <Skeleton kind="short" />
        <div className="grid-2">
          <Skeleton kind="field" />
          <Skeleton kind="field" />
        </div>
        <Skeleton kind="block" />
        <Skeleton kind="button" />
      </SkeletonCard>
      <Skeleton kind="short" />
      <Skeleton kind="block" />
    </LoadingPage>
  );
}
