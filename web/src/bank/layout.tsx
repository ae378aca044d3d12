// The frame of the back office screens: title, language switch, software keyboard switch,
// the staff member with role, the menu and ログオフ.
import type { ComponentChildren } from "preact";
import { lang, setLang, t } from "../i18n";
import { setSoftKeyboard, useSoftKeyboardEnabled } from "../softkeyboard";
import { useValue } from "../signalish";
import { route, staff, staffLogoff } from "./state";

const MENU: [string, string][] = [["/contracts", "bkMenuContracts"], ["/requests/new", "bkMenuNewContract"], ["/requests", "bkMenuPending"]];

export function BankLayout(props: { title: string; children: ComponentChildren }) {
  const s = useValue(staff);
  const r = useValue(route);
  const sk = useSoftKeyboardEnabled();
  const active = s?.phase === "active";
  return (
    <div class="page bank-office">
      <header class="top">
        <div class="brand"><span class="bank">{t("bkApp")}</span></div>
        <div class="tools">
          {s && <span id="staff-name">{s.staff.name}（{s.staff.staff_id}・{s.staff.role === "approver" ? t("bkApprover") : t("bkOperator")}）</span>}
          <button type="button" class="link" id="lang-switch" onClick={() => { setLang(lang() === "ja" ? "en" : "ja"); route.set(route.get()); }}>
            {t("language")}</button>
          <label class="sk-switch">
            <input type="checkbox" id="sk-enabled" checked={sk} onChange={(e) => setSoftKeyboard((e.target as HTMLInputElement).checked)} />
            {t("softKeyboardUse")}
          </label>
          {s && <button type="button" id="logoff" class="logoff" onClick={() => void staffLogoff()}>{t("logoff")}</button>}
        </div>
      </header>
      {active && (
        <nav class="menu" aria-label="menu">
          {MENU.map(([path, key]) => (
            <a href={"#" + path} aria-current={r === path ? "page" : undefined}>{t(key)}</a>
          ))}
        </nav>
      )}
      <main id="main"><h1>{props.title}</h1>{props.children}</main>
      <footer>{t("bkFooter")}</footer>
    </div>
  );
}
