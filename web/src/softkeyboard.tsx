// The software keyboard (R10): shuffled keys each time it opens, clicked or touched; the
// physical keyboard still works, and the keyboard can be turned off for the whole browser.
import { useMemo, useState } from "preact/hooks";
import { t } from "./i18n";

const DIGITS = "0123456789".split("");
const LETTERS = "abcdefghijklmnopqrstuvwxyz".split("");

function shuffle<T>(a: T[]): T[] {
  const r = a.slice();
  const rnd = new Uint32Array(r.length);
  crypto.getRandomValues(rnd);
  for (let i = r.length - 1; i > 0; i--) {
    const j = rnd[i] % (i + 1);
    [r[i], r[j]] = [r[j], r[i]];
  }
  return r;
}

let enabled = localStorage.getItem("kakuin.softkeyboard") !== "off";
const listeners = new Set<() => void>();
export const softKeyboardEnabled = () => enabled;
export function setSoftKeyboard(on: boolean) {
  enabled = on;
  localStorage.setItem("kakuin.softkeyboard", on ? "on" : "off");
  listeners.forEach((f) => f());
}
export function useSoftKeyboardEnabled(): boolean {
  const [, force] = useState(0);
  useMemo(() => listeners.add(() => force((n) => n + 1)), []);
  return enabled;
}

export function SoftKeyboard(props: {
  id: string; digitsOnly?: boolean; value: string; maxLength: number;
  onInput: (v: string) => void; onClose: () => void;
}) {
  const [upper, setUpper] = useState(false);
  const digits = useMemo(() => shuffle(DIGITS), []);
  const letters = useMemo(() => shuffle(LETTERS), []);
  const press = (c: string) => {
    if (props.value.length < props.maxLength) props.onInput(props.value + c);
  };
  const key = (c: string) => {
    const shown = upper ? c.toUpperCase() : c;
    return (
      <button type="button" class="sk-key" data-key={shown} key={c} onClick={() => press(shown)}>
        {shown}
      </button>
    );
  };
  return (
    <div class="softkeyboard" id={props.id} role="group" aria-label={t("softKeyboard")}>
      <div class="sk-row">{digits.map((c) => (
        <button type="button" class="sk-key" data-key={c} key={c} onClick={() => press(c)}>{c}</button>
      ))}</div>
      {!props.digitsOnly && <div class="sk-row">{letters.map(key)}</div>}
      <div class="sk-row">
        {!props.digitsOnly && (
          <button type="button" class="sk-fn" aria-pressed={upper} onClick={() => setUpper(!upper)}>{t("skShift")}</button>
        )}
        <button type="button" class="sk-fn" onClick={() => props.onInput(props.value.slice(0, -1))}>{t("skBackspace")}</button>
        <button type="button" class="sk-fn" onClick={() => props.onInput("")}>{t("skClear")}</button>
        <button type="button" class="sk-fn" onClick={props.onClose}>{t("skClose")}</button>
      </div>
    </div>
  );
}
