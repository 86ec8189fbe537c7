import type { Metadata } from "next";
import { requireUser } from "@/src/auth";
import { getPrisma } from "@/src/data";
import { getLlmRouter, listDrafts } from "@/src/llm";
import { DraftComposer } from "@/src/ui/draft-composer";
import { EmptyState } from "@/src/ui/empty-state";
import { isPlatform, PLATFORM_LABELS } from "@/src/social/platforms";

export const metadata: Metadata = { title: "Drafts" };

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
const STATUS = { ok: "Ready", blocked: "Held back by safety checks", error: "Not written (AI busy)" } as const;
const STATUS_BADGE = { ok: "badge--ok", blocked: "badge--warn", error: "badge--danger" } as const;
const KIND: Record<string, string> = { caption: "Caption", fan_reply: "Fan reply", ppv_message: "PPV message", mass_message: "Mass message" };

export default async function DraftsPage() {
  const user = await requireUser();
  const configured = getLlmRouter() !== null;
  const drafts = await listDrafts(await getPrisma(), user.id);
  return (
    <div className="stack">
      <h1>Drafts</h1>
      {configured ? (
        <DraftComposer />
      ) : (
        <EmptyState title="AI drafting is not set up here">
          <p>This Huntaze deployment has no AI model configured, so drafts cannot be written yet. Your earlier drafts are below.</p>
        </EmptyState>
      )}
      <section aria-labelledby="history-title" className="stack">
        <h2 id="history-title">History</h2>
        {drafts.length === 0 ? (
          <p className="hint">
            No drafts yet. {configured ? "Fill in the form above and press Write draft: every draft you write is kept here." : "Drafts appear here once AI drafting is set up."}
          </p>
        ) : (
          <ul className="drafts" aria-label="Draft history">
            {drafts.map((d) => (
              <li className="card draft" key={d.id}>
                <p className="draft__meta">
                  <span className={`badge ${STATUS_BADGE[d.status]}`}>{STATUS[d.status]}</span>
                  <span>
                    {KIND[d.kind] ?? d.kind.replace(/_/g, " ")} · {isPlatform(d.platform) ? PLATFORM_LABELS[d.platform] : d.platform} · {d.tone}
                  </span>
                  <span>{dateFormat.format(d.createdAt)} UTC</span>
                </p>
                {d.text && <p className="draft__text">{d.text}</p>}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
