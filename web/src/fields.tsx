// Labelled fields with their message beside them; PIN and OTP fields carry the software keyboard.
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { t } from "./i18n";
import { SoftKeyboard, useSoftKeyboardEnabled } from "./softkeyboard";

export function Field(props: {
  id: string; label: string; error?: string | null; hint?: string; required?: boolean;
  children: ComponentChildren;
}) {
  return (
    <div class={"field" + (props.error ? " has-error" : "")}>
      <label for={props.id}>
        {props.label}
        {props.required && <span class="req">{t("required")}</span>}
      </label>
      <div class="control">
        {props.children}
        {props.hint && <span class="hint" id={props.id + "-hint"}>{props.hint}</span>}
        {props.error && <span class="error" id={props.id + "-error"} role="alert">{props.error}</span>}
      </div>
    </div>
  );
}

export function TextField(props: {
  id: string; label: string; value: string; onInput: (v: string) => void; error?: string | null;
  hint?: string; required?: boolean; autoComplete?: string; inputMode?: string; maxLength?: number;
  type?: string;
}) {
  return (
    <Field id={props.id} label={props.label} error={props.error} hint={props.hint} required={props.required}>
      <input id={props.id} name={props.id} type={props.type ?? "text"} value={props.value}
        autoComplete={props.autoComplete ?? "off"} inputMode={props.inputMode as never}
        maxLength={props.maxLength} aria-invalid={props.error ? "true" : undefined}
        aria-describedby={props.error ? props.id + "-error" : props.hint ? props.id + "-hint" : undefined}
        onInput={(e) => props.onInput((e.target as HTMLInputElement).value)} />
    </Field>
  );
}

export function SecretField(props: {
  id: string; label: string; value: string; onInput: (v: string) => void; error?: string | null;
  hint?: string; required?: boolean; digitsOnly?: boolean; maxLength?: number; autoFocus?: boolean;
}) {
  const on = useSoftKeyboardEnabled();
  const [open, setOpen] = useState(false);
  const max = props.maxLength ?? 32;
  return (
    <Field id={props.id} label={props.label} error={props.error} hint={props.hint} required={props.required}>
      <input id={props.id} name={props.id} type="password" value={props.value} autoComplete="off" autoFocus={props.autoFocus}
        inputMode={props.digitsOnly ? "numeric" : undefined} maxLength={max}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={props.error ? props.id + "-error" : props.hint ? props.id + "-hint" : undefined}
        onInput={(e) => props.onInput((e.target as HTMLInputElement).value)} />
      {on && (
        <button type="button" class="sk-toggle" aria-expanded={open} aria-controls={props.id + "-sk"}
          onClick={() => setOpen(!open)}>{t("softKeyboard")}</button>
      )}
      {on && open && (
        <SoftKeyboard id={props.id + "-sk"} digitsOnly={props.digitsOnly} value={props.value}
          maxLength={max} onInput={props.onInput} onClose={() => setOpen(false)} />
      )}
    </Field>
  );
}

export function Alert(props: { kind?: "error" | "info"; children: ComponentChildren }) {
  return <div class={"alert " + (props.kind ?? "error")} role={props.kind === "info" ? "status" : "alert"}>{props.children}</div>;
}
