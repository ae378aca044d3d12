// Labels of the change request kinds and states (docs/api/bank-api.md).
import { lang } from "../i18n";

const kindsJa: Record<string, string> = {
  contract_create: "契約法人登録", contract_change: "契約法人情報変更",
  admin_certificate_reissue: "管理者電子証明書再発行", admin_unlock: "管理者ロック解除",
  admin_pin_reset: "管理者暗証番号初期化", contract_suspend: "利用停止", contract_resume: "利用再開",
};
const kindsEn: Record<string, string> = {
  contract_create: "Register a contract", contract_change: "Change the contract",
  admin_certificate_reissue: "Reissue the administrator's certificate", admin_unlock: "Unlock the administrator",
  admin_pin_reset: "Reset the administrator's PINs", contract_suspend: "Suspend", contract_resume: "Resume",
};
const statesJa: Record<string, string> = { pending: "承認待ち", applied: "承認済（反映済）", rejected: "否認", failed: "反映失敗" };
const statesEn: Record<string, string> = { pending: "pending", applied: "approved (applied)", rejected: "rejected", failed: "failed" };
export const KINDS = Object.keys(kindsJa);
export const kindLabel = (k: string) => (lang() === "en" ? kindsEn : kindsJa)[k] ?? k;
export const stateLabel = (s: string) => (lang() === "en" ? statesEn : statesJa)[s] ?? s;
