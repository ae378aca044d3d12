// The back office screens' state: the staff session, the hash route, a message for the next
// screen, and the answer of an approval (shown once, never stored).
import { signalish } from "../signalish";
import { bankApi, onBankExpired, setBankCsrf, type StaffSession } from "./api";
import { t } from "../i18n";

export const staff = signalish<StaffSession | null>(null);
export const route = signalish<string>(location.hash.slice(1) || "/");
export const flash = signalish<string | null>(null);
addEventListener("hashchange", () => route.set(location.hash.slice(1) || "/"));
export function go(path: string) { location.hash = path; }

export function setStaff(s: StaffSession | null) {
  setBankCsrf(s?.csrf_token ?? "");
  staff.set(s);
}
export function endStaff(message: string | null) {
  setStaff(null);
  flash.set(message);
  location.replace("#/");
}
export async function staffLogoff() {
  try { await bankApi<void>("DELETE", "/sessions/current"); } catch { /* gone already */ }
  endStaff(t("loggedOff"));
}
onBankExpired(() => { if (staff.get()) endStaff(t("idleLoggedOff")); });
