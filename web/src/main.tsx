// The screens' entry: loads the bank's wording and the current session, then renders the
// screen of the hash route. Private screens need an active session of the right role.
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { currentSession, getBank } from "./api";
import { AdminTop, History, Notices, StopScreen, UserAction, UserEdit, UserList } from "./admin";
import { fmtTime, setBankWording, t } from "./i18n";
import { Layout } from "./layout";
import { AcquireScreen, LogonScreen, OtpScreen, onMtls } from "./logon";
import { useValue } from "./signalish";
import { RenewalDone, RenewalNotice, RenewalRun } from "./renewal";
import { bank, go, renewalFinished, renewalSkipped, route, session, setIdleMessage, setSession } from "./state";
import "./style.css";

function UserTop() {
  const s = useValue(session);
  return (
    <Layout title={t("userTop")}>
      <p>{t("welcome")} {s?.person.user_id}</p>
      <table class="kv" id="user-status"><tbody>
        <tr><th scope="row">{t("contractName")}</th><td id="contract-name">{s?.contract?.name}</td></tr>
        <tr><th scope="row">{t("contractId")}</th><td>{s?.person.contract_id}</td></tr>
        <tr><th scope="row">{t("userId")}</th><td>{s?.person.user_id}</td></tr>
        <tr><th scope="row">{t("lastLogin")}</th><td id="last-login">{fmtTime(s?.previous_login_at)}</td></tr>
        <tr><th scope="row">{t("certExpiry")}</th><td id="cert-expiry">{s?.certificate ? fmtTime(s.certificate.not_after) : t("none")}</td></tr>
        {s?.certificate && <tr><th scope="row">{t("certSerial")}</th><td>{s.certificate.serial}</td></tr>}
      </tbody></table>
      <Notices />
    </Layout>
  );
}

function Home() {
  return (
    <Layout title={t("app")}>
      <p>{t("chooseLogon")}</p>
      <ul class="menu-list big">
        <li><a href="#/admin/logon" id="to-admin">{t("adminLogon")}</a></li>
        <li><a href="#/user/logon" id="to-user">{t("userLogon")}</a></li>
      </ul>
    </Layout>
  );
}

function Screen(props: { path: string }) {
  const s = useValue(session);
  const p = props.path;
  const publicScreen = (() => {
    switch (p) {
      case "/": return <Home />;
      case "/admin/logon": return <LogonScreen role="admin" cert={false} />;
      case "/admin/cert-logon": return <LogonScreen role="admin" cert />;
      case "/user/logon": return <LogonScreen role="user" cert={false} />;
      case "/user/cert-logon": return <LogonScreen role="user" cert />;
      case "/user/acquire": return <AcquireScreen />;
      case "/renewal/done": return <RenewalDone />;
    }
    return null;
  })();
  if (publicScreen) return publicScreen;
  if (!s && renewalFinished.get()) { location.replace("#/renewal/done"); return null; }
  if (!s) { queueMicrotask(() => location.replace("#" + (p.startsWith("/user") ? "/user/logon" : onMtls() ? "/admin/cert-logon" : "/admin/logon"))); return null; }
  if (p === "/otp") return s.state === "otp_required" ? <OtpScreen /> : (go(s.person.role === "admin" ? "/admin" : "/user"), null);
  if (s.state !== "active") { go("/otp"); return null; }
  // R22: inside the renewal window the notice comes first, until 次回ログイン時に更新する.
  if (s.certificate?.renewal_open && !renewalSkipped()) {
    if (p === "/renewal/run") return <RenewalRun />;
    if (p !== "/renewal") { go("/renewal"); return null; }
    return <RenewalNotice />;
  }
  if (p.startsWith("/renewal")) { go(s.person.role === "admin" ? "/admin" : "/user"); return null; }
  if (s.person.role === "user") return p === "/user" ? <UserTop /> : (go("/user"), null);
  if (p === "/admin") return <AdminTop />;
  if (p === "/admin/users") return <UserList />;
  if (p === "/admin/users/new") return <UserEdit />;
  if (p === "/admin/history") return <History />;
  if (p === "/admin/stop") return <StopScreen />;
  const m = /^\/admin\/users\/([^/]+)\/(edit|delete|unlock|token)$/.exec(p);
  if (m) {
    const id = decodeURIComponent(m[1]);
    return m[2] === "edit" ? <UserEdit id={id} key={id} /> : <UserAction id={id} action={m[2] as "delete" | "unlock" | "token"} key={p} />;
  }
  go("/admin");
  return null;
}

function App() {
  const r = useValue(route);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    setIdleMessage(t("idleLoggedOff"));
    Promise.allSettled([getBank(), currentSession()]).then(([b, s]) => {
      if (b.status === "fulfilled") {
        setBankWording(b.value.wording);
        bank.set(b.value);
      }
      if (s.status === "fulfilled") setSession(s.value);
      setReady(true);
    });
  }, []);
  useEffect(() => { setIdleMessage(t("idleLoggedOff")); }, [r]);
  if (!ready) return <p class="loading">{t("loading")}</p>;
  return <Screen path={r} key={r} />;
}

render(<App />, document.getElementById("app")!);
