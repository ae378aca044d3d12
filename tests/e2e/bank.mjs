// The back office (/bank/ on the bank listener) with four eyes: an operator registers the
// administrator's certificate reissue from a paper request (依頼書番号); the same operator
// cannot approve it; an approver approves; the administrator acquires the new certificate with
// kakuin-cert and logs on with it in Chromium. Also a contract registration whose approval
// shows the letter (initial PINs) once, with 印刷.
import assert from "node:assert/strict";
import {
  BANK, log, snap, otp, newHome, acquire, browser, text, softType, expectHeading, certLogon,
} from "./lib.mjs";

// The demo's staff (demo-credentials.json "staff"): an operator and an approver.
function staffOf(creds, role) {
  const s = (creds.staff ?? []).find((x) => x.role === role);
  assert.ok(s, `a demo staff member with role ${role}`);
  return { id: s.staff_id, pin: s.pin, secret: s.totp_secret ?? s.totp_secret_base32 };
}

async function staffLogon(page, s, keyboard = false) {
  await page.goto(BANK + "/bank/");
  await expectHeading(page, "行員ログオン");
  await page.fill("#staff_id", s.id);
  if (keyboard) await softType(page, "pin", s.pin); else await page.fill("#pin", s.pin);
  await page.click("#staff-logon");
  await expectHeading(page, "ワンタイムパスワード");
  await page.fill("#otp", await otp(s.secret));
  await page.click("#staff-otp");
  await expectHeading(page, "契約法人検索");
}

export async function backOffice(sh) {
  assert.ok(BANK, "the bank listener's port (E2E_BANK_PORT)");
  const { creds } = sh;
  const C = creds.contract_id;
  const op = staffOf(creds, "operator");
  const ap = staffOf(creds, "approver");

  const ctx = await browser(newHome("bank"));
  const page = await ctx.newPage();
  const resp = await page.goto(BANK + "/bank/");
  assert.match(resp.headers()["content-security-policy"] ?? "", /default-src 'self'/, "CSP on /bank/");
  await expectHeading(page, "行員ログオン");
  await snap(page, "bank-logon", true);

  // Wrong PIN: the server's message beside the field.
  await page.fill("#staff_id", op.id);
  await page.fill("#pin", "wrong999x");
  await page.click("#staff-logon");
  await page.waitForSelector("#pin-error");
  log("staff wrong PIN: " + await text(page, "#pin-error"));

  // The operator: ID, PIN with the software keyboard, OTP.
  await staffLogon(page, op, true);
  await page.fill("#contract_q", C.slice(0, 6));
  await page.click("#contract-search");
  await page.waitForSelector(`tr[data-contract="${C}"]`);
  await snap(page, "bank-contracts", true);
  await page.click(`tr[data-contract="${C}"] a`);
  await expectHeading(page, "契約法人照会");
  await page.waitForSelector("#cv-cert-status");
  assert.equal(await text(page, "#cv-cert-status"), "有効");
  await snap(page, "bank-contract", true);

  // 管理者電子証明書再発行: 依頼書番号 is required (beside the field) → 確認 → 完了 (受付番号).
  await page.click("#req-admin_certificate_reissue");
  await expectHeading(page, "管理者電子証明書再発行");
  await page.click("#submit");
  assert.equal(await text(page, "#request_number-error"), "入力してください");
  await page.fill("#request_number", "IRAI-2026-0417");
  await snap(page, "bank-request-reissue", true);
  await page.click("#submit");
  await expectHeading(page, "依頼内容の確認");
  await page.click("#confirm");
  await expectHeading(page, "受付完了");
  const receipt = await text(page, "#receipt-number");
  assert.ok(receipt, "受付番号");
  assert.equal(await text(page, "#receipt-state"), "承認待ち");
  await snap(page, "bank-request-done", true);

  // The same operator cannot approve it: the server's message beside 承認.
  await page.click("#to-request");
  await expectHeading(page, "依頼の照会");
  await page.click("#approve");
  await page.waitForSelector("#decision-error");
  const refused = await text(page, "#decision-error");
  assert.ok(refused.length > 0);
  log("operator's own approval refused: " + refused);
  assert.equal(await text(page, "#rq-state"), "承認待ち");
  await snap(page, "bank-four-eyes", true);

  // Before the approval nothing changed: the administrator's certificate is still valid.
  await page.goto(BANK + `/bank/#/contracts/${C}`);
  await page.waitForSelector("#cv-cert-status");
  assert.equal(await text(page, "#cv-cert-status"), "有効");
  // The operator also registers a new contract (its approval answers the letter).
  await page.click("nav.menu >> text=新規受付");
  await page.click("#new-contract_create");
  await expectHeading(page, "契約法人登録");
  await page.fill("#contract_id", "00005550001");
  await page.fill("#name", "みなと物産株式会社");
  await page.fill("#name_kana", "ﾐﾅﾄﾌﾞｯｻﾝ(ｶ");
  await page.selectOption("#login_method", "id_pin");
  await page.fill("#admin_contact_email", "bad@");
  await page.click("#submit");
  assert.equal(await text(page, "#admin_contact_email-error"), "メールアドレスの形式で254文字以内で入力してください");
  await page.fill("#admin_contact_email", "keiri@minato.example.jp");
  await page.fill("#limit-transfer_adhoc-tx", "1000000");
  await page.click("#submit");
  assert.equal(await text(page, "#limit-transfer_adhoc-error"), "1回限度額と1日限度額を半角数字で入力してください");
  await page.fill("#limit-transfer_adhoc-day", "3000000");
  await page.click("#submit");
  await expectHeading(page, "依頼内容の確認");
  await page.click("#confirm");
  await expectHeading(page, "受付完了");
  const receipt2 = await text(page, "#receipt-number");

  // And 管理者ロック解除, which the approver will reject (否認 with a reason).
  await page.goto(BANK + `/bank/#/contracts/${C}`);
  await page.click("#req-admin_unlock");
  await expectHeading(page, "管理者ロック解除");
  await page.click("#submit");
  await expectHeading(page, "依頼内容の確認");
  await page.click("#confirm");
  await expectHeading(page, "受付完了");
  const receipt3 = await text(page, "#receipt-number");

  // The screens in English.
  await page.click("#lang-switch");
  await page.click("nav.menu >> text=Pending requests");
  await expectHeading(page, "Pending requests");
  await page.waitForSelector(`tr[data-request="${receipt3}"]`);
  await snap(page, "bank-pending-en");
  await page.click("#lang-switch");
  await page.click("#logoff");
  await expectHeading(page, "行員ログオン");

  // The approver approves from 承認待ち一覧.
  await staffLogon(page, ap);
  await page.click("nav.menu >> text=承認待ち一覧");
  await expectHeading(page, "承認待ち一覧");
  await page.waitForSelector(`tr[data-request="${receipt}"]`);
  await snap(page, "bank-pending", true);
  await page.click(`tr[data-request="${receipt}"] a`);
  await expectHeading(page, "依頼の照会");
  assert.equal(await text(page, "#rq-number"), "IRAI-2026-0417");
  await page.click("#approve");
  await page.waitForFunction(() => document.querySelector("#rq-state")?.textContent === "承認済（反映済）");
  await snap(page, "bank-approved", true);
  await page.goto(BANK + `/bank/#/contracts/${C}`);
  await page.waitForSelector("#cv-cert-status");
  assert.equal(await text(page, "#cv-cert-status"), "発行登録済（未取得）");

  // 否認 with a reason.
  await page.goto(BANK + `/bank/#/requests/${receipt3}`);
  await expectHeading(page, "依頼の照会");
  await page.fill("#reject_reason", "依頼書の押印なし");
  await page.click("#reject");
  await page.waitForFunction(() => document.querySelector("#rq-state")?.textContent === "否認");
  assert.equal(await text(page, "#rq-reason"), "依頼書の押印なし");

  // The contract registration: the approval shows the letter once (initial PINs), with 印刷.
  await page.goto(BANK + `/bank/#/requests/${receipt2}`);
  await expectHeading(page, "依頼の照会");
  await page.click("#approve");
  await page.waitForFunction(() => document.querySelector("#rq-state")?.textContent === "承認済（反映済）");
  await page.waitForSelector("#letter #print");
  assert.ok((await page.locator("#result tr").count()) > 0, "the letter's lines");
  await snap(page, "bank-letter", true);
  await page.reload();
  await expectHeading(page, "依頼の照会");
  await page.waitForSelector("#rq-state");
  assert.equal(await page.locator("#letter").count(), 0, "the letter is shown once");
  await page.click("#logoff");
  await ctx.close();

  // The administrator acquires the reissued certificate and logs on with it.
  const home = newHome("admin-reissued");
  await acquire(home, C, null, creds.admin.pin, creds.admin.totp_secret_base32);
  const actx = await browser(home);
  const apage = await actx.newPage();
  await certLogon(apage, "admin", creds.admin.pin, creds.admin.totp_secret_base32);
  await expectHeading(apage, "契約法人ステータス");
  await snap(apage, "bank-admin-reissued-logon");
  await apage.click("#logoff");
  sh.homeAdmin = home; sh.ctxAdmin = actx;
}
