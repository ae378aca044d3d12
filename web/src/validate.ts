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

// A hardware token's serial (トークン製造番号) as the server accepts it: 1-32 letters, digits, '-'.
export function checkTokenSerial(v: string): string | null {
  return /^[0-9A-Za-z-]{1,32}$/.test(v) ? null : t("errTokenSerial");
}
// The seed sheet prints the secret in groups: spaces dropped, upper case, padding removed
// (the server takes unpadded base32).
export function normalizeBase32(v: string): string {
  return v.replace(/\s+/g, "").toUpperCase().replace(/=+$/, "");
}
// RFC 4648 base32 of 10 to 64 bytes (16-103 characters) with zero trailing bits, as the
// server decodes it; `v` normalized by normalizeBase32.
export function checkBase32Secret(v: string): string | null {
  const err = t("errTokenSecret");
  if (!/^[A-Z2-7]+$/.test(v)) return err;
  const rem = v.length % 8;
  if (rem === 1 || rem === 3 || rem === 6) return err;
  const bytes = Math.floor((v.length * 5) / 8);
  if (bytes < 10 || bytes > 64) return err;
  const unused = (v.length * 5) % 8;
  const last = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".indexOf(v[v.length - 1]);
  return (last & ((1 << unused) - 1)) === 0 ? null : err;
}

// 連絡先メールアドレス (optional): one @, a dotted domain, no spaces, at most 254 characters
// (the server's limit).
export function checkEmail(v: string): string | null {
  const s = v.trim();
  if (s === "") return null;
  return s.length <= 254 && /^[\x21-\x7e]+$/.test(s) && /^[^@]+@[^@.]+(\.[^@.]+)+$/.test(s) ? null : t("errEmail");
}
