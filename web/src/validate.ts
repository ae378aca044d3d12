// The input rules the server enforces (R7 PIN policy from the bank's configuration, IDs, OTP),
// so that a message appears beside the field before anything is sent.
import type { Bank } from "./api";
import { t } from "./i18n";

export function checkContractId(v: string): string | null {
  return /^[0-9]{11}$/.test(v) ? null : t("errContract");
}
export function checkUserId(v: string): string | null {
  return /^[0-9A-Za-z]{1,16}$/.test(v) ? null : t("errUserId");
}
export function checkPin(v: string, bank: Bank | null): string | null {
  const min = bank?.pin.min_length ?? 4, max = bank?.pin.max_length ?? 12;
  if (!/^[0-9A-Za-z]*$/.test(v) || v.length < min || v.length > max) return t("errPin", { min, max });
  if (bank?.pin.require_letters_and_digits && !(/[0-9]/.test(v) && /[A-Za-z]/.test(v))) return t("errPinMix");
  return null;
}
export function checkOtp(v: string): string | null {
  return /^[0-9]{6}$/.test(v) ? null : t("errOtp");
}
export function checkRequired(v: string): string | null {
  return v.trim() ? null : t("errRequired");
}
