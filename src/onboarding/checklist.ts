// The three first steps a new creator takes, worked out from what the database holds for them, so the app home
// can show what is done and where to do the rest.
import type { PrismaClient } from "@/src/data";
import { PLATFORMS } from "@/src/social/platforms";

export type OnboardingStepId = "connect" | "draft" | "summary";

export interface OnboardingStep {
  id: OnboardingStepId;
  title: string;
  /** What to do next when the step is open; what was achieved when it is done. */
  description: string;
  href: string;
  /** The link's text: names the place, so a list of links still reads on its own. */
  action: string;
  done: boolean;
}

export interface OnboardingChecklist {
  steps: OnboardingStep[];
  doneCount: number;
  total: number;
  complete: boolean;
  /** "1 of 3 done", the sentence the page shows and announces. */
  progressText: string;
}

export async function onboardingChecklist(prisma: PrismaClient, userId: string): Promise<OnboardingChecklist> {
  const [connection, draft, summary] = await Promise.all([
    // Only a working connection counts: one that needs attention or was disconnected sends the creator back to Connections.
    prisma.socialConnection.findFirst({ where: { userId, status: "connected", provider: { in: [...PLATFORMS] } }, select: { id: true } }),
    prisma.aiDraft.findFirst({ where: { userId }, select: { id: true } }),
    prisma.summary.findFirst({ where: { userId }, select: { id: true } }),
  ]);
  const steps: OnboardingStep[] = [
    {
      id: "connect",
      title: "Connect an account",
      description: connection ? "Your figures are being collected." : "Link TikTok, Instagram or OnlyFans so Huntaze can read your figures.",
      href: "/app/connections",
      action: "Go to Connections",
      done: connection !== null,
    },
    {
      id: "draft",
      title: "Write your first draft",
      description: draft ? "Your drafts are kept in your history." : "Ask the AI for a caption or a fan message in your tone.",
      href: "/app/drafts",
      action: "Open Drafts",
      done: draft !== null,
    },
    {
      id: "summary",
      title: "Get your first summary",
      description: summary
        ? "Your weekly summary is on Analytics."
        : "Once an account is connected, Huntaze writes a summary of your week. It appears on Analytics.",
      href: "/app/analytics",
      action: "See Analytics",
      done: summary !== null,
    },
  ];
  const doneCount = steps.filter((s) => s.done).length;
  return { steps, doneCount, total: steps.length, complete: doneCount === steps.length, progressText: `${doneCount} of ${steps.length} done` };
}
