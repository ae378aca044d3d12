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

onApiEvents(() => resetIdle(), () => { if (session.get()) endSession(idleMessage); });
