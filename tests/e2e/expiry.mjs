// R23 and R18 on the server's test clock: an expired certificate is refused with whom to ask
// (a user: the administrator; an administrator: the bank), and a registration whose
// acquisition deadline passed shows as 取得期限切れ in 利用者情報選択.
import assert from "node:assert/strict";
import {
  HTTPS, MTLS, log, snap, otp, newHome, browser, text, expectHeading, advanceClock, serverNow,
} from "./lib.mjs";
import { mtlsCall } from "./renewal.mjs";

const DAY = 86400;

async function idPinAdminLogon(page, idpin) {
  await page.goto(HTTPS + "/#/admin/logon");
  await expectHeading(page, "管理者ログオン");
  await page.fill("#contract_id", idpin.contract_id);
  await page.fill("#pin", idpin.admin_login_pin);
  await page.click("form[aria-labelledby=idpin-title] button[type=submit]");
  await expectHeading(page, "ワンタイムパスワード");
  await page.fill("#otp", await otp(idpin.admin_totp_secret_base32));
  await page.click("button[type=submit]");
  await expectHeading(page, "契約法人ステータス");
}

async function refusedAt(ctx, role, pin) {
  const page = await ctx.newPage();
  await page.goto(MTLS + (role === "admin" ? "/#/admin/cert-logon" : "/#/user/cert-logon"));
  await page.fill("#pin", pin);
  await page.click("button[type=submit]");
  await page.waitForSelector(".alert.error");
  return { page, message: await text(page, ".alert.error") };
}

export async function expiry(sh, renewed) {
  const { idpin, riyousya, creds } = sh;

  // The ID・暗証番号方式 contract's administrator registers a user with a certificate to acquire
  // (and a contact address); nobody acquires it.
  const ctx = await browser(newHome("expiry"));
  const page = await ctx.newPage();
  await idPinAdminLogon(page, idpin);
  await page.click("nav.menu >> text=利用者情報登録/変更");
  await expectHeading(page, "利用者情報選択");
  await page.click("#new-user");
  await expectHeading(page, "利用者情報登録");
  await page.fill("#user_id", "kigen01");
  await page.fill("#name_kana", "ｷｹﾞﾝ ﾀﾛｳ");
  await page.fill("#contact_email", "kigen01@tochigi.example.jp");
  await page.fill("#login_pin", "kg482910");
  await page.fill("#login_pin_again", "kg482910");
  await page.fill("#user_confirmation_pin", "kg739102");
  await page.fill("#user_confirmation_pin_again", "kg739102");
  await page.check("#perm-balance");
  await page.fill("#confirmation_pin", idpin.admin_confirmation_pin);
  await page.click("#submit");
  await expectHeading(page, "利用者情報の確認");
  await page.click("#confirm");
  await expectHeading(page, "完了");
  await page.click("#logoff");
  await expectHeading(page, "管理者ログオン");

  // Past the acquisition deadline (80 days) and past every certificate's expiry.
  const until = renewed?.notAfterNew ? new Date(renewed.notAfterNew).getTime() : serverNow() + 366 * DAY * 1000;
  await advanceClock(Math.max(81 * DAY, (until - serverNow()) / 1000 + DAY));

  // A user's expired certificate: ask the administrator. After the renewal the user's
  // certificate starts on the server's clock, which Chromium does not offer (renewal.mjs):
  // then the same logon goes through the API, whose detail is what the screen shows.
  let userMessage;
  if (renewed?.pfx) {
    const ans = await mtlsCall(renewed.pfx, "POST", "/api/v1/sessions", { role: "user", pin: riyousya.pin }, {});
    assert.equal(ans.body?.code, "certificate_expired", "user: " + JSON.stringify(ans.body));
    userMessage = ans.body.detail;
  } else {
    const u = await refusedAt(sh.ctxU2, "user", riyousya.pin);
    userMessage = u.message;
    await snap(u.page, "expired-user", true);
  }
  assert.match(userMessage, /有効期限が切れています/, "user: " + userMessage);
  assert.match(userMessage, /管理者/, "user is told to ask the administrator: " + userMessage);

  // An administrator's expired certificate: ask the bank.
  const a = await refusedAt(sh.ctxAdmin, "admin", creds.admin.pin);
  assert.match(a.message, /有効期限が切れています/, "admin: " + a.message);
  assert.doesNotMatch(a.message, /管理者に/, "admin is not told to ask the administrator: " + a.message);
  await snap(a.page, "expired-admin", true);
  log("expired: user «" + userMessage + "» / administrator «" + a.message + "»");

  // 取得期限切れ in the list.
  await idPinAdminLogon(page, idpin);
  await page.click("nav.menu >> text=利用者情報登録/変更");
  await expectHeading(page, "利用者情報選択");
  await page.waitForSelector("tr[data-user=kigen01]");
  assert.equal(await text(page, "tr[data-user=kigen01] .cert-status-text"), "取得期限切れ");
  await snap(page, "deadline-passed", true);
  await page.click("#logoff");
}
