import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { getPrisma } from "@/src/data";
import { deletionStatus } from "@/src/privacy";

export const metadata: Metadata = { title: "Account deletion", robots: { index: false } };

const STATUS_TEXT = {
  pending: "Your account is queued for deletion. This usually takes less than a minute.",
  processing: "Your account is being deleted now.",
  completed: "Your account and its data have been deleted.",
  failed: "Deletion has not finished yet. We retry automatically; our team is alerted if it keeps failing.",
} as const;

export default async function AccountDeletedPage({ searchParams }: { searchParams: Promise<{ reference?: string | string[] }> }) {
  const { reference } = await searchParams;
  const id = typeof reference === "string" && z.uuid().safeParse(reference).success ? reference : null;
  const deletion = id ? await deletionStatus(await getPrisma(), id) : null;
  return (
    <main className="auth-page" id="main" tabIndex={-1}>
      <div className="card auth-card">
        <Link className="brand" href="/">
          Huntaze
        </Link>
        <h1>Account deletion</h1>
        {deletion ? (
          <>
            <p role="status">{STATUS_TEXT[deletion.status]}</p>
            <p>
              Reference: <code>{deletion.id}</code>. Quote it if you contact us.
            </p>
            {deletion.status !== "completed" && (
              <p>
                <Link href={`/account-deleted?reference=${deletion.id}`}>Check the status again</Link>
              </p>
            )}
          </>
        ) : (
          <p>We could not find that deletion reference. Check the link you followed, or contact us with the reference you were given.</p>
        )}
        <p>
          <Link href="/">Back to the Huntaze home page</Link>
        </p>
      </div>
    </main>
  );
}
