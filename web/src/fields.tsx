// Labelled fields with their message beside them; PIN and OTP fields carry the software keyboard.
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { t } from "./i18n";
import { checkOtp } from "./validate";
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

// The one-time-password step of a logon (customer and bank screens): checked beside the field
// before sending; a refused code is cleared and `placeError` puts the server's message beside
// the field or above the form.
export function OtpForm(props: {
  send: (otp: string) => Promise<void>;
  placeError: (e: unknown, field: (m: string) => void, form: (m: string) => void) => void;
  buttonId?: string;
}) {
  const [otp, setOtp] = useState("");
  const [err, setErr] = useState<string | null>(null);
  const [formErr, setFormErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (ev: Event) => {
    ev.preventDefault();
    const e = checkOtp(otp);
    setErr(e); setFormErr(null);
    if (e) return;
    setBusy(true);
    try {
      await props.send(otp);
    } catch (x) {
      setOtp("");
      props.placeError(x, setErr, setFormErr);
    } finally { setBusy(false); }
  };
  return (
    <form class="form" onSubmit={submit} noValidate>
      {formErr && <Alert>{formErr}</Alert>}
      <p>{t("otpNote")}</p>
      <SecretField id="otp" label={t("otp")} value={otp} onInput={setOtp} error={err} digitsOnly maxLength={6} required autoFocus />
      <div class="buttons"><button type="submit" class="primary" id={props.buttonId} disabled={busy}>{t("next")}</button></div>
    </form>
  );
}
