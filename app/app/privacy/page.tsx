import type { Metadata } from "next";
import { requireUser } from "@/src/auth";
import { DeleteAccountForm } from "@/src/ui/delete-account-form";
import { ExportLink } from "@/src/ui/export-link";

export const metadata: Metadata = { title: "Privacy" };

export default async function PrivacyPage() {
  await requireUser();
  return (
    <div className="stack">
      <h1>Privacy</h1>
      <section className="card" aria-labelledby="export-title">
        <h2 id="export-title">Download your data</h2>
        <p>
          One JSON file with everything Huntaze holds about you: your profile, connected accounts (without their access tokens), analytics, summaries,
          drafts and the security log of your account.
        </p>
        <ExportLink />
      </section>
      <section className="card card--danger" aria-labelledby="delete-title">
        <h2 id="delete-title">Delete your account</h2>
        <p>
          We sign you out everywhere, revoke Huntaze&apos;s access at TikTok, and delete your profile, connections, analytics, summaries and drafts.
          We keep one record that an account was deleted, under a code that does not identify you. Download your data first if you want a copy.
        </p>
        <DeleteAccountForm />
      </section>
    </div>
  );
}
