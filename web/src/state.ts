// The screens' shared state: the bank's wording, the session, the hash route, the idle timer.
import { signalish } from "./signalish";
import type { Bank, Session } from "./api";
import { onApiEvents, setCsrf, logoff as apiLogoff } from "./api";

export const bank = signalish<Bank | null>(null);
export const session = signalish<Session | null>(null);
export const flash = signalish<string | null>(null);   // a message for the next screen
export const route = signalish<string>(location.hash.slice(1) || "/");

addEventListener("hashchange", () => route.set(location.hash.slice(1) || "/"));
export function go(path: string) { location.hash = path; }

export function setSession(s: Session | null) {
  setCsrf(s?.csrf_token ?? "");
  session.set(s);
  resetIdle();
}

// The logon screen of the session's role, on the listener it was made on.
export function logonPath(role: "admin" | "user" | undefined): string {
  return role === "user" ? "/user/logon" : "/admin/logon";
}

// Ends the screens' session and shows the logon screen with `message`. `replace` keeps the
// private page out of the back button's history.
export function endSession(message: string | null) {
  const role = session.get()?.person.role;
  setSession(null);
  flash.set(message);
  location.replace("#" + logonPath(role));
}

export async function logoff(message: string | null) {
  try { await apiLogoff(); } catch { /* the session may be gone already */ }
  endSession(message);
}

// R11: the server ends idle sessions; the screens do the same so that an unattended screen
// returns to the logon page without a click.
let idleTimer: number | undefined;
let idleMessage = "";
export function setIdleMessage(m: string) { idleMessage = m; }
export function resetIdle() {
  if (idleTimer !== undefined) clearTimeout(idleTimer);
  idleTimer = undefined;
  const s = session.get(), b = bank.get();
  if (!s || !b) return;
  idleTimer = setTimeout(() => { void logoff(idleMessage); }, b.idle_timeout_seconds * 1000) as unknown as number;
}
for (const ev of ["keydown", "pointerdown"]) addEventListener(ev, () => { if (session.get()) resetIdle(); });

// R22: the renewal notice is asked once per logon. The choice 次回ログイン時に更新する lives in
// this tab only (sessionStorage) and a new logon clears it.
const SKIP_KEY = "kakuin.renewalSkipped";
export const renewalSkipped = () => sessionStorage.getItem(SKIP_KEY) === "1";
export function setRenewalSkipped(v: boolean) {
  if (v) sessionStorage.setItem(SKIP_KEY, "1"); else sessionStorage.removeItem(SKIP_KEY);
}

// While 電子証明書更新 waits, the end of the session means the renewal completed (the server
// deletes every session of the person once the new certificate is issued): the screens then
// show 電子証明書の更新が完了しました instead of the idle message.
let waitingForRenewal = false;
export function setWaitingForRenewal(v: boolean) { waitingForRenewal = v; }

// Set once the renewal completed, so that the screens show 電子証明書の更新が完了しました rather
// than the logon page when the session disappears; a new logon clears it.
export const renewalFinished = signalish(false);
export function renewalCompleted() {
  waitingForRenewal = false;
  renewalFinished.set(true);
  setSession(null);
  flash.set(null);
  location.replace("#/renewal/done");
}

onApiEvents(() => resetIdle(), () => {
  if (!session.get()) return;
  if (waitingForRenewal) renewalCompleted();
  else endSession(idleMessage);
});
