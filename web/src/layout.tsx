// The frame of every screen: the bank's name, the language switch, the software keyboard
// switch, the menu of the logged-on person and ログオフ.
import type { ComponentChildren } from "preact";
import { lang, setLang, t } from "./i18n";
import { setSoftKeyboard, useSoftKeyboardEnabled } from "./softkeyboard";
import { useValue } from "./signalish";
import { bank, logoff, route, session } from "./state";

const ADMIN_MENU: [string, string][] = [
  ["/admin", "top"], ["/admin/users", "menuUsers"], ["/admin/history", "menuHistory"], ["/admin/stop", "menuStop"],
];

export function Layout(props: { title: string; screenId?: string; children: ComponentChildren }) {
  const b = useValue(bank);
  const s = useValue(session);
  const r = useValue(route);
  const sk = useSoftKeyboardEnabled();
  const active = s?.state === "active";
  return (
    <div class="page">
      <header class="top">
        <div class="brand">
          <span class="bank">{b?.name ?? ""}</span>
          <span class="app">{t("app")}</span>
        </div>
        <div class="tools">
          <button type="button" class="link" id="lang-switch" onClick={() => { setLang(lang() === "ja" ? "en" : "ja"); route.set(route.get()); }}>
            {t("language")}
          </button>
          <label class="sk-switch">
            <input type="checkbox" id="sk-enabled" checked={sk} onChange={(e) => setSoftKeyboard((e.target as HTMLInputElement).checked)} />
            {t("softKeyboardUse")}
          </label>
          {s && <button type="button" id="logoff" class="logoff" onClick={() => void logoff(t("loggedOff"))}>{t("logoff")}</button>}
        </div>
      </header>
      {active && s?.person.role === "admin" && (
        <nav class="menu" aria-label="menu">
          {ADMIN_MENU.map(([path, key]) => (
            <a href={"#" + path} aria-current={r === path || (path !== "/admin" && r.startsWith(path)) ? "page" : undefined}>{t(key)}</a>
          ))}
        </nav>
      )}
      {active && s?.person.role === "user" && (
        <nav class="menu" aria-label="menu"><a href="#/user" aria-current="page">{t("top")}</a></nav>
      )}
      <main id="main">
        <h1>{props.title}{props.screenId && <span class="screen-id">{props.screenId}</span>}</h1>
        {props.children}
      </main>
      <footer>{b ? `${b.name}（${b.code}）` : ""}</footer>
    </div>
  );
}
