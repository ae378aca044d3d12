// R22 (seed 003): 電子証明書更新のお知らせ after a certificate logon inside the renewal window,
// 電子証明書更新 (the kakuin-cert renew command; waits for the session to end) and
// 電子証明書の更新が完了しました.
import { useEffect } from "preact/hooks";
import { ApiError, currentSession } from "./api";
import { Alert } from "./fields";
import { fmtTime, t } from "./i18n";
import { Layout } from "./layout";
import { mtlsUrl } from "./logon";
import { useValue } from "./signalish";
import { bank, go, renewalCompleted, session, setRenewalSkipped, setSession, setWaitingForRenewal } from "./state";

const topOf = (role: string | undefined) => (role === "admin" ? "/admin" : "/user");

export function RenewalNotice() {
  const s = useValue(session);
  const c = s?.certificate;
  return (
    <Layout title={t("renewalNotice")}>
      <Alert kind="info">{t("renewalNoticeLead")}</Alert>
      <table class="kv" id="renewal-expiry"><tbody>
        <tr><th scope="row">{t("renewalExpiry")}</th><td id="renewal-not-after">{fmtTime(c?.not_after)}</td></tr>
        {c?.days_left !== undefined && <tr><th scope="row">{t("renewalDaysLeft")}</th>
          <td id="renewal-days-left">{t("days", { n: c.days_left })}</td></tr>}
      </tbody></table>
      <p>{t("renewalNoticeNext")}</p>
      <p>{t("renewalNoticeLater")}</p>
      <p class="note">{t("renewalNoticeWarn")}</p>
      <div class="buttons">
        <button type="button" id="renewal-later" onClick={() => { setRenewalSkipped(true); go(topOf(s?.person.role)); }}>
          {t("renewalLater")}</button>
        <button type="button" class="primary" id="renewal-next" onClick={() => go("/renewal/run")}>{t("next")}</button>
      </div>
    </Layout>
  );
}

export function RenewalRun() {
  const s = useValue(session);
  const b = useValue(bank);
  useEffect(() => {
    setWaitingForRenewal(true);
    // Polling keeps the session alive while the app runs; session_expired ends the wait.
    const timer = setInterval(() => {
      // The renewal deletes the person's sessions (session_expired), and this connection still
      // presents the old certificate (certificate_not_current): either means it completed.
      currentSession().then((n) => setSession(n)).catch((e) => {
        if (e instanceof ApiError && e.problem.status === 401 && session.get()) renewalCompleted();
      });
    }, 2000);
    return () => { clearInterval(timer); setWaitingForRenewal(false); };
  }, []);
  const server = mtlsUrl("").replace(/\/#$/, "");
  const role = s?.person.role === "admin" ? " --role admin" : "";
  const cmd = `kakuin-cert renew --server ${server} --ca-file ca-chain.pem${role} --nssdb $HOME/.pki/nssdb`;
  return (
    <Layout title={t("renewalRun")}>
      <p>{t("renewalRunIntro")}</p>
      <h2>{t("command")}</h2>
      <pre class="command" id="renew-command">{cmd}</pre>
      <Alert kind="info"><span id="renewal-waiting">{t("renewalWaiting")}</span></Alert>
      <p class="note">{t("renewalRunWarn")}</p>
      {b && <p class="note">{t("renewalExpiry")}: {fmtTime(s?.certificate?.not_after)}</p>}
      <div class="buttons">
        <button type="button" id="renewal-cancel" onClick={() => { setRenewalSkipped(true); go(topOf(s?.person.role)); }}>
          {t("renewalCancel")}</button>
      </div>
    </Layout>
  );
}

export function RenewalDone() {
  return (
    <Layout title={t("renewalDone")}>
      <Alert kind="info"><span id="renewal-done">{t("renewalDoneNote")}</span></Alert>
      <p>{t("renewalDoneNext")}</p>
    </Layout>
  );
}
