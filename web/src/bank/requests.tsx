// Change requests (four eyes): the form per kind → 確認 → 完了 (受付番号); the pending list;
// one request with 承認 / 否認 for approvers, and the approval's answer shown once (the letter).
import { useEffect, useState } from "preact/hooks";
import { Alert, TextField } from "../fields";
import { fmtTime, LIMITED, serviceLabel, t } from "../i18n";
import { checkContractId, checkEmail, checkRequired } from "../validate";
import { bankApi, errorText, BankError, type ChangeRequest } from "./api";
import { loginMethodLabel } from "./contracts";
import { kindLabel, stateLabel } from "./kinds";
import { BankLayout } from "./layout";
import { go, staff } from "./state";
import { useValue } from "../signalish";

interface Form {
  contract_id: string; request_number: string; name: string; name_kana: string; login_method: string;
  admin_contact_email: string; limits: Record<string, { tx?: string; day?: string }>;
}
const empty = (contractId: string): Form => ({ contract_id: contractId, request_number: "", name: "", name_kana: "",
  login_method: "", admin_contact_email: "", limits: {} });
const hasContractFields = (k: string) => k === "contract_create" || k === "contract_change";

function payloadOf(kind: string, f: Form): Record<string, unknown> | undefined {
  if (!hasContractFields(kind)) return undefined;
  const p: Record<string, unknown> = {};
  if (kind === "contract_create") p.contract_id = f.contract_id;
  if (f.name.trim()) p.name = f.name.trim();
  if (f.name_kana.trim()) p.name_kana = f.name_kana.trim();
  if (f.login_method) p.login_method = f.login_method;
  if (f.admin_contact_email.trim()) p.admin_contact_email = f.admin_contact_email.trim();
  const limits = Object.fromEntries(Object.entries(f.limits).filter(([, v]) => v.tx || v.day)
    .map(([k, v]) => [k, { per_transaction: Number(v.tx), per_day: Number(v.day) }]));
  if (Object.keys(limits).length) p.upper_limits = limits;
  return p;
}

export function RequestForm(props: { kind: string; contractId?: string }) {
  const kind = props.kind;
  const [f, setF] = useState<Form>(empty(props.contractId ?? ""));
  const [errs, setErrs] = useState<Record<string, string | null>>({});
  const [step, setStep] = useState<"input" | "confirm" | "done">("input");
  const [formErr, setFormErr] = useState<string | null>(null);
  const [done, setDone] = useState<ChangeRequest | null>(null);
  const [busy, setBusy] = useState(false);
  const upd = (k: keyof Form) => (v: string) => setF((o) => ({ ...o, [k]: v }));
  const validate = () => {
    const e: Record<string, string | null> = {};
    e.contract_id = checkContractId(f.contract_id);
    if (kind === "admin_certificate_reissue") e.request_number = checkRequired(f.request_number);
    if (!e.request_number && f.request_number && !/^[0-9A-Za-z-]{1,32}$/.test(f.request_number)) e.request_number = t("bkErrRequestNumber");
    if (kind === "contract_create") {
      e.name = checkRequired(f.name);
      e.name_kana = checkRequired(f.name_kana);
      e.login_method = f.login_method ? null : t("errRequired");
    }
    if (hasContractFields(kind)) {
      e.admin_contact_email = checkEmail(f.admin_contact_email);
      // A service's limits come in pairs (1回 and 1日), digits only.
      for (const [k, v] of Object.entries(f.limits))
        if ((v.tx || v.day) && !(/^[0-9]{1,15}$/.test(v.tx ?? "") && /^[0-9]{1,15}$/.test(v.day ?? ""))) e["limit_" + k] = t("bkErrLimits");
      if (kind === "contract_change" && Object.keys(payloadOf(kind, f) ?? {}).length === 0)
        e.form = t("bkErrNothing");
    }
    setErrs(e);
    return !Object.values(e).some(Boolean);
  };
  const submit = async () => {
    setBusy(true); setFormErr(null);
    try {
      const body: Record<string, unknown> = { kind, contract_id: f.contract_id };
      if (f.request_number) body.request_number = f.request_number;
      const p = payloadOf(kind, f);
      if (p) body.payload = p;
      setDone(await bankApi<ChangeRequest>("POST", "/requests", body));
      setStep("done");
    } catch (e) {
      const id = e instanceof BankError && e.problem.field ? fieldId(e.problem.field) : "";
      if (/^(contract_id|request_number|name|name_kana|login_method|admin_contact_email|limit_.+)$/.test(id)) {
        setErrs({ [id]: errorText(e) });
        setStep("input");
      } else setFormErr(errorText(e));
    } finally { setBusy(false); }
  };
  if (step === "done" && done) return (
    <BankLayout title={t("bkDoneTitle")}>
      <Alert kind="info">{t("bkRequested")}</Alert>
      <table class="kv"><tbody>
        <tr><th scope="row">{t("bkReceipt")}</th><td id="receipt-number">{done.id}</td></tr>
        <tr><th scope="row">{t("kind")}</th><td>{kindLabel(done.kind)}</td></tr>
        <tr><th scope="row">{t("contractId")}</th><td>{done.contract_id}</td></tr>
        {done.request_number && <tr><th scope="row">{t("bkRequestNumber")}</th><td>{done.request_number}</td></tr>}
        <tr><th scope="row">{t("states")}</th><td id="receipt-state">{stateLabel(done.state)}</td></tr>
      </tbody></table>
      <p>{t("bkNeedsApproval")}</p>
      <div class="buttons">
        <a class="button" href={`#/requests/${done.id}`} id="to-request">{t("bkShowRequest")}</a>
        <a class="button" href={`#/contracts/${done.contract_id}`}>{t("bkContract")}</a>
      </div>
    </BankLayout>
  );
  const ro = step === "confirm";
  return (
    <BankLayout title={ro ? t("bkConfirmTitle") : kindLabel(kind)}>
      <p>{ro ? t("bkConfirmNote") : t("bkFormNote")}</p>
      {formErr && <Alert>{formErr}</Alert>}
      {errs.form && <Alert>{errs.form}</Alert>}
      <form class="form wide" noValidate onSubmit={(e) => { e.preventDefault(); if (ro) void submit(); else if (validate()) setStep("confirm"); }}>
        <fieldset disabled={ro}>
          <legend>{kindLabel(kind)}</legend>
          <TextField id="contract_id" label={t("contractId")} value={f.contract_id} onInput={upd("contract_id")}
            error={errs.contract_id} inputMode="numeric" maxLength={11} required />
          <TextField id="request_number" label={t("bkRequestNumber")} value={f.request_number} onInput={upd("request_number")}
            error={errs.request_number} hint={t("bkRequestNumberHint")} maxLength={32} required={kind === "admin_certificate_reissue"} />
          {hasContractFields(kind) && <>
            <TextField id="name" label={t("contractName")} value={f.name} onInput={upd("name")} error={errs.name}
              required={kind === "contract_create"} maxLength={100} hint={kind === "contract_change" ? t("bkChangeHint") : undefined} />
            <TextField id="name_kana" label={t("bkNameKana")} value={f.name_kana} onInput={upd("name_kana")} error={errs.name_kana}
              required={kind === "contract_create"} maxLength={100} />
            <div class={"field" + (errs.login_method ? " has-error" : "")}><label for="login_method">{t("bkLoginMethod")}
              {kind === "contract_create" && <span class="req">{t("required")}</span>}</label><div class="control">
              <select id="login_method" value={f.login_method} onChange={(e) => upd("login_method")((e.target as HTMLSelectElement).value)}>
                <option value="">{kind === "contract_change" ? t("bkNoChange") : t("select")}</option>
                <option value="certificate">{loginMethodLabel("certificate")}</option>
                <option value="id_pin">{loginMethodLabel("id_pin")}</option>
              </select>
              {errs.login_method && <span class="error" id="login_method-error" role="alert">{errs.login_method}</span>}
            </div></div>
            <TextField id="admin_contact_email" label={t("bkAdminEmail")} value={f.admin_contact_email} onInput={upd("admin_contact_email")}
              error={errs.admin_contact_email} type="email" maxLength={254} />
            <h2>{t("bkUpperLimits")}</h2>
            <div class="table-wrap"><table class="list">
              <thead><tr><th scope="col">{t("bkService")}</th><th scope="col">{t("perTx")}</th><th scope="col">{t("perDay")}</th></tr></thead>
              <tbody>{[...LIMITED].map((svc) => (
              <tr><th scope="row">{serviceLabel(svc)}</th>
                {(["tx", "day"] as const).map((which) => (
                  <td><input id={`limit-${svc}-${which}`} class="num" type="text" inputMode="numeric" value={f.limits[svc]?.[which] ?? ""}
                    aria-label={`${serviceLabel(svc)} ${which === "tx" ? t("perTx") : t("perDay")}`}
                    aria-invalid={errs["limit_" + svc] ? "true" : undefined}
                    onInput={(e) => setF((o) => ({ ...o, limits: { ...o.limits, [svc]: { ...o.limits[svc], [which]: (e.target as HTMLInputElement).value } } }))} />
                    {which === "day" && errs["limit_" + svc] && <span class="error" id={`limit-${svc}-error`} role="alert">{errs["limit_" + svc]}</span>}</td>
                ))}</tr>
            ))}</tbody></table></div>
          </>}
        </fieldset>
        <div class="buttons">
          {ro ? <>
            <button type="button" id="back" onClick={() => setStep("input")}>{t("back")}</button>
            <button type="submit" class="primary" id="confirm" disabled={busy}>{t("confirm")}</button>
          </> : <>
            <button type="button" onClick={() => history.back()}>{t("cancel")}</button>
            <button type="submit" class="primary" id="submit">{t("next")}</button>
          </>}
        </div>
      </form>
    </BankLayout>
  );
}

// The server's field names in problem.field → this form's field ids.
function fieldId(f: string): string {
  const m = /^(?:payload\.)?(.*)$/.exec(f)![1];
  return m.startsWith("upper_limits.") ? "limit_" + m.slice(13).split(".")[0] : m;
}

// 新規受付: choose the kind of a new request (contract creation needs no existing contract).
export function NewRequest() {
  return (
    <BankLayout title={t("bkNewRequest")}>
      <p>{t("bkNewRequestNote")}</p>
      <ul class="menu-list">
        <li><a href="#/requests/new/contract_create" id="new-contract_create">{kindLabel("contract_create")}</a></li>
      </ul>
      <p>{t("bkFromContract")} <a href="#/contracts">{t("bkContracts")}</a></p>
    </BankLayout>
  );
}

export function PendingList() {
  const [list, setList] = useState<ChangeRequest[] | null>(null);
  const [err, setErr] = useState<string | null>(null);
  useEffect(() => {
    bankApi<{ requests: ChangeRequest[] }>("GET", "/requests?state=pending").then((r) => setList(r.requests)).catch((e) => setErr(errorText(e)));
  }, []);
  return (
    <BankLayout title={t("bkPending")}>
      {err && <Alert>{err}</Alert>}
      {list === null ? (!err && <p>{t("loading")}</p>) : list.length === 0 ? <p id="no-pending">{t("bkNoPending")}</p> : (
        <div class="table-wrap"><table class="list" id="pending">
          <thead><tr><th scope="col">{t("bkReceipt")}</th><th scope="col">{t("kind")}</th><th scope="col">{t("contractId")}</th>
            <th scope="col">{t("bkRequestNumber")}</th><th scope="col">{t("bkRequestedBy")}</th><th scope="col">{t("at")}</th></tr></thead>
          <tbody>{list.map((r) => (
            <tr data-request={String(r.id)}>
              <td><a href={`#/requests/${r.id}`}>{r.id}</a></td><td>{kindLabel(r.kind)}</td><td>{r.contract_id}</td>
              <td>{r.request_number ?? ""}</td><td>{r.requested_by}</td><td>{fmtTime(r.requested_at)}</td>
            </tr>
          ))}</tbody>
        </table></div>
      )}
    </BankLayout>
  );
}

const RESULT_LABELS: Record<string, string> = {
  contract_id: "contractId", admin_login_pin: "bkLetterLoginPin", login_pin: "bkLetterLoginPin",
  admin_confirmation_pin: "bkLetterConfirmationPin", confirmation_pin: "bkLetterConfirmationPin",
  admin_totp_secret_base32: "bkLetterTotp", totp_secret_base32: "bkLetterTotp", otpauth_uri: "bkLetterOtpauth",
  admin_otpauth_uri: "bkLetterOtpauth", login_method: "bkLoginMethod",
  issue_number: "issueNumber", acquisition_deadline: "deadline", registered_at: "registeredAt", status: "certStatus",
};
function flatten(o: unknown, prefix = ""): [string, string][] {
  if (o === null || o === undefined) return [];
  if (typeof o !== "object") return [[prefix, String(o)]];
  return Object.entries(o as Record<string, unknown>).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
}
const resultLabel = (k: string) => { const last = k.split(".").pop()!; return RESULT_LABELS[last] ? t(RESULT_LABELS[last]) : k; };

export function RequestShow(props: { id: string }) {
  const s = useValue(staff);
  const [r, setR] = useState<ChangeRequest | null>(null);
  const [result, setResult] = useState<unknown>(null);
  const [err, setErr] = useState<string | null>(null);
  const [decisionErr, setDecisionErr] = useState<string | null>(null);
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    bankApi<ChangeRequest>("GET", `/requests/${encodeURIComponent(props.id)}`).then(setR).catch((e) => setErr(errorText(e)));
  }, [props.id]);
  const decide = async (what: "approve" | "reject") => {
    setBusy(true); setDecisionErr(null);
    try {
      if (what === "approve") {
        const a = await bankApi<{ request: ChangeRequest; result?: unknown }>("POST", `/requests/${encodeURIComponent(props.id)}/approve`);
        setR(a.request); setResult(a.result ?? null);
      } else {
        setR(await bankApi<ChangeRequest>("POST", `/requests/${encodeURIComponent(props.id)}/reject`, reason ? { reason } : {}));
      }
    } catch (e) { setDecisionErr(errorText(e)); } finally { setBusy(false); }
  };
  const rows = result ? flatten(result).filter(([, v]) => v !== "") : [];
  return (
    <BankLayout title={t("bkRequest")}>
      {err && <Alert>{err}</Alert>}
      {r && <>
        <table class="kv" id="request-view"><tbody>
          <tr><th scope="row">{t("bkReceipt")}</th><td id="rq-id">{r.id}</td></tr>
          <tr><th scope="row">{t("kind")}</th><td id="rq-kind">{kindLabel(r.kind)}</td></tr>
          <tr><th scope="row">{t("contractId")}</th><td><a href={`#/contracts/${r.contract_id}`}>{r.contract_id}</a></td></tr>
          {r.request_number && <tr><th scope="row">{t("bkRequestNumber")}</th><td id="rq-number">{r.request_number}</td></tr>}
          {r.payload && Object.keys(r.payload).length > 0 && <tr><th scope="row">{t("bkPayload")}</th><td>
            {flatten(r.payload).map(([k, v]) => <div>{k === "login_method" ? `${k}: ${loginMethodLabel(v)}` : `${k}: ${v}`}</div>)}</td></tr>}
          <tr><th scope="row">{t("states")}</th><td id="rq-state">{stateLabel(r.state)}</td></tr>
          <tr><th scope="row">{t("bkRequestedBy")}</th><td>{r.requested_by}（{fmtTime(r.requested_at)}）</td></tr>
          {r.decided_by && <tr><th scope="row">{t("bkDecidedBy")}</th><td>{r.decided_by}（{fmtTime(r.decided_at ?? null)}）</td></tr>}
          {r.reason && <tr><th scope="row">{t("bkReason")}</th><td id="rq-reason">{r.reason}</td></tr>}
        </tbody></table>
        {r.state === "pending" && (
          <section class="decision" aria-labelledby="decision-title">
            <h2 id="decision-title">{t("bkDecision")}</h2>
            {s?.staff.role !== "approver" && <p class="note">{t("bkApproverOnly")}</p>}
            <TextField id="reject_reason" label={t("bkReason")} value={reason} onInput={setReason} maxLength={200} />
            <div class="buttons">
              <button type="button" class="primary" id="approve" disabled={busy} onClick={() => void decide("approve")}>{t("bkApprove")}</button>
              <button type="button" class="danger" id="reject" disabled={busy} onClick={() => void decide("reject")}>{t("bkReject")}</button>
              {decisionErr && <span class="error" id="decision-error" role="alert">{decisionErr}</span>}
            </div>
          </section>
        )}
        {result !== null && (
          <section class="letter" id="letter" aria-labelledby="letter-title">
            <h2 id="letter-title">{t("bkResult")}</h2>
            <Alert kind="info">{t("bkResultOnce")}</Alert>
            {rows.length > 0 && <table class="kv" id="result"><tbody>{rows.map(([k, v]) => (
              <tr data-key={k}><th scope="row">{resultLabel(k)}</th><td class="secret-value">{k === "login_method" ? loginMethodLabel(v) : v}</td></tr>
            ))}</tbody></table>}
            <div class="buttons no-print"><button type="button" id="print" onClick={() => print()}>{t("bkPrint")}</button></div>
          </section>
        )}
      </>}
      <p class="no-print"><a href="#/requests">{t("bkPending")}</a></p>
    </BankLayout>
  );
}
