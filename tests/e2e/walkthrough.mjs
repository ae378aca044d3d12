// The seeds' walkthroughs (000, 001, 002, 004; then 003 and issue #5's back office and expiry
// in bank.mjs, renewal.mjs, expiry.mjs) in Debian's Chromium, driven by playwright-core,
// against the server tests/e2e/run.sh started. Every step leaves a screenshot in $E2E_OUT;
// the files named doc-*.png are the ones docs/screens.md shows.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import assert from "node:assert/strict";
import {
  D, T, OUT, HTTPS, MTLS, env, log, snap, shots, otp, newHome, acquire, browser, browsers, cspViolations,
  text, softType, expectHeading, advanceClock, BANK,
} from "./lib.mjs";
import { backOffice } from "./bank.mjs";
import { renewal } from "./renewal.mjs";
import { expiry } from "./expiry.mjs";

const creds = JSON.parse(readFileSync(join(D, "demo-credentials.json"), "utf8"));
const idpin = Object.fromEntries(readFileSync(join(T, "idpin-contract.out"), "utf8").split("\n")
  .map((l) => /^([a-z_0-9]+): (.*)$/.exec(l)).filter(Boolean).map((m) => [m[1], m[2]]));
const riyousya = creds.users.find((u) => u.user_id === "riyousya");

try {
  // ---- Seed 004: an ID・暗証番号方式 contract's administrator --------------------------------
  const homeIdPin = newHome("idpin");
  const ctxA = await browser(homeIdPin);
  let page = await ctxA.newPage();
  const resp = await page.goto(HTTPS + "/");
  const h = resp.headers();
  assert.match(h["content-security-policy"], /default-src 'self'/);
  assert.match(h["content-security-policy"], /frame-ancestors 'none'/);
  assert.ok(h["strict-transport-security"], "HSTS");
  assert.equal(h["x-content-type-options"], "nosniff");
  assert.ok(h["referrer-policy"], "Referrer-Policy");
  assert.equal(h["cache-control"], "no-store");
  await expectHeading(page, "法人インターネットバンキング");
  await snap(page, "home", true);
  await page.click("#to-admin");
  await expectHeading(page, "管理者ログオン");
  await snap(page, "admin-logon", true);

  // Validation beside the fields (the server's rules), then the English switch.
  await page.fill("#contract_id", "123");
  await page.click("form[aria-labelledby=idpin-title] button[type=submit]");
  assert.equal(await text(page, "#contract_id-error"), "契約法人IDは半角数字11桁で入力してください");
  assert.equal(await text(page, "#pin-error"), "半角英数字4～12桁で入力してください");
  await snap(page, "validation", true);
  await page.click("#lang-switch");
  await expectHeading(page, "Administrator logon");
  await snap(page, "admin-logon-en", true);
  await page.click("#lang-switch");
  await expectHeading(page, "管理者ログオン");

  // A wrong PIN: the server's detail beside the PIN field.
  await page.fill("#contract_id", idpin.contract_id);
  await page.fill("#pin", "wrong999");
  await page.click("form[aria-labelledby=idpin-title] button[type=submit]");
  await page.waitForSelector("#pin-error");
  assert.match(await text(page, "#pin-error"), /暗証番号/);

  // Software keyboard:契約法人暗証番号 and ワンタイムパスワード typed with the mouse.
  await page.fill("#contract_id", idpin.contract_id);
  await page.click("#pin ~ button.sk-toggle");
  await snap(page, "software-keyboard", true);
  await page.click("#pin ~ button.sk-toggle");
  await softType(page, "pin", idpin.admin_login_pin);
  await page.click("form[aria-labelledby=idpin-title] button[type=submit]");
  await expectHeading(page, "ワンタイムパスワード");
  await softType(page, "otp", await otp(idpin.admin_totp_secret_base32));
  await snap(page, "otp", true);
  await page.click("button[type=submit]");
  await expectHeading(page, "契約法人ステータス");
  assert.equal(await text(page, "#last-login"), "なし");
  assert.equal(await text(page, "#contract-name"), "とちぎ商会株式会社");
  assert.equal(await text(page, "#transactions-state"), "利用可能");
  assert.ok((await text(page, "#contract-status")).includes("お取引金融機関"),
            "the bank's wording from its configuration ([wording] bankName)");
  await snap(page, "admin-top", true);

  // 利用者情報登録/変更 -> 新規登録 -> 確認 -> 完了 (with a validation round).
  await page.click("nav.menu >> text=利用者情報登録/変更");
  await expectHeading(page, "利用者情報選択");
  await page.click("#new-user");
  await expectHeading(page, "利用者情報登録");
  await page.fill("#user_id", "tantou01");
  await page.fill("#name_kana", "ﾀﾝﾄｳ ｲﾁﾛｳ");
  await page.fill("#name_kanji", "担当 一郎");
  await page.fill("#contact_email", "tantou01@example");
  await page.fill("#login_pin", "tk482910");
  await page.fill("#login_pin_again", "tk482911");
  await page.fill("#user_confirmation_pin", "tk739102");
  await page.fill("#user_confirmation_pin_again", "tk739102");
  await page.fill("#confirmation_pin", idpin.admin_confirmation_pin);
  await page.click("#submit");
  assert.equal(await text(page, "#login_pin_again-error"), "確認のため入力した暗証番号が一致しません");
  assert.equal(await text(page, "#contact_email-error"), "メールアドレスの形式で254文字以内で入力してください");
  await page.fill("#contact_email", "tantou01@tochigi.example.jp");
  await page.fill("#login_pin_again", "tk482910");
  await page.click("#perm-all");
  assert.ok(await page.isChecked("#perm-transfer_adhoc"));
  await page.click("#perm-clear");
  assert.ok(!(await page.isChecked("#perm-transfer_adhoc")));
  await page.check("#perm-balance");
  await page.check("#perm-statements");
  await page.fill("#confirmation_pin", idpin.admin_confirmation_pin);
  await snap(page, "user-new", true);
  await page.click("#submit");
  await expectHeading(page, "利用者情報の確認");
  await snap(page, "user-new-confirm");
  await page.click("#confirm");
  await expectHeading(page, "完了");
  await snap(page, "user-new-done");
  await page.click("#back-to-list");
  await expectHeading(page, "利用者情報選択");
  await page.waitForSelector("tr[data-user=tantou01]");
  assert.equal(await text(page, "tr[data-user=tantou01] .cert-mark"), "○");

  // トークン登録 (QR code), a wrong 契約法人確認暗証番号 first.
  await page.check("#sel-tantou01");
  await page.click("#token");
  await expectHeading(page, "トークン登録");
  await page.fill("#confirmation_pin", "wrong999");
  await page.click("#submit");
  await page.waitForSelector("#confirmation_pin-error");
  await page.fill("#confirmation_pin", idpin.admin_confirmation_pin);
  await page.click("#submit");
  await page.waitForSelector("#token-qr svg");
  await snap(page, "token", true);

  // トークン登録 of a hardware token: validation beside the fields, then serial and seed.
  await page.click("nav.menu >> text=利用者情報登録/変更");
  await expectHeading(page, "利用者情報選択");
  await page.check("#sel-tantou01");
  await page.click("#token");
  await expectHeading(page, "トークン登録");
  await page.check("#token-kind-hardware");
  await page.fill("#token_serial", "HW 000123");
  await page.fill("#token_secret", "JBSWY3DPEHPK3PX1");
  await page.fill("#confirmation_pin", idpin.admin_confirmation_pin);
  await page.click("#submit");
  assert.equal(await text(page, "#token_serial-error"), "半角英数字とハイフン1～32桁で入力してください");
  assert.equal(await text(page, "#token_secret-error"), "Base32（英字A～Z・数字2～7）で16～103文字を入力してください");
  await page.fill("#token_serial", "HW-000123");
  await page.fill("#token_secret", "JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP");
  await snap(page, "token-hardware");
  await page.click("#submit");
  await page.waitForSelector("#action-done");
  assert.equal(await text(page, "#action-done"), "ハードウェアトークンを登録しました。");
  assert.equal(await page.locator("#token-qr").count(), 0, "no QR code for a hardware token");

  // 利用履歴照会 with a filter; WEB-FB取引停止 and its resumption; IDロック解除.
  await page.click("nav.menu >> text=利用履歴照会");
  await expectHeading(page, "利用履歴照会");
  await page.waitForSelector("#history tbody tr");
  await snap(page, "history", true);
  await page.fill("#history_user_id", "tantou01");
  await page.click("#search");
  await page.waitForFunction(() => [...document.querySelectorAll("#history tbody tr")].every((r) => r.children[2].textContent === "tantou01"));
  await page.click("nav.menu >> text=WEB-FB取引停止");
  await expectHeading(page, "WEB-FB取引停止");
  await page.fill("#confirmation_pin", idpin.admin_confirmation_pin);
  await page.click("#stop");
  await page.waitForSelector(".alert.info");
  await snap(page, "stop", true);
  await page.click("nav.menu >> text=トップ");
  await expectHeading(page, "契約法人ステータス");
  assert.equal(await text(page, "#transactions-state"), "停止中");
  await page.click("nav.menu >> text=WEB-FB取引停止");
  await expectHeading(page, "WEB-FB取引停止");
  await page.fill("#confirmation_pin", idpin.admin_confirmation_pin);
  await page.click("#resume");
  await page.waitForFunction(() => document.querySelector(".alert.info")?.textContent?.includes("再開"));
  await page.click("nav.menu >> text=利用者情報登録/変更");
  await page.check("#sel-tantou01");
  await page.click("#unlock");
  await expectHeading(page, "IDロック解除");
  await page.fill("#confirmation_pin", idpin.admin_confirmation_pin);
  await page.click("#submit");
  await page.waitForSelector(".alert.info");

  // 登録抹消.
  await page.click("nav.menu >> text=利用者情報登録/変更");
  await page.check("#sel-tantou01");
  await page.click("#delete");
  await expectHeading(page, "利用者登録抹消");
  await page.fill("#confirmation_pin", idpin.admin_confirmation_pin);
  await page.click("#submit");
  await page.waitForSelector(".alert.info");
  await page.click("nav.menu >> text=利用者情報登録/変更");
  await expectHeading(page, "利用者情報選択");
  await page.waitForFunction(() => document.body.textContent.includes("利用者は登録されていません"));

  // ログオフ, then the back button shows nothing private.
  await page.click("#logoff");
  await expectHeading(page, "管理者ログオン");
  assert.match(await text(page, ".alert.info"), /ログオフしました/);
  await snap(page, "logoff", true);
  await page.goBack();
  await expectHeading(page, "管理者ログオン");
  await page.waitForTimeout(300);
  assert.ok(!(await page.content()).includes("利用者情報選択"), "nothing private after logoff");
  assert.equal(await page.locator("#logoff").count(), 0, "logged off");
  await snap(page, "back-after-logoff");

  // Idle timeout: the screens log off by themselves and say why.
  page = await ctxA.newPage();
  await page.clock.install();
  await page.goto(HTTPS + "/#/admin/logon");
  await page.fill("#contract_id", idpin.contract_id);
  await page.fill("#pin", idpin.admin_login_pin);
  await page.click("form[aria-labelledby=idpin-title] button[type=submit]");
  await expectHeading(page, "ワンタイムパスワード");
  await page.fill("#otp", await otp(idpin.admin_totp_secret_base32));
  await page.click("button[type=submit]");
  await expectHeading(page, "契約法人ステータス");
  assert.notEqual(await text(page, "#last-login"), "なし");
  const bank = await page.evaluate(() => fetch("/api/v1/bank").then((r) => r.json()));
  await page.clock.fastForward((bank.idle_timeout_seconds + 1) * 1000);
  await expectHeading(page, "管理者ログオン");
  assert.match(await text(page, ".alert.info"), /一定時間操作がなかったため/);
  await snap(page, "idle-timeout", true);

  // Phone width.
  const phone = await ctxA.newPage();
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.goto(HTTPS + "/#/user/logon");
  await expectHeading(phone, "利用者ログオン");
  await snap(phone, "phone-user-logon", true);

  // A user without a certificate logs on by ID・暗証番号方式, with the keyboard only.
  const genchi = creds.users.find((u) => u.user_id === "genchi02");
  const kp = await ctxA.newPage();
  await kp.goto(HTTPS + "/#/user/logon");
  await expectHeading(kp, "利用者ログオン");
  await kp.focus("#contract_id");
  await kp.keyboard.type(creds.contract_id);
  await kp.keyboard.press("Tab");
  await kp.keyboard.type("genchi02");
  await kp.keyboard.press("Tab");
  await kp.keyboard.type(genchi.pin);
  await kp.keyboard.press("Enter");
  await expectHeading(kp, "ワンタイムパスワード");
  await kp.keyboard.type(await otp(genchi.totp_secret_base32));
  await kp.keyboard.press("Enter");
  await expectHeading(kp, "利用者トップ");
  assert.equal(await text(kp, "#cert-expiry"), "なし");
  await snap(kp, "user-top-idpin");
  await kp.click("#logoff");
  await expectHeading(kp, "利用者ログオン");

  // ---- Seeds 000 / 001 / 002: certificates -----------------------------------------------
  const C = creds.contract_id;
  const homeAdmin = newHome("admin");
  await acquire(homeAdmin, C, null, creds.admin.pin, creds.admin.totp_secret_base32);
  const ctxAdmin = await browser(homeAdmin);
  page = await ctxAdmin.newPage();
  await page.goto(HTTPS + "/#/admin/logon");
  await expectHeading(page, "管理者ログオン");
  await page.click("#cert-logon-link");            // 電子証明書方式: :8444 asks for the certificate
  await page.waitForURL(MTLS + "/#/admin/cert-logon");
  await page.waitForSelector("#pin");
  await snap(page, "admin-cert-logon", true);
  await softType(page, "pin", creds.admin.pin);
  await page.click("button[type=submit]");
  await expectHeading(page, "ワンタイムパスワード");
  await page.fill("#otp", await otp(creds.admin.totp_secret_base32));
  await page.click("button[type=submit]");
  await expectHeading(page, "契約法人ステータス");
  assert.notEqual(await text(page, "#cert-expiry"), "なし");
  assert.equal(await text(page, "#contract-name"), "かくいん商事株式会社");

  // 電子証明書取得 explains the app and shows the exact command.
  const acqPage = await ctxA.newPage();
  await acqPage.goto(HTTPS + "/#/user/logon");
  await acqPage.click("#acquire-link");
  await expectHeading(acqPage, "電子証明書取得");
  await acqPage.fill("#acq_contract_id", C);
  await acqPage.fill("#acq_user_id", "riyousya");
  assert.match(await text(acqPage, "#acquire-command"),
    new RegExp(`^kakuin-cert acquire --server ${HTTPS.replace(/\./g, "\\.")} --ca-file ca-chain\\.pem --contract-id ${C} --user-id riyousya --nssdb \\$HOME/\\.pki/nssdb$`));
  await snap(acqPage, "acquire", true);

  // The user acquires 001 and logs on with it at :8444.
  const homeU1 = newHome("user1");
  await acquire(homeU1, C, "riyousya", riyousya.pin, riyousya.totp_secret_base32);
  const ctxU1 = await browser(homeU1);
  let up = await ctxU1.newPage();
  await up.goto(MTLS + "/#/user/cert-logon");
  await expectHeading(up, "利用者ログオン");
  await up.fill("#pin", riyousya.pin);
  await up.click("button[type=submit]");
  await expectHeading(up, "ワンタイムパスワード");
  await up.fill("#otp", await otp(riyousya.totp_secret_base32));
  await up.click("button[type=submit]");
  await expectHeading(up, "利用者トップ");
  assert.notEqual(await text(up, "#cert-expiry"), "なし");
  assert.equal(await text(up, "#contract-name"), "かくいん商事株式会社");
  await snap(up, "user-top", true);
  await up.click("#logoff");
  await expectHeading(up, "利用者ログオン");

  // Seed 000: 利用者情報登録/変更 -> select -> 変更 -> 現在の電子証明書を失効し、再発行する
  // -> 契約法人確認暗証番号 -> 変更 -> 確認 -> 完了 -> ○ in the list.
  await page.click("nav.menu >> text=利用者情報登録/変更");
  await expectHeading(page, "利用者情報選択");
  await page.waitForSelector("tr[data-user=riyousya]");
  await snap(page, "user-list", true);
  await page.check("#sel-riyousya");
  await page.click("#change");
  await expectHeading(page, "利用者情報変更");
  await page.waitForFunction(() => document.querySelector("#cert-status")?.textContent === "有効");
  await page.check("#cert-reissue");
  await softType(page, "confirmation_pin", creds.admin.confirmation_pin);
  await snap(page, "user-change", true);
  await page.click("#submit");
  await expectHeading(page, "利用者情報の確認");
  await snap(page, "user-change-confirm", true);
  await page.click("#confirm");
  await expectHeading(page, "完了");
  assert.equal(await text(page, "#done-issue-number"), "002");
  await snap(page, "user-change-done", true);
  await page.click("#back-to-list");
  await page.waitForSelector("tr[data-user=riyousya]");
  assert.equal(await text(page, "tr[data-user=riyousya] .cert-mark"), "○");
  assert.match(await text(page, "tr[data-user=riyousya]"), /002/);
  await snap(page, "user-list-reissued", true);

  // The list at phone width.
  await page.setViewportSize({ width: 390, height: 844 });
  await snap(page, "phone-user-list", true);
  await page.setViewportSize({ width: 1280, height: 800 });

  // The user acquires 002 and logs on with it.
  const homeU2 = newHome("user2");
  await acquire(homeU2, C, "riyousya", riyousya.pin, riyousya.totp_secret_base32);
  const ctxU2 = await browser(homeU2);
  const up2 = await ctxU2.newPage();
  await up2.goto(MTLS + "/#/user/cert-logon");
  await up2.fill("#pin", riyousya.pin);
  await up2.click("button[type=submit]");
  await expectHeading(up2, "ワンタイムパスワード");
  await up2.fill("#otp", await otp(riyousya.totp_secret_base32));
  await up2.click("button[type=submit]");
  await expectHeading(up2, "利用者トップ");
  await snap(up2, "user-top-002");

  // The old certificate (001) is refused with its message.
  up = await ctxU1.newPage();
  await up.goto(MTLS + "/#/user/cert-logon");
  await up.fill("#pin", riyousya.pin);
  await up.click("button[type=submit]");
  await up.waitForSelector(".alert.error");
  const refused = await text(up, ".alert.error");
  assert.match(refused, /失効/, "old certificate message: " + refused);
  await snap(up, "old-certificate-refused", true);

  // An administrator's certificate at the user logon is refused with its message.
  const ap = await ctxAdmin.newPage();
  await ap.goto(MTLS + "/#/user/cert-logon");
  await ap.fill("#pin", riyousya.pin);
  await ap.click("button[type=submit]");
  await ap.waitForSelector(".alert.error");
  const wrongRole = await text(ap, ".alert.error");
  assert.match(wrongRole, /管理者|利用者/, "wrong role message: " + wrongRole);
  await snap(ap, "admin-certificate-at-user-logon", true);

  // Issue #5: the back office with four eyes (on the real clock), then renewal (seed 003),
  // expiry and deadlines, which move the server's clock further each.
  const only = (env.E2E_ONLY ?? "").split(",").filter(Boolean);
  const want = (n) => only.length === 0 || only.includes(n);
  const shared = { creds, idpin, riyousya, homeAdmin, ctxAdmin, homeU2, ctxU2, bank };
  if (want("bank") && BANK) await backOffice(shared);
  else if (want("bank")) log("SKIPPED the back office: the server has no bank listener");

  // The server ends an idle session (its clock moved past the timeout): the next request
  // returns the screens to the logon page with the message. After the back office (whose
  // `kakuin-cert acquire` checks the new certificate at this PC's time), since it moves the
  // server's clock.
  await advanceClock(bank.idle_timeout_seconds + 1);
  await page.click("nav.menu >> text=利用履歴照会");
  await expectHeading(page, "管理者ログオン");
  assert.match(await text(page, ".alert.info"), /一定時間操作がなかったため/);
  await snap(page, "server-idle-timeout");

  const renewed = want("renewal") ? await renewal(shared) : null;
  if (want("expiry")) await expiry(shared, renewed);

  assert.deepEqual(cspViolations, [], "CSP violations");
  log(`all steps passed (${shots()} screenshots)`);
} catch (e) {
  console.error("e2e FAILED:", e);
  for (const c of browsers) for (const p of c.pages()) {
    try { await p.screenshot({ path: join(OUT, `failure-${browsers.indexOf(c)}-${c.pages().indexOf(p)}.png`), fullPage: true }); } catch { /* closed */ }
  }
  process.exitCode = 1;
} finally {
  for (const c of browsers) await c.close().catch(() => {});
}
