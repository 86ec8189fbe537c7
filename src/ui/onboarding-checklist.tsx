import Link from "next/link";
import type { OnboardingChecklist as Checklist } from "@/src/onboarding";

/** The app home's first steps: what is done, what is next and where to do it. Gone once every step is done. */
export function OnboardingChecklist({ checklist }: { checklist: Checklist }) {
  if (checklist.complete) return null;
  return (
    <section className="card checklist" aria-labelledby="checklist-title" data-onboarding-done={checklist.doneCount}>
      <div className="checklist__header">
        <h2 id="checklist-title">Get started with Huntaze</h2>
        <p className="checklist__progress" role="status" id="checklist-progress">
          {checklist.progressText}
        </p>
      </div>
      <progress max={checklist.total} value={checklist.doneCount} aria-labelledby="checklist-title" aria-describedby="checklist-progress" />
      <ol>
        {checklist.steps.map((step) => (
          <li key={step.id} data-step={step.id} data-done={step.done}>
            <span className="checklist__mark" aria-hidden="true">
              {step.done ? "✓" : ""}
            </span>
            <div>
              <p className="checklist__title">
                <span className="visually-hidden">{step.done ? "Done: " : "To do: "}</span>
                {step.title}
              </p>
              <p className="checklist__body">
                {step.description}{" "}
                <Link href={step.href}>{step.action}</Link>
              </p>
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}
