// 行員ログオン: staff ID and PIN (software keyboard), then the one-time password.
import { useState } from "preact/hooks";
import { Alert, OtpForm, SecretField, TextField } from "../fields";
import { t } from "../i18n";
import { useValue } from "../signalish";
import { BankError, bankApi, errorText, type StaffSession } from "./api";
import { BankLayout } from "./layout";
import { flash, go, setStaff } from "./state";

// Where the server's message belongs: beside the PIN/OTP field or above the form.
function place(e: unknown, field: (m: string) => void, form: (m: string) => void) {
  if (e instanceof BankError && ["pin_incorrect", "otp_incorrect", "otp_reused"].includes(e.problem.code)) field(e.text);
  else form(errorText(e));
}

export function StaffLogon() {
  const f = useValue(flash);
  const [id, setId] = useState("");
  const [pin, setPin] = useState("");
  const [errs, setErrs] = useState<Record<string, string | null>>({});
  const [formErr, setFormErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (ev: Event) => {
    ev.preventDefault();
    const e = {
      staff_id: /^[0-9A-Za-z]{1,16}$/.test(id) ? null : t("bkErrStaffId"),
      pin: /^[0-9A-Za-z]{4,32}$/.test(pin) ? null : t("bkErrPin"),
    };
    setErrs(e); setFormErr(null);
    if (e.staff_id || e.pin) return;
    setBusy(true);
    try {
      const s = await bankApi<StaffSession>("POST", "/sessions", { staff_id: id, pin });
      flash.set(null);
      setStaff(s);
      go(s.phase === "active" ? "/contracts" : "/otp");
    } catch (x) {
      setPin("");
      place(x, (m) => setErrs({ ...e, pin: m }), setFormErr);
    } finally { setBusy(false); }
  };
  return (
    <BankLayout title={t("bkLogon")}>
      {f && <Alert kind="info">{f}</Alert>}
      <form class="form" onSubmit={submit} noValidate>
        {formErr && <Alert>{formErr}</Alert>}
        <TextField id="staff_id" label={t("bkStaffId")} value={id} onInput={setId} error={errs.staff_id} maxLength={16} required />
        <SecretField id="pin" label={t("bkPin")} value={pin} onInput={setPin} error={errs.pin} maxLength={32} required />
        <p class="note">{t("skNote")}</p>
        <div class="buttons"><button type="submit" class="primary" id="staff-logon" disabled={busy}>{t("logon")}</button></div>
      </form>
    </BankLayout>
  );
}

export function StaffOtp() {
  return (
    <BankLayout title={t("otp")}>
      <OtpForm placeError={place} buttonId="staff-otp" send={async (otp) => {
        setStaff(await bankApi<StaffSession>("POST", "/sessions/current/otp", { otp }));
        go("/contracts");
      }} />
    </BankLayout>
  );
}
