// 管理者ログオン / 利用者ログオン (ID・暗証番号方式 on :8443, 電子証明書方式 on :8444), the
// ワンタイムパスワード step and 電子証明書取得 (the kakuin-cert command).
import { useState } from "preact/hooks";
import { ApiError, api, type Session } from "./api";
import { Alert, OtpForm, SecretField, TextField } from "./fields";
import { t } from "./i18n";
import { Layout } from "./layout";
import { useValue } from "./signalish";
import { bank, flash, go, renewalFinished, setRenewalSkipped, setSession } from "./state";
import { checkContractId, checkPin, checkUserId } from "./validate";

type Role = "admin" | "user";

function ports() {
  const b = bank.get();
  const https = b?.https_port || (location.port ? Number(location.port) : 8443);
  const mtls = b?.mtls_port || https + 1;
  return { https, mtls };
}
export const mtlsUrl = (path: string) => `https://${location.hostname}:${ports().mtls}/#${path}`;
export const httpsUrl = (path: string) => `https://${location.hostname}:${ports().https}/#${path}`;
export const onMtls = () => Number(location.port) === ports().mtls;

function Flash() {
  const f = useValue(flash);
  return f ? <Alert kind="info">{f}</Alert> : null;
}

function afterLogin(s: Session) {
  flash.set(null);
  setRenewalSkipped(false);  // a new logon asks about the renewal again
  renewalFinished.set(false);
  setSession(s);
  go(s.state === "otp_required" ? "/otp" : s.person.role === "admin" ? "/admin" : "/user");
}

// Where a server error belongs: the PIN field, or the whole form.
function placeError(e: unknown, setPinErr: (m: string) => void, setFormErr: (m: string) => void) {
  if (e instanceof ApiError) {
    if (e.problem.code === "pin_incorrect" || e.problem.code === "otp_incorrect" || e.problem.code === "otp_reused")
      setPinErr(e.problem.detail);
    else setFormErr(e.problem.detail);
  } else setFormErr(String(e));
}

function IdPinForm(props: { role: Role }) {
  const b = useValue(bank);
  const [contract, setContract] = useState("");
  const [user, setUser] = useState("");
  const [pin, setPin] = useState("");
  const [errs, setErrs] = useState<Record<string, string | null>>({});
  const [formErr, setFormErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (ev: Event) => {
    ev.preventDefault();
    const e = {
      contract: checkContractId(contract),
      user: props.role === "user" ? checkUserId(user) : null,
      pin: checkPin(pin, b),
    };
    setErrs(e); setFormErr(null);
    if (e.contract || e.user || e.pin) return;
    setBusy(true);
    try {
      const body = props.role === "admin" ? { role: "admin", contract_id: contract, pin }
        : { role: "user", contract_id: contract, user_id: user, pin };
      afterLogin(await api<Session>("POST", "/api/v1/sessions", body));
    } catch (err) {
      setPin("");
      placeError(err, (m) => setErrs({ ...e, pin: m }), setFormErr);
    } finally { setBusy(false); }
  };
  return (
    <form class="form" onSubmit={submit} noValidate aria-labelledby="idpin-title">
      <h2 id="idpin-title">{t("idPinMethod")}</h2>
      {formErr && <Alert>{formErr}</Alert>}
      <TextField id="contract_id" label={t("contractId")} value={contract} onInput={setContract}
        error={errs.contract} inputMode="numeric" maxLength={11} required />
      {props.role === "user" && (
        <TextField id="user_id" label={t("userId")} value={user} onInput={setUser} error={errs.user} maxLength={16} required />
      )}
      <SecretField id="pin" label={props.role === "admin" ? t("contractPin") : t("userPin")} value={pin}
        onInput={setPin} error={errs.pin} required maxLength={b?.pin.max_length ?? 12}
        hint={t("errPin", { min: b?.pin.min_length ?? 4, max: b?.pin.max_length ?? 12 })} />
      <p class="note">{t("skNote")}</p>
      <div class="buttons"><button type="submit" class="primary" disabled={busy}>{t("logon")}</button></div>
    </form>
  );
}

// On :8444: the certificate is the identity; only the PIN is asked.
function CertPinForm(props: { role: Role }) {
  const b = useValue(bank);
  const [pin, setPin] = useState("");
  const [pinErr, setPinErr] = useState<string | null>(null);
  const [formErr, setFormErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (ev: Event) => {
    ev.preventDefault();
    const e = checkPin(pin, b);
    setPinErr(e); setFormErr(null);
    if (e) return;
    setBusy(true);
    try {
      afterLogin(await api<Session>("POST", "/api/v1/sessions", { role: props.role, pin }));
    } catch (err) {
      setPin("");
      placeError(err, setPinErr, setFormErr);
    } finally { setBusy(false); }
  };
  return (
    <form class="form" onSubmit={submit} noValidate aria-labelledby="cert-title">
      <h2 id="cert-title">{t("certMethod")}</h2>
      {formErr && <Alert>{formErr}</Alert>}
      <SecretField id="pin" label={props.role === "admin" ? t("contractPin") : t("userPin")} value={pin}
        onInput={setPin} error={pinErr} required maxLength={b?.pin.max_length ?? 12}
        hint={t("errPin", { min: b?.pin.min_length ?? 4, max: b?.pin.max_length ?? 12 })} />
      <p class="note">{t("skNote")}</p>
      <div class="buttons"><button type="submit" class="primary" disabled={busy}>{t("logon")}</button></div>
    </form>
  );
}

export function LogonScreen(props: { role: Role; cert: boolean }) {
  useValue(bank);
  const title = props.role === "admin" ? t("adminLogon") : t("userLogon");
  const certPath = props.role === "admin" ? "/admin/cert-logon" : "/user/cert-logon";
  const idPath = props.role === "admin" ? "/admin/logon" : "/user/logon";
  return (
    <Layout title={title}>
      <Flash />
      {props.cert && onMtls() ? (
        <>
          <CertPinForm role={props.role} />
          <p><a href={httpsUrl(idPath)}>{t("idPinMethod")}</a></p>
        </>
      ) : (
        <div class="logon-methods">
          <section class="method" aria-labelledby="cert-method">
            <h2 id="cert-method">{t("certMethod")}</h2>
            <p>{t("certNote")}</p>
            <p><a class="button primary" id="cert-logon-link" href={mtlsUrl(certPath)}>
              {props.role === "admin" ? t("certMethodAdminLink") : t("certMethodUserLink")}</a></p>
            {props.role === "user" && <p><a href="#/user/acquire" id="acquire-link">{t("acquire")}</a></p>}
          </section>
          <section class="method"><IdPinForm role={props.role} /></section>
        </div>
      )}
      <p class="other-logon">
        {props.role === "admin" ? <a href={(onMtls() ? httpsUrl : (p: string) => "#" + p)("/user/logon")}>{t("userLogon")}</a>
          : <a href={(onMtls() ? httpsUrl : (p: string) => "#" + p)("/admin/logon")}>{t("adminLogon")}</a>}
      </p>
    </Layout>
  );
}

export function OtpScreen() {
  return (
    <Layout title={t("otp")}>
      <OtpForm placeError={placeError}
        send={async (otp) => afterLogin(await api<Session>("POST", "/api/v1/sessions/current/otp", { otp }))} />
    </Layout>
  );
}

// 電子証明書取得: explains the acquisition app and shows its exact command.
export function AcquireScreen() {
  const [contract, setContract] = useState("");
  const [user, setUser] = useState("");
  const cErr = contract ? checkContractId(contract) : null;
  const uErr = user ? checkUserId(user) : null;
  const server = `https://${location.hostname}:${ports().https}`;
  const cmd = `kakuin-cert acquire --server ${server} --ca-file ca-chain.pem --contract-id ${contract || "<" + t("contractId") + ">"}` +
    ` --user-id ${user || "<" + t("userId") + ">"} --nssdb $HOME/.pki/nssdb`;
  return (
    <Layout title={t("acquire")}>
      <p>{t("acquireIntro")}</p>
      <form class="form" onSubmit={(e) => e.preventDefault()} noValidate>
        <TextField id="acq_contract_id" label={t("contractId")} value={contract} onInput={setContract} error={cErr} inputMode="numeric" maxLength={11} />
        <TextField id="acq_user_id" label={t("userId")} value={user} onInput={setUser} error={uErr} maxLength={16} />
      </form>
      <h2>{t("command")}</h2>
      <pre class="command" id="acquire-command">{cmd}</pre>
      <p>{t("acquireNss")}</p>
      <p>{t("acquireAfter")} <a href={mtlsUrl("/user/cert-logon")}>{t("certMethodUserLink")}</a></p>
      <p><a href="#/user/logon">{t("back")}</a></p>
    </Layout>
  );
}
