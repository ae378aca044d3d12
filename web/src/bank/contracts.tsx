// 契約法人検索 and 契約法人照会: the contract, its administrator (lock, certificate), pending
// requests, and the requests that can be made for it.
import { useEffect, useState } from "preact/hooks";
import { Alert, TextField } from "../fields";
import { certStatusLabel, fmtTime, t } from "../i18n";
import { bankApi, errorText, type Contract, type ContractView } from "./api";
import { BankLayout } from "./layout";
import { kindLabel, stateLabel } from "./kinds";
import { go } from "./state";

export const loginMethodLabel = (m: string) => (m === "certificate" ? t("certMethod") : m === "id_pin" ? t("idPinMethod") : m);

export function ContractSearch() {
  const [q, setQ] = useState("");
  const [list, setList] = useState<Contract[] | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const search = (query: string) => {
    setErr(null);
    bankApi<{ contracts: Contract[] }>("GET", `/contracts?q=${encodeURIComponent(query)}&limit=50`)
      .then((r) => setList(r.contracts)).catch((e) => setErr(errorText(e)));
  };
  useEffect(() => search(""), []);
  return (
    <BankLayout title={t("bkContracts")}>
      <form class="form filters" noValidate onSubmit={(e) => { e.preventDefault(); search(q.trim()); }}>
        <TextField id="contract_q" label={t("bkSearchQ")} value={q} onInput={setQ} hint={t("bkSearchHint")} maxLength={100} />
        <div class="buttons"><button type="submit" class="primary" id="contract-search">{t("search")}</button></div>
      </form>
      {err && <Alert>{err}</Alert>}
      {list === null ? <p>{t("loading")}</p> : list.length === 0 ? <p>{t("noRecords")}</p> : (
        <div class="table-wrap"><table class="list" id="contracts">
          <thead><tr><th scope="col">{t("contractId")}</th><th scope="col">{t("contractName")}</th>
            <th scope="col">{t("bkLoginMethod")}</th><th scope="col">{t("states")}</th></tr></thead>
          <tbody>{list.map((c) => (
            <tr data-contract={c.contract_id}>
              <td><a href={`#/contracts/${c.contract_id}`}>{c.contract_id}</a></td>
              <td>{c.name}<br /><small>{c.name_kana}</small></td>
              <td>{loginMethodLabel(c.login_method)}</td>
              <td>{c.suspended ? t("bkSuspended") : t("usable")}{c.transactions_stopped ? `・${t("txStopped")}` : ""}</td>
            </tr>
          ))}</tbody>
        </table></div>
      )}
    </BankLayout>
  );
}

export function ContractShow(props: { id: string }) {
  const [v, setV] = useState<ContractView | null>(null);
  const [err, setErr] = useState<string | null>(null);
  useEffect(() => {
    bankApi<ContractView>("GET", `/contracts/${encodeURIComponent(props.id)}`).then(setV).catch((e) => setErr(errorText(e)));
  }, [props.id]);
  const c = v?.contract, a = v?.admin, cert = a?.certificate;
  const kinds = ["contract_change", "admin_certificate_reissue", "admin_unlock", "admin_pin_reset",
    c?.suspended ? "contract_resume" : "contract_suspend"];
  return (
    <BankLayout title={t("bkContract")}>
      {err && <Alert>{err}</Alert>}
      {!v ? (!err && <p>{t("loading")}</p>) : (<>
        <table class="kv" id="contract-view"><tbody>
          <tr><th scope="row">{t("contractId")}</th><td id="cv-contract-id">{c!.contract_id}</td></tr>
          <tr><th scope="row">{t("contractName")}</th><td id="cv-name">{c!.name}</td></tr>
          <tr><th scope="row">{t("bkNameKana")}</th><td>{c!.name_kana}</td></tr>
          <tr><th scope="row">{t("bkLoginMethod")}</th><td>{loginMethodLabel(c!.login_method)}</td></tr>
          <tr><th scope="row">{t("states")}</th><td id="cv-state">{c!.suspended ? t("bkSuspended") : t("usable")}</td></tr>
          <tr><th scope="row">{t("webFb")}</th><td>{c!.transactions_stopped ? t("txStopped") : t("txAvailable")}</td></tr>
          <tr><th scope="row">{t("bkUsers")}</th><td>{v.users}</td></tr>
        </tbody></table>
        <h2>{t("bkAdmin")}</h2>
        <table class="kv" id="admin-view"><tbody>
          <tr><th scope="row">{t("locked")}</th><td id="cv-admin-locked">{a!.locked ? t("lockedYes") : t("usable")}</td></tr>
          <tr><th scope="row">{t("bkFailures")}</th><td>{a!.failure_count}</td></tr>
          <tr><th scope="row">{t("lastLogin")}</th><td>{fmtTime(a!.last_login_at ?? null)}</td></tr>
          <tr><th scope="row">{t("contactEmail")}</th><td>{a!.contact_email || t("none")}</td></tr>
          <tr><th scope="row">{t("certStatus")}</th><td id="cv-cert-status">{cert?.status ? certStatusLabel(cert.status) : t("none")}</td></tr>
          {cert?.issue_number && <tr><th scope="row">{t("issueNumber")}</th><td id="cv-issue-number">{cert.issue_number}</td></tr>}
          {cert?.serial && <tr><th scope="row">{t("certSerial")}</th><td>{cert.serial}</td></tr>}
          {cert?.not_after && <tr><th scope="row">{t("certExpiry")}</th><td>{fmtTime(cert.not_after)}</td></tr>}
          {cert?.acquisition_deadline && <tr><th scope="row">{t("deadline")}</th><td>{fmtTime(cert.acquisition_deadline)}</td></tr>}
        </tbody></table>
        <h2>{t("bkPendingHere")}</h2>
        {v.pending_requests.length === 0 ? <p>{t("bkNoPending")}</p> : (
          <ul id="cv-pending">{v.pending_requests.map((r) => (
            <li><a href={`#/requests/${r.id}`}>{t("bkReceipt")} {r.id}</a>: {kindLabel(r.kind)}（{stateLabel(r.state)}）</li>
          ))}</ul>
        )}
        <h2>{t("bkNewRequest")}</h2>
        <div class="buttons" id="request-kinds">
          {kinds.map((k) => (
            <button type="button" id={`req-${k}`} onClick={() => go(`/requests/new/${k}/${c!.contract_id}`)}>{kindLabel(k)}</button>
          ))}
        </div>
      </>)}
      <p><a href="#/contracts">{t("back")}</a></p>
    </BankLayout>
  );
}
