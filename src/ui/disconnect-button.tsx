"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";

export function DisconnectButton({ provider, label }: { provider: string; label: string }) {
  const router = useRouter();
  const [state, setState] = useState<"idle" | "pending" | "error">("idle");
  return (
    <>
      <button
        type="button"
        className="button button--quiet"
        disabled={state === "pending"}
        onClick={async () => {
          setState("pending");
          const response = await fetch(`/api/connections/${provider}`, { method: "DELETE", headers: { "idempotency-key": `"${crypto.randomUUID()}"` } }).catch(() => null);
          if (!response?.ok) return setState("error");
          setState("idle");
          router.refresh();
        }}
      >
        {state === "pending" ? "Disconnecting…" : `Disconnect ${label}`}
      </button>
      {state === "error" && (
        <span className="field-error" role="alert">
          Disconnecting failed. Try again.
        </span>
      )}
    </>
  );
}
