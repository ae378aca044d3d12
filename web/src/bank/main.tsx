// The back office screens (/bank/ on the bank listener): staff logon, contracts, change
// requests with four eyes. Hash routes; private screens need an active staff session.
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { t } from "../i18n";
import { useValue } from "../signalish";
import "../style.css";
import { bankApi, type StaffSession } from "./api";
import { ContractSearch, ContractShow } from "./contracts";
import { KINDS } from "./kinds";
import { StaffLogon, StaffOtp } from "./logon";
import { NewRequest, PendingList, RequestForm, RequestShow } from "./requests";
import { go, route, setStaff, staff } from "./state";

function Screen(props: { path: string }) {
  const s = useValue(staff);
  const p = props.path;
  if (!s) { if (p !== "/") { queueMicrotask(() => location.replace("#/")); return null; } return <StaffLogon />; }
  if (s.phase !== "active") { if (p !== "/otp") { go("/otp"); return null; } return <StaffOtp />; }
  if (p === "/" || p === "/otp" || p === "/contracts") return p === "/contracts" ? <ContractSearch /> : (go("/contracts"), null);
  if (p === "/requests") return <PendingList />;
  if (p === "/requests/new") return <NewRequest />;
  let m = /^\/contracts\/([0-9]{1,11})$/.exec(p);
  if (m) return <ContractShow id={m[1]} key={m[1]} />;
  m = /^\/requests\/new\/([a-z_]+)(?:\/([0-9]{1,11}))?$/.exec(p);
  if (m && KINDS.includes(m[1])) return <RequestForm kind={m[1]} contractId={m[2]} key={p} />;
  m = /^\/requests\/([0-9A-Za-z-]+)$/.exec(p);
  if (m) return <RequestShow id={m[1]} key={m[1]} />;
  go("/contracts");
  return null;
}

function App() {
  const r = useValue(route);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    bankApi<StaffSession>("GET", "/sessions/current").then((s) => setStaff(s)).catch(() => setStaff(null)).finally(() => setReady(true));
  }, []);
  if (!ready) return <p class="loading">{t("loading")}</p>;
  return <Screen path={r} key={r} />;
}

render(<App />, document.getElementById("app")!);
