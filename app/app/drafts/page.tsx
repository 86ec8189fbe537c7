import type { Metadata } from "next";
import { requireUser } from "@/src/auth";
import { getPrisma } from "@/src/data";
import { getLlmRouter, listDrafts } from "@/src/llm";
import { DraftComposer } from "@/src/ui/draft-composer";
import { EmptyState } from "@/src/ui/empty-state";

export const metadata: Metadata = { title: "Drafts" };

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
const STATUS = { ok: "Ready", blocked: "Held back by safety checks", error: "Not written (AI busy)" } as const;

export default async function DraftsPage() {
  const user = await requireUser();
  const configured = getLlmRouter() !== null;
  const drafts = await listDrafts(await getPrisma(), user.id);
  return (
    <>
      <h1>Drafts</h1>
      {configured ? (
        <DraftComposer />
      ) : (
        <EmptyState title="AI drafting is not set up here">
          <p>This Huntaze deployment has no AI model configured, so drafts cannot be written yet. Your earlier drafts are below.</p>
        </EmptyState>
      )}
      <h2>History</h2>
      {drafts.length === 0 ? (
        <p>No drafts yet.</p>
      ) : (
        <ul className="connections" aria-label="Draft history">
          {drafts.map((d) => (
            <li className="card" key={d.id}>
              <p className="connection__state">
                {d.kind.replace(/_/g, " ")} · {d.platform} · {d.tone} · {STATUS[d.status]} · {dateFormat.format(d.createdAt)} UTC
              </p>
              {d.text && <p>{d.text}</p>}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
