import { LoadingPage, Skeleton, SkeletonCard } from "@/src/ui/skeleton";

export default function PrivacyLoading() {
  return (
    <LoadingPage title="Privacy" label="Loading your privacy settings…">
      {["export", "delete"].map((part) => (
        <SkeletonCard key={part}>
          <Skeleton kind="short" />
          <Skeleton kind="line" />
          <Skeleton kind="line" />
          <Skeleton kind="button" />
        </SkeletonCard>
      ))}
    </LoadingPage>
  );
}
