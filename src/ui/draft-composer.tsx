"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { partialJsonString } from "./partial-json";
import { FieldLabel } from "./field-label";
import { PLATFORM_LABELS, PLATFORMS } from "@/src/social/platforms";

type Result = { status: "ok" | "blocked" | "error"; text: string | null; verdicts: Array<{ check: string; passed: boolean }> };

const KINDS = [
  ["caption", "Caption"],
  ["fan_reply", "Fan reply"],
  ["ppv_message", "PPV message"],
  ["mass_message", "Mass message"],
] as const;
const PLATFORM_OPTIONS = PLATFORMS.map((platform) => [platform, PLATFORM_LABELS[platform]] as const);
const TONES = ["warm", "playful", "flirty", "professional", "excited"] as const;

/** Reads `event:`/`data:` blocks from a Server-Sent Events body. */
async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<{ event: string; data: unknown }> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = block.match(/^event: (.+)$/m)?.[1] ?? "message";
      const data = block.match(/^data: (.+)$/m)?.[1];
      if (data) yield { event, data: JSON.parse(data) };
    }
  }
}

function SelectField({ name, label, options, defaultValue }: { name: string; label: string; options: ReadonlyArray<readonly [string, string]>; defaultValue: string }) {
  return (
    <div className="field">
      <label htmlFor={name}>{label}</label>
      <select id={name} name={name} defaultValue={defaultValue}>
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * One calm sentence for screen readers (and sighted users) about where the draft is, instead of a live region
 * that would read every streamed word aloud.
 */
function phaseText(phase: "idle" | "writing" | "done", result: Result | null, error: string | null, shown: string): string {
  if (phase === "writing") return shown ? "Writing your draft… the text appears below as it is written." : "Writing your draft… this takes a few seconds.";
  if (phase !== "done" || error) return "";
  if (result?.status === "ok") return "Your draft is ready below. It is saved in your history.";
  if (result?.status === "blocked") return "The draft was held back by the safety checks; see below.";
  return "";
}

export function DraftComposer() {
  const router = useRouter();
  const [raw, setRaw] = useState("");
  const [phase, setPhase] = useState<"idle" | "writing" | "done">("idle");
  const [result, setResult] = useState<Result | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [lastInput, setLastInput] = useState<Record<string, string> | null>(null);
  const [copied, setCopied] = useState(false);
  const [contextError, setContextError] = useState<string | null>(null);

  async function write(input: Record<string, string>) {
    setLastInput(input);
    setRaw("");
    setResult(null);
    setError(null);
    setCopied(false);
    setPhase("writing");
    const response = await fetch("/api/ai/drafts/stream", {
      method: "POST",
      // One key per press: a network retry of this request cannot write a second draft.
      headers: { "content-type": "application/json", "idempotency-key": `"${crypto.randomUUID()}"` },
      body: JSON.stringify(input),
    }).catch(() => null);
    if (!response?.ok || !response.body) {
      const body = (await response?.json().catch(() => null)) as { error?: { message?: string } } | null;
      setError(body?.error?.message ?? "Drafting failed. Check your connection and try again.");
      setPhase("idle");
      return;
    }
    try {
      for await (const { event, data } of readEvents(response.body)) {
        if (event === "delta") setRaw((r) => r + (data as { text: string }).text);
        else if (event === "restart") setRaw("");
        else if (event === "result") setResult(data as Result);
        else if (event === "error") setError((data as { message: string }).message);
      }
    } catch {
      setError("The connection dropped while the draft was being written. Press Regenerate to try again.");
    }
    setPhase("done");
    router.refresh();
  }

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    if (!String(form.get("context") ?? "").trim()) {
      setContextError("Write a few words about what the draft is for, for example the shoot, the offer or the fan's message.");
      (e.currentTarget.elements.namedItem("context") as HTMLTextAreaElement | null)?.focus();
      return;
    }
    setContextError(null);
    void write(Object.fromEntries(["kind", "platform", "tone", "context"].map((k) => [k, String(form.get(k) ?? "")])));
  }

  const shown = result?.text ?? partialJsonString(raw, "draft");
  return (
    <section aria-labelledby="composer-title" className="card">
      <h2 id="composer-title">New draft</h2>
      <form onSubmit={onSubmit} noValidate className="composer-form">
        <SelectField name="kind" label="What to write" options={KINDS} defaultValue="caption" />
        <SelectField name="platform" label="Platform" options={PLATFORM_OPTIONS} defaultValue="instagram" />
        <SelectField name="tone" label="Tone" options={TONES.map((tone) => [tone, tone[0]!.toUpperCase() + tone.slice(1)] as const)} defaultValue="warm" />
        <div className="field field--wide">
          <FieldLabel htmlFor="context">What it is about</FieldLabel>
          <textarea
            id="context"
            name="context"
            rows={4}
            maxLength={4000}
            required
            aria-invalid={contextError ? true : undefined}
            aria-describedby={contextError ? "context-hint context-error" : "context-hint"}
            onChange={() => contextError && setContextError(null)}
          />
          <span className="hint" id="context-hint">
            Emails, phone numbers and card numbers are removed before the AI sees your notes.
          </span>
          {contextError && (
            <span className="field-error" id="context-error" role="alert">
              {contextError}
            </span>
          )}
        </div>
        <div className="composer-form__submit">
          <button className="button" type="submit" disabled={phase === "writing"}>
            {phase === "writing" ? "Writing…" : "Write draft"}
          </button>
        </div>
      </form>
      <p className="draft-status" role="status" id="draft-progress">
        {phaseText(phase, result, error, shown)}
      </p>
      <div className="draft-output" id="draft-output" data-status={result?.status ?? phase} aria-busy={phase === "writing"}>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        {error && phase === "done" && lastInput && <p className="hint">Your notes are kept: press Regenerate to try again.</p>}
        {shown && <p className="draft-text">{shown}</p>}
        {result?.status === "blocked" && (
          <p className="form-error">
            This draft was held back by the safety checks ({result.verdicts.filter((v) => !v.passed).map((v) => v.check.replace(/_/g, " ")).join(", ")}). Try different notes.
          </p>
        )}
        {result?.status === "error" && !error && (
          <p className="form-error">The AI did not answer in time, so no draft was written. Press Regenerate to try again in a moment.</p>
        )}
        {phase === "done" && (
          <div className="connection__actions">
            {result?.status === "ok" && result.text && (
              <button type="button" className="button button--quiet" onClick={() => void navigator.clipboard.writeText(result.text!).then(() => setCopied(true))}>
                {copied ? "Copied" : "Copy"}
              </button>
            )}
            {lastInput && (
              <button type="button" className="button button--quiet" onClick={() => void write(lastInput)}>
                Regenerate
              </button>
            )}
          </div>
        )}
      </div>
    </section>
  );
}
