// A form field's label with its "required" / "optional" marker. The marker is hidden from screen readers, which
// hear the input's own `required` instead.
import type { ReactNode } from "react";

export function FieldLabel({ htmlFor, children, optional = false }: { htmlFor: string; children: ReactNode; optional?: boolean }) {
  return (
    <label htmlFor={htmlFor}>
      {children}
      <span className="field__required" aria-hidden="true">
        {optional ? "optional" : "required"}
      </span>
    </label>
  );
}
