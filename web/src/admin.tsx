// The administrator's screens: 契約法人ステータス, 利用者情報選択, 新規登録 / 変更 → 確認 → 完了,
// 登録抹消, IDロック解除, トークン登録, 利用履歴照会, WEB-FB取引停止.
import { useEffect, useState } from "preact/hooks";
import { ApiError, api, type Permission, type User, type UsageRecord } from "./api";
import { Alert, SecretField, TextField } from "./fields";
import { certStatusLabel, fmtTime, kindLabel, LIMITED, SERVICES, serviceLabel, t } from "./i18n";
import { Layout } from "./layout";
import { useValue } from "./signalish";
import { bank, go, session } from "./state";
import { checkBase32Secret, checkEmail, checkPin, checkRequired, checkTokenSerial, normalizeBase32 } from "./validate";

const errText = (e: unknown) => (e instanceof ApiError ? e.problem.detail : String(e));

export function AdminTop() {
  const s = useValue(session);
  const b = useValue(bank);
  return (
    <Layout title={t("adminTop")}>
      <table class="kv" id="contract-status">
        <tbody>
          <tr><th scope="row">{t("bankName")}</th><td>{b?.name}</td></tr>
          <tr><th scope="row">{t("contractName")}</th><td id="contract-name">{s?.contract?.name}</td></tr>
          <tr><th scope="row">{t("contractId")}</th><td>{s?.person.contract_id}</td></tr>
          {s?.contract && <tr><th scope="row">{t("webFb")}</th>
            <td id="transactions-state">{s.contract.transactions_stopped ? t("txStopped") : t("txAvailable")}</td></tr>}
          <tr><th scope="row">{t("lastLogin")}</th><td id="last-login">{fmtTime(s?.previous_login_at)}</td></tr>
          {s?.certificate && <tr><th scope="row">{t("certExpiry")}</th><td id="cert-expiry">{fmtTime(s.certificate.not_after)}</td></tr>}
        </tbody>
      </table>
      <Notices />
      <ul class="menu-list">
        <li><a href="#/admin/users">{t("menuUsers")}</a></li>
        <li><a href="#/admin/history">{t("menuHistory")}</a></li>
        <li><a href="#/admin/stop">{t("menuStop")}</a></li>
      </ul>
    </Layout>
  );
}

// The session's notices (e.g. the certificate renewal reminder, R22/R23).
export function Notices() {
  const s = useValue(session);
  const list = s?.notices ?? [];
  return (
    <section aria-labelledby="notices-title" id="notices">
      <h2 id="notices-title">{t("notices")}</h2>
      {list.length === 0 ? <p>{t("noNotices")}</p> : (
        <ul>{list.map((n) => <li key={n.code} data-code={n.code}>{n.message}</li>)}</ul>
      )}
    </section>
  );
}

function statesText(u: User): string {
  const parts: string[] = [];
  if (u.states.accident) parts.push(t("accident"));
  if (u.states.suspended) parts.push(t("suspended"));
  if (u.states.otp_locked) parts.push(t("otpLocked"));
  if (u.states.locked) parts.push(t("locked"));
  return parts.length ? parts.join("・") : t("usable");
}

export function UserList() {
  const [users, setUsers] = useState<User[] | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const [sel, setSel] = useState<string>("");
  const [selErr, setSelErr] = useState<string | null>(null);
  useEffect(() => {
    api<{ users: User[] }>("GET", "/api/v1/users").then((r) => setUsers(r.users)).catch((e) => setErr(errText(e)));
  }, []);
  const act = (path: string) => {
    if (!sel) { setSelErr(t("chooseUser")); return; }
    go(`/admin/users/${encodeURIComponent(sel)}/${path}`);
  };
  return (
    <Layout title={t("userSelect")}>
      <p>{t("userSelectNote")}</p>
      {err && <Alert>{err}</Alert>}
      <div class="buttons"><button type="button" id="new-user" onClick={() => go("/admin/users/new")}>{t("newUser")}</button></div>
      {users === null ? <p>{t("loading")}</p> : users.length === 0 ? <p>{t("noUsers")}</p> : (
        <div class="table-wrap">
          <table class="list" id="user-list">
            <thead><tr>
              <th scope="col">{t("select")}</th><th scope="col">{t("userId")}</th><th scope="col">{t("nameKanji")}</th>
              <th scope="col">{t("authority")}</th><th scope="col">{t("certificate")}</th><th scope="col">{t("issueNumber")}</th>
              <th scope="col">{t("states")}</th><th scope="col">{t("permissionsSummary")}</th>
            </tr></thead>
            <tbody>{users.map((u) => (
              <tr key={u.user_id} data-user={u.user_id}>
                <td><input type="radio" name="user" id={"sel-" + u.user_id} value={u.user_id} checked={sel === u.user_id}
                  aria-label={u.user_id} onChange={() => { setSel(u.user_id); setSelErr(null); }} /></td>
                <td><label for={"sel-" + u.user_id}>{u.user_id}</label></td>
                <td>{u.name_kanji || u.name_kana}</td>
                <td>{t(u.authority)}</td>
                <td class="cert-mark" title={certStatusLabel(u.certificate.status)}>
                  {u.certificate.marked ?? (u.certificate.status === "registered" || u.certificate.status === "valid") ? "○" : ""}
                  {/* R23: states that need the administrator (a reissue) are spelled out */}
                  {["deadline_passed", "expired", "revoked"].includes(u.certificate.status) &&
                    <span class="cert-status-text" data-status={u.certificate.status}>{certStatusLabel(u.certificate.status)}</span>}
                </td>
                <td>{u.certificate.issue_number ?? ""}</td>
                <td>{statesText(u)}</td>
                <td>{u.permissions_summary ?? ""}</td>
              </tr>
            ))}</tbody>
          </table>
        </div>
      )}
      {selErr && <Alert>{selErr}</Alert>}
      <div class="buttons">
        <button type="button" id="change" onClick={() => act("edit")}>{t("change")}</button>
        <button type="button" id="delete" onClick={() => act("delete")}>{t("delete")}</button>
        <button type="button" id="unlock" onClick={() => act("unlock")}>{t("unlock")}</button>
        <button type="button" id="token" onClick={() => act("token")}>{t("token")}</button>
      </div>
    </Layout>
  );
}

interface Form {
  user_id: string; name_kana: string; name_kanji: string; authority: "approver" | "general"; contact_email: string;
  login_pin: string; login_pin_again: string; user_confirmation_pin: string; user_confirmation_pin_again: string;
  accident: boolean; suspended: boolean; otp_locked: boolean;
  permissions: Record<string, Permission>; certificate: "keep" | "reissue" | "revoke"; issue_certificate: boolean;
  confirmation_pin: string;
}

const emptyForm = (): Form => ({
  user_id: "", name_kana: "", name_kanji: "", authority: "general", contact_email: "", login_pin: "", login_pin_again: "",
  user_confirmation_pin: "", user_confirmation_pin_again: "", accident: false, suspended: false, otp_locked: false,
  permissions: {}, certificate: "keep", issue_certificate: true, confirmation_pin: "",
});

function PermissionsTable(props: { value: Record<string, Permission>; onChange: (p: Record<string, Permission>) => void; readOnly?: boolean }) {
  const p = props.value;
  const set = (svc: string, v: Permission) => props.onChange({ ...p, [svc]: { ...p[svc], ...v } });
  const all = (on: boolean) => props.onChange(Object.fromEntries(SERVICES.map((s) => [s, { ...p[s], allowed: on }])));
  return (
    <fieldset class="permissions">
      <legend>{t("permissions")}</legend>
      {!props.readOnly && <>
        <p>{t("permissionsNote")}</p>
        <div class="buttons">
          <button type="button" id="perm-all" onClick={() => all(true)}>{t("selectAll")}</button>
          <button type="button" id="perm-clear" onClick={() => all(false)}>{t("clear")}</button>
        </div>
      </>}
      <div class="table-wrap"><table class="list">
        <thead><tr><th scope="col"></th><th scope="col">{t("permission")}</th><th scope="col">{t("perTx")}</th><th scope="col">{t("perDay")}</th></tr></thead>
        <tbody>{SERVICES.map((svc) => (
          <tr key={svc}>
            <th scope="row"><label for={"perm-" + svc}>{serviceLabel(svc)}</label></th>
            <td><input type="checkbox" id={"perm-" + svc} checked={!!p[svc]?.allowed} disabled={props.readOnly}
              onChange={(e) => set(svc, { allowed: (e.target as HTMLInputElement).checked })} /></td>
            {LIMITED.has(svc) ? <>
              <td><input type="text" inputMode="numeric" class="num" aria-label={serviceLabel(svc) + " " + t("perTx")} disabled={props.readOnly}
                value={p[svc]?.per_transaction ?? 0} onInput={(e) => set(svc, { per_transaction: Number((e.target as HTMLInputElement).value.replace(/[^0-9]/g, "")) || 0 })} /></td>
              <td><input type="text" inputMode="numeric" class="num" aria-label={serviceLabel(svc) + " " + t("perDay")} disabled={props.readOnly}
                value={p[svc]?.per_day ?? 0} onInput={(e) => set(svc, { per_day: Number((e.target as HTMLInputElement).value.replace(/[^0-9]/g, "")) || 0 })} /></td>
            </> : <><td>-</td><td>-</td></>}
          </tr>
        ))}</tbody>
      </table></div>
    </fieldset>
  );
}

// 新規登録 (id undefined) and 変更: input → 確認 → 完了.
export function UserEdit(props: { id?: string }) {
  const b = useValue(bank);
  const isNew = props.id === undefined;
  const [user, setUser] = useState<User | null>(null);
  const [f, setF] = useState<Form>(emptyForm());
  const [errs, setErrs] = useState<Record<string, string | null>>({});
  const [formErr, setFormErr] = useState<string | null>(null);
  const [step, setStep] = useState<"input" | "confirm" | "done">("input");
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<User | null>(null);
  useEffect(() => {
    if (isNew) return;
    api<User>("GET", `/api/v1/users/${encodeURIComponent(props.id!)}`).then((u) => {
      setUser(u);
      setF({ ...emptyForm(), user_id: u.user_id, name_kana: u.name_kana, name_kanji: u.name_kanji, authority: u.authority,
        contact_email: u.contact_email ?? "",
        accident: u.states.accident, suspended: u.states.suspended, otp_locked: u.states.otp_locked,
        permissions: u.permissions ?? {} });
    }).catch((e) => setFormErr(errText(e)));
  }, [props.id]);
  const upd = (k: keyof Form) => (v: unknown) => setF((o) => ({ ...o, [k]: v }));

  const validate = (): boolean => {
    const e: Record<string, string | null> = {};
    if (isNew) e.user_id = /^[0-9A-Za-z]{1,16}$/.test(f.user_id) ? null : t("errUserId");
    e.name_kana = checkRequired(f.name_kana);
    e.contact_email = checkEmail(f.contact_email);
    for (const [k, again] of [["login_pin", "login_pin_again"], ["user_confirmation_pin", "user_confirmation_pin_again"]] as const) {
      if (isNew || f[k] || f[again]) {
        e[k] = checkPin(f[k], b);
        e[again] = !e[k] && f[k] !== f[again] ? t("errPinAgain") : null;
      }
    }
    e.confirmation_pin = checkPin(f.confirmation_pin, b);
    setErrs(e);
    return !Object.values(e).some(Boolean);
  };

  const body = () => {
    const o: Record<string, unknown> = { name_kana: f.name_kana, name_kanji: f.name_kanji, authority: f.authority,
      permissions: f.permissions, confirmation_pin: f.confirmation_pin };
    if (f.name_kanji === "") delete o.name_kanji;
    // A new user without an address sends none; clearing one on a change sends null.
    if (f.contact_email.trim()) o.contact_email = f.contact_email.trim();
    else if (!isNew && user?.contact_email) o.contact_email = null;
    for (const k of ["login_pin", "login_pin_again", "user_confirmation_pin", "user_confirmation_pin_again"] as const)
      if (f[k]) o[k] = f[k];
    if (isNew) { o.user_id = f.user_id; o.issue_certificate = f.issue_certificate; }
    else { o.accident = f.accident; o.suspended = f.suspended; o.otp_locked = f.otp_locked; o.certificate = f.certificate; }
    return o;
  };

  const submit = async () => {
    setBusy(true); setFormErr(null);
    try {
      const u = isNew ? await api<User>("POST", "/api/v1/users", body())
        : await api<User>("PATCH", `/api/v1/users/${encodeURIComponent(props.id!)}`, body());
      setResult(u); setStep("done");
    } catch (e) {
      if (e instanceof ApiError && e.problem.code === "confirmation_pin_incorrect") {
        setErrs({ confirmation_pin: e.problem.detail });
      } else setFormErr(errText(e));
      setF((o) => ({ ...o, confirmation_pin: "" }));
      setStep("input");
    } finally { setBusy(false); }
  };

  const title = isNew ? t("userInfoNew") : t("userInfoChange");
  if (step === "done") {
    return (
      <Layout title={t("doneTitle")}>
        <Alert kind="info">{isNew ? t("doneNew") : t("doneChange")}</Alert>
        {(f.certificate === "reissue" || (isNew && f.issue_certificate)) && <p id="done-reissue">{t("doneReissue")}</p>}
        {result && <table class="kv"><tbody>
          <tr><th scope="row">{t("userId")}</th><td>{result.user_id}</td></tr>
          <tr><th scope="row">{t("issueNumber")}</th><td id="done-issue-number">{result.certificate.issue_number ?? ""}</td></tr>
          <tr><th scope="row">{t("certStatus")}</th><td>{certStatusLabel(result.certificate.status)}</td></tr>
          <tr><th scope="row">{t("deadline")}</th><td>{fmtTime(result.certificate.acquisition_deadline)}</td></tr>
        </tbody></table>}
        <div class="buttons"><button type="button" class="primary" id="back-to-list" onClick={() => go("/admin/users")}>{t("backToList")}</button></div>
      </Layout>
    );
  }
  const ro = step === "confirm";
  const pinHint = t("errPin", { min: b?.pin.min_length ?? 4, max: b?.pin.max_length ?? 12 });
  return (
    <Layout title={ro ? t("confirmTitle") : title} screenId={isNew ? "CIBMU502" : "CIBMU503"}>
      <p>{ro ? t("confirmNote") : isNew ? t("newNote") : t("changeNote")}</p>
      {formErr && <Alert>{formErr}</Alert>}
      <form class="form wide" noValidate onSubmit={(e) => { e.preventDefault(); if (ro) void submit(); else if (validate()) setStep("confirm"); }}>
        <fieldset disabled={ro}>
          <legend>{title}</legend>
          {isNew ? <TextField id="user_id" label={t("userId")} value={f.user_id} onInput={upd("user_id")} error={errs.user_id} maxLength={16} required />
            : <div class="field"><span class="label">{t("userId")}</span><div class="control"><strong>{f.user_id}</strong></div></div>}
          <TextField id="name_kana" label={t("nameKana")} value={f.name_kana} onInput={upd("name_kana")} error={errs.name_kana} required />
          <TextField id="name_kanji" label={t("nameKanji")} value={f.name_kanji} onInput={upd("name_kanji")} />
          <TextField id="contact_email" label={t("contactEmail")} value={f.contact_email} onInput={upd("contact_email")}
            error={errs.contact_email} hint={t("contactEmailHint")} type="email" autoComplete="email" maxLength={254} />
          <div class="field"><label for="authority">{t("authority")}</label><div class="control">
            <select id="authority" value={f.authority} onChange={(e) => upd("authority")((e.target as HTMLSelectElement).value)}>
              <option value="general">{t("general")}</option><option value="approver">{t("approver")}</option>
            </select></div></div>
        </fieldset>
        {!ro && <fieldset>
          <legend>{t("userPin")}</legend>
          {!isNew && <p class="note">{t("pinChangeNote")}</p>}
          <SecretField id="login_pin" label={t("userPin")} value={f.login_pin} onInput={upd("login_pin")} error={errs.login_pin} hint={pinHint} required={isNew} />
          <SecretField id="login_pin_again" label={t("pinAgain")} value={f.login_pin_again} onInput={upd("login_pin_again")} error={errs.login_pin_again} required={isNew} />
          <SecretField id="user_confirmation_pin" label={t("userConfirmPin")} value={f.user_confirmation_pin} onInput={upd("user_confirmation_pin")} error={errs.user_confirmation_pin} hint={pinHint} required={isNew} />
          <SecretField id="user_confirmation_pin_again" label={t("pinAgain")} value={f.user_confirmation_pin_again} onInput={upd("user_confirmation_pin_again")} error={errs.user_confirmation_pin_again} required={isNew} />
        </fieldset>}
        {!isNew && <fieldset disabled={ro}>
          <legend>{t("otherInfo")}</legend>
          <div class="field"><label for="accident">{t("accident")}</label><div class="control">
            <select id="accident" value={f.accident ? "1" : "0"} onChange={(e) => upd("accident")((e.target as HTMLSelectElement).value === "1")}>
              <option value="0">{t("accidentNo")}</option><option value="1">{t("accidentYes")}</option></select></div></div>
          <div class="field"><label for="suspended">{t("suspended")}</label><div class="control">
            <select id="suspended" value={f.suspended ? "1" : "0"} onChange={(e) => upd("suspended")((e.target as HTMLSelectElement).value === "1")}>
              <option value="0">{t("usable")}</option><option value="1">{t("stopped")}</option></select></div></div>
          <div class="field"><label for="otp_locked">{t("otpLocked")}</label><div class="control">
            <select id="otp_locked" value={f.otp_locked ? "1" : "0"} onChange={(e) => upd("otp_locked")((e.target as HTMLSelectElement).value === "1")}>
              <option value="0">{t("usable")}</option><option value="1">{t("lockedYes")}</option></select></div></div>
          <div class="field"><span class="label">{t("locked")}</span><div class="control">{user?.states.locked ? t("lockedYes") : t("usable")}</div></div>
        </fieldset>}
        <fieldset disabled={ro}>
          <legend>{t("certInfo")}</legend>
          {isNew ? (
            <label class="check"><input type="checkbox" id="issue_certificate" checked={f.issue_certificate}
              onChange={(e) => upd("issue_certificate")((e.target as HTMLInputElement).checked)} /> {t("issueCert")}</label>
          ) : <>
            <p>{t("certInfoNote")}</p>
            <table class="kv" id="cert-details"><tbody>
              <tr><th scope="row">{t("issueNumber")}</th><td>{user?.certificate.issue_number ?? ""}</td></tr>
              <tr><th scope="row">{t("certStatus")}</th><td id="cert-status">{user ? certStatusLabel(user.certificate.status) : ""}</td></tr>
              <tr><th scope="row">{t("registeredAt")}</th><td>{fmtTime(user?.certificate.registered_at)}</td></tr>
              <tr><th scope="row">{t("certSerial")}</th><td>{user?.certificate.serial ?? ""}</td></tr>
              <tr><th scope="row">{t("certExpiry")}</th><td>{fmtTime(user?.certificate.not_after)}</td></tr>
              <tr><th scope="row">{t("deadline")}</th><td>{fmtTime(user?.certificate.acquisition_deadline)}</td></tr>
            </tbody></table>
            <div class="radio-group cert-handling" role="radiogroup" aria-label={t("certHandling")}>
              <span class="label">{t("certHandling")}</span>
              {(["keep", "reissue", "revoke"] as const).map((v) => (
                <label key={v}><input type="radio" name="certificate" id={"cert-" + v} value={v} checked={f.certificate === v}
                  onChange={() => upd("certificate")(v)} /> {t(v)}</label>
              ))}
            </div>
          </>}
        </fieldset>
        <PermissionsTable value={f.permissions} onChange={upd("permissions") as never} readOnly={ro} />
        {!ro && <fieldset>
          <legend>{t("confirmPin")}</legend>
          <p>{t("confirmPinNote")}</p>
          <SecretField id="confirmation_pin" label={t("confirmPin")} value={f.confirmation_pin} onInput={upd("confirmation_pin")}
            error={errs.confirmation_pin} required hint={pinHint} />
        </fieldset>}
        <div class="buttons">
          {ro ? <>
            <button type="button" onClick={() => setStep("input")}>{t("back")}</button>
            <button type="submit" class="primary" id="confirm" disabled={busy}>{t("confirm")}</button>
          </> : <>
            <button type="button" onClick={() => go("/admin/users")}>{t("cancel")}</button>
            <button type="submit" class="primary" id="submit">{isNew ? t("register") : t("change")}</button>
          </>}
        </div>
      </form>
    </Layout>
  );
}

// 登録抹消 / IDロック解除 / トークン登録: one confirmation PIN, then the answer.
export function UserAction(props: { id: string; action: "delete" | "unlock" | "token" }) {
  const b = useValue(bank);
  const [pin, setPin] = useState("");
  const [err, setErr] = useState<string | null>(null);
  const [formErr, setFormErr] = useState<string | null>(null);
  const [done, setDone] = useState<null | { qr_svg?: string; secret_base32?: string }>(null);
  const [busy, setBusy] = useState(false);
  // トークン登録: a software token (the server makes the secret) or a hardware token (its
  // serial and the secret from its seed sheet).
  const [kind, setKind] = useState<"software" | "hardware">("software");
  const [serial, setSerial] = useState("");
  const [seed, setSeed] = useState("");
  const [serialErr, setSerialErr] = useState<string | null>(null);
  const [seedErr, setSeedErr] = useState<string | null>(null);
  const hardware = props.action === "token" && kind === "hardware";
  const title = { delete: t("deleteTitle"), unlock: t("unlockTitle"), token: t("tokenTitle") }[props.action];
  const note = { delete: t("deleteNote"), unlock: t("unlockNote"), token: hardware ? t("tokenNoteHw") : t("tokenNote") }[props.action];
  const path = `/api/v1/users/${encodeURIComponent(props.id)}`;
  const submit = async (ev: Event) => {
    ev.preventDefault();
    const e = checkPin(pin, b);
    const se = hardware ? checkTokenSerial(serial.trim()) : null;
    const ke = hardware ? checkBase32Secret(normalizeBase32(seed)) : null;
    setErr(e); setSerialErr(se); setSeedErr(ke); setFormErr(null);
    if (e || se || ke) return;
    setBusy(true);
    try {
      const body = { confirmation_pin: pin };
      if (props.action === "delete") { await api("DELETE", path, body); setDone({}); }
      else if (props.action === "unlock") { await api("POST", path + "/unlock", body); setDone({}); }
      else if (hardware) {
        await api("PUT", path + "/token", { kind: "hardware", serial: serial.trim(), secret_base32: normalizeBase32(seed), ...body });
        setSeed("");
        setDone({});
      }
      else setDone(await api<{ qr_svg: string; secret_base32: string }>("PUT", path + "/token", { kind: "software", ...body }));
    } catch (x) {
      setPin("");
      if (x instanceof ApiError && x.problem.code === "confirmation_pin_incorrect") setErr(x.problem.detail);
      else setFormErr(errText(x));
    } finally { setBusy(false); }
  };
  if (done) {
    return (
      <Layout title={title}>
        <div id="action-done"><Alert kind="info">{{ delete: t("deleted"), unlock: t("unlocked"), token: hardware ? t("tokenDoneHw") : t("tokenDone") }[props.action]}</Alert></div>
        {done.qr_svg && <>
          <div class="qr" id="token-qr" role="img" aria-label="QR" dangerouslySetInnerHTML={{ __html: sanitizeSvg(done.qr_svg) }} />
          <p>{t("secret")}: <code id="token-secret">{done.secret_base32}</code></p>
        </>}
        <div class="buttons"><button type="button" class="primary" onClick={() => go("/admin/users")}>{t("backToList")}</button></div>
      </Layout>
    );
  }
  return (
    <Layout title={title}>
      <p>{note}</p>
      <table class="kv"><tbody><tr><th scope="row">{t("userId")}</th><td>{props.id}</td></tr></tbody></table>
      {formErr && <Alert>{formErr}</Alert>}
      <form class="form" onSubmit={submit} noValidate>
        {props.action === "token" && <>
          <fieldset class="token-kind">
            <legend>{t("tokenKind")}</legend>
            {(["software", "hardware"] as const).map((v) => (
              <label key={v}><input type="radio" name="token_kind" id={"token-kind-" + v} value={v} checked={kind === v}
                onChange={() => { setKind(v); setSerialErr(null); setSeedErr(null); setFormErr(null); }} /> {t(v + "Token")}</label>
            ))}
          </fieldset>
          {hardware && <>
            <TextField id="token_serial" label={t("tokenSerial")} value={serial} onInput={(v) => { setSerial(v); setSerialErr(null); }} error={serialErr}
              maxLength={32} required />
            <TextField id="token_secret" label={t("tokenSecret")} value={seed} onInput={(v) => { setSeed(v); setSeedErr(null); }} error={seedErr}
              hint={t("tokenSecretHint")} maxLength={160} required />
          </>}
        </>}
        <SecretField id="confirmation_pin" label={t("confirmPin")} value={pin} onInput={setPin} error={err} required />
        <div class="buttons">
          <button type="button" onClick={() => go("/admin/users")}>{t("cancel")}</button>
          <button type="submit" class="primary" id="submit" disabled={busy}>{title}</button>
        </div>
      </form>
    </Layout>
  );
}

// The server's QR SVG is markup we insert: keep only the svg element and its shapes.
function sanitizeSvg(svg: string): string {
  const doc = new DOMParser().parseFromString(svg, "image/svg+xml");
  const root = doc.documentElement;
  if (root.nodeName !== "svg") return "";
  const allowed = new Set(["svg", "path", "rect", "g"]);
  const walk = (el: Element) => {
    for (const c of Array.from(el.children)) {
      if (!allowed.has(c.nodeName)) { c.remove(); continue; }
      for (const a of Array.from(c.attributes)) if (a.name.startsWith("on") || a.name === "style" || a.name.includes("href")) c.removeAttribute(a.name);
      walk(c);
    }
  };
  for (const a of Array.from(root.attributes)) if (a.name.startsWith("on") || a.name === "style") root.removeAttribute(a.name);
  walk(root);
  return new XMLSerializer().serializeToString(root);
}

const KINDS = ["", "login.succeeded", "auth.failed", "logout", "person.locked", "person.unlocked", "confirmation_pin.failed",
  "user.registered", "user.changed", "user.deleted", "otp_token.registered", "contract.changed", "enrollment.started",
  "certificate.registered", "certificate.issued", "certificate.reissued", "certificate.revoked", "certificate.first_used"];

export function History() {
  const [from, setFrom] = useState("");
  const [until, setUntil] = useState("");
  const [userId, setUserId] = useState("");
  const [kind, setKind] = useState("");
  const [records, setRecords] = useState<UsageRecord[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const load = async (after?: string) => {
    const q = new URLSearchParams();
    if (from) q.set("from", new Date(from).toISOString());
    if (until) q.set("until", new Date(until).toISOString());
    if (userId) q.set("user_id", userId);
    if (kind) q.set("kind", kind);
    if (after) q.set("after", after);
    q.set("limit", "20");
    setErr(null);
    try {
      const r = await api<{ records: UsageRecord[]; next: string | null }>("GET", "/api/v1/history?" + q.toString());
      setRecords(r.records); setNext(r.next);
    } catch (e) { setErr(errText(e)); }
  };
  useEffect(() => { void load(); }, []);
  return (
    <Layout title={t("historyTitle")}>
      <form class="form filters" onSubmit={(e) => { e.preventDefault(); void load(); }} noValidate>
        <TextField id="from" type="datetime-local" label={t("from")} value={from} onInput={setFrom} />
        <TextField id="until" type="datetime-local" label={t("until")} value={until} onInput={setUntil} />
        <TextField id="history_user_id" label={t("userId")} value={userId} onInput={setUserId} maxLength={16} />
        <div class="field"><label for="kind">{t("kind")}</label><div class="control">
          <select id="kind" value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value)}>
            {KINDS.map((k) => <option value={k}>{k ? kindLabel(k) : t("all")}</option>)}
          </select></div></div>
        <div class="buttons"><button type="submit" class="primary" id="search">{t("search")}</button></div>
      </form>
      {err && <Alert>{err}</Alert>}
      {records && (records.length === 0 ? <p>{t("noRecords")}</p> : (
        <div class="table-wrap"><table class="list" id="history">
          <thead><tr><th scope="col">{t("at")}</th><th scope="col">{t("actor")}</th><th scope="col">{t("target")}</th>
            <th scope="col">{t("kind")}</th><th scope="col">{t("result")}</th><th scope="col">{t("source")}</th></tr></thead>
          <tbody>{records.map((r) => (
            <tr key={r.id}><td>{fmtTime(r.at)}</td><td>{r.actor}</td><td>{r.target_user_id ?? ""}</td>
              <td>{kindLabel(r.kind)}</td><td>{r.result === "ok" ? "OK" : r.result}</td><td>{r.source_address ?? ""}</td></tr>
          ))}</tbody>
        </table></div>
      ))}
      <div class="buttons">
        <button type="button" onClick={() => void load()}>{t("firstPage")}</button>
        <button type="button" id="next-page" disabled={!next} onClick={() => next && void load(next)}>{t("nextPage")}</button>
      </div>
    </Layout>
  );
}

export function StopScreen() {
  const b = useValue(bank);
  const [pin, setPin] = useState("");
  const [err, setErr] = useState<string | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  const [formErr, setFormErr] = useState<string | null>(null);
  const send = async (stop: boolean) => {
    const e = checkPin(pin, b);
    setErr(e); setFormErr(null); setMsg(null);
    if (e) return;
    try {
      await api("POST", "/api/v1/contract/stop", { stop, confirmation_pin: pin });
      setMsg(stop ? t("stopDone") : t("resumeDone"));
      // The top page shows the state from the session answer: keep it current.
      const cur = session.get();
      if (cur?.contract) session.set({ ...cur, contract: { ...cur.contract, transactions_stopped: stop } });
    } catch (x) {
      if (x instanceof ApiError && x.problem.code === "confirmation_pin_incorrect") setErr(x.problem.detail);
      else setFormErr(errText(x));
    }
    setPin("");
  };
  return (
    <Layout title={t("stopTitle")}>
      <p>{t("stopNote")}</p>
      {msg && <Alert kind="info">{msg}</Alert>}
      {formErr && <Alert>{formErr}</Alert>}
      <form class="form" onSubmit={(e) => { e.preventDefault(); void send(true); }} noValidate>
        <SecretField id="confirmation_pin" label={t("confirmPin")} value={pin} onInput={setPin} error={err} required />
        <div class="buttons">
          <button type="submit" class="primary danger" id="stop">{t("stopDo")}</button>
          <button type="button" id="resume" onClick={() => void send(false)}>{t("stopResume")}</button>
        </div>
      </form>
    </Layout>
  );
}
