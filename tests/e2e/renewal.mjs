// Seed 003 (R22): certificate renewal in Chromium. The user's certificate (acquired by
// kakuin-cert in the seeds' walkthrough) enters its renewal window on the server's test clock;
// 電子証明書更新のお知らせ → 次回ログイン時に更新する skips; 次へ → 電子証明書更新 waits while
// `kakuin-cert renew --nssdb` runs → 電子証明書の更新が完了しました; the new certificate logs on,
// the old one (a copy of the NSS database made before) is refused. The administrator sees the
// same notice.
import { cpSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import assert from "node:assert/strict";
import {
  D, T, MTLS, KAKUIN_CERT, env, log, snap, otp, nssdb, browser, text, expectHeading, advanceClock, serverNow, run, certLogon,
} from "./lib.mjs";

const DAY = 86400;

// kakuin-cert renew with the certificate in HOME's NSS database (PIN from a file, OTP given).
async function renew(home, role, pin, secret) {
  const pinFile = join(T, "renew-pin");
  writeFileSync(pinFile, pin + "\n", { mode: 0o600 });
  try {
    return await run(KAKUIN_CERT, ["renew", "--server", MTLS, "--ca-file", join(D, "ca-chain.pem"), "--role", role,
      "--nssdb", nssdb(home), "--pin-file", pinFile, "--otp", await otp(secret), "--lang", "en"],
      { env: { ...env, HOME: home } });
  } finally { rmSync(pinFile, { force: true }); }
}

const serialOf = (pem) => execFileSync("openssl", ["x509", "-noout", "-serial"], { input: pem, encoding: "utf8" })
  .trim().replace(/^serial=/, "").toLowerCase().replace(/^0+/, "");

// After a renewal the NSS database holds both certificates under one nickname, and Chromium
// prefers the one valid by the PC's clock (the old one: the new one starts on the server's
// test clock, in the future). Like the browser hiding an expired certificate, keep only the
// certificate with serial `keep` (its key stays in the database).
function keepOnly(home, keep) {
  const db = "sql:" + nssdb(home);
  const listing = execFileSync("certutil", ["-L", "-d", db], { encoding: "utf8" });
  const nick = listing.split("\n").map((l) => /^(.+?)\s+u,u,u\s*$/.exec(l)).filter(Boolean).map((m) => m[1])[0];
  assert.ok(nick, "a user certificate in the NSS database:\n" + listing);
  const pems = execFileSync("certutil", ["-L", "-d", db, "-n", nick, "-a"], { encoding: "utf8" })
    .match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  const want = keep.toLowerCase().replace(/^0+/, "");
  const pem = pems.find((p) => serialOf(p) === want);
  assert.ok(pem, `the new certificate ${keep} in the NSS database (have ${pems.map(serialOf).join(", ")})`);
  for (let i = 0; i < 10; i++) {
    try { execFileSync("certutil", ["-D", "-d", db, "-n", nick], { stdio: "pipe" }); } catch { break; }
  }
  const f = join(T, "renewed.pem");
  writeFileSync(f, pem + "\n");
  execFileSync("certutil", ["-A", "-d", db, "-n", nick, "-t", "u,u,u", "-i", f]);
  return pems.length;
}

const sessionOf = (page) => page.evaluate(() => fetch("/api/v1/sessions/current", { cache: "no-store" }).then((r) => r.json()));

export async function renewal(sh) {
  const { riyousya, homeU2, creds } = sh;
  let ctx = sh.ctxU2;

  // Outside the window the app refuses (not_in_renewal_window).
  const early = await renew(homeU2, "user", riyousya.pin, riyousya.totp_secret_base32);
  assert.notEqual(early.code, 0, "renewal outside the window refused");
  assert.match(early.stderr + early.stdout, /renewal window/i, "not_in_renewal_window: " + early.stderr);
  log("renewal outside the window refused");

  // The current certificate's expiry, then the server's clock 20 days before it.
  let page = await ctx.newPage();
  await certLogon(page, "user", riyousya.pin, riyousya.totp_secret_base32);
  await expectHeading(page, "利用者トップ");
  const before = await sessionOf(page);
  assert.ok(before.certificate?.not_after, "session certificate");
  assert.equal(before.certificate.renewal_open, false, "not yet in the window");
  await page.click("#logoff");
  await expectHeading(page, "利用者ログオン");
  const notAfter = new Date(before.certificate.not_after).getTime();
  await advanceClock((notAfter - serverNow()) / 1000 - 20 * DAY);

  // Logon → 電子証明書更新のお知らせ (expiry in JST, days left), English, phone width.
  await certLogon(page, "user", riyousya.pin, riyousya.totp_secret_base32);
  await expectHeading(page, "電子証明書更新のお知らせ");
  assert.match(await text(page, "#renewal-days-left"), /^(19|20)日$/);
  const jst = new Date(notAfter + 9 * 3600e3);
  assert.ok((await text(page, "#renewal-not-after")).startsWith(`${jst.getUTCFullYear()}年${String(jst.getUTCMonth() + 1).padStart(2, "0")}月`),
    "expiry date shown");
  await snap(page, "renewal-notice", true);
  await page.click("#lang-switch");
  await expectHeading(page, "Certificate renewal notice");
  await snap(page, "renewal-notice-en", true);
  await page.click("#lang-switch");
  await expectHeading(page, "電子証明書更新のお知らせ");
  await page.setViewportSize({ width: 390, height: 844 });
  await snap(page, "phone-renewal-notice", true);
  await page.setViewportSize({ width: 1280, height: 800 });

  // 次回ログイン時に更新する → 利用者トップ, nothing renewed; asked again at the next logon.
  await page.click("#renewal-later");
  await expectHeading(page, "利用者トップ");
  assert.equal((await sessionOf(page)).certificate.serial, before.certificate.serial, "not renewed");
  await page.click("nav.menu >> text=トップ");
  await expectHeading(page, "利用者トップ");
  await page.click("#logoff");
  await expectHeading(page, "利用者ログオン");
  await certLogon(page, "user", riyousya.pin, riyousya.totp_secret_base32);
  await expectHeading(page, "電子証明書更新のお知らせ");

  // 次へ → 電子証明書更新 (the command for this PC), then the app renews while it waits.
  await page.click("#renewal-next");
  await expectHeading(page, "電子証明書更新");
  assert.match(await text(page, "#renew-command"), new RegExp(`^kakuin-cert renew --server ${MTLS.replace(/\./g, "\\.")} `));
  await snap(page, "renewal-run", true);
  const homeOld = join(T, "home-user2-old");                     // the PC before the renewal
  cpSync(homeU2, homeOld, { recursive: true });
  const r = await renew(homeU2, "user", riyousya.pin, riyousya.totp_secret_base32);
  assert.equal(r.code, 0, `kakuin-cert renew failed: ${r.stdout}\n${r.stderr}`);
  log("kakuin-cert renew: " + r.stdout.split("\n").filter(Boolean).slice(0, 2).join(" / "));
  await expectHeading(page, "電子証明書の更新が完了しました");
  await snap(page, "renewal-done", true);

  // The new certificate logs on (a fresh browser: Chromium reads the database at start).
  const newSerial = (/Serial number:\s*([0-9A-Fa-f:]+)/.exec(r.stdout)?.[1] ?? "").replace(/:/g, "");
  await ctx.close();
  const certs = newSerial ? keepOnly(homeU2, newSerial) : 0;
  log(`NSS database held ${certs} certificates of the user; kept ${newSerial}`);
  ctx = await browser(homeU2);
  sh.ctxU2 = ctx;
  page = await ctx.newPage();
  await certLogon(page, "user", riyousya.pin, riyousya.totp_secret_base32);
  await expectHeading(page, "利用者トップ");
  const after = await sessionOf(page);
  assert.notEqual(after.certificate.serial, before.certificate.serial, "logged on with the new certificate");
  assert.equal(after.certificate.renewal_open, false, "the new certificate is outside its window");
  await snap(page, "renewal-new-certificate");
  await page.click("#logoff");

  // The old certificate is refused with its message (choose the new certificate).
  const old = await browser(homeOld);
  const op = await old.newPage();
  await op.goto(MTLS + "/#/user/cert-logon");
  await op.fill("#pin", riyousya.pin);
  await op.click("button[type=submit]");
  await op.waitForSelector(".alert.error");
  const refused = await text(op, ".alert.error");
  assert.match(refused, /新しい電子証明書/, "old certificate after renewal: " + refused);
  await snap(op, "renewal-old-refused", true);
  await old.close();

  // The administrator's certificate is in its window too: the same notice, skipped.
  const ap = await sh.ctxAdmin.newPage();
  await certLogon(ap, "admin", sh.adminPin ?? creds.admin.pin, creds.admin.totp_secret_base32);
  await expectHeading(ap, "電子証明書更新のお知らせ");
  await snap(ap, "renewal-notice-admin");
  await ap.click("#renewal-later");
  await expectHeading(ap, "契約法人ステータス");
  await ap.click("#logoff");
  return { notAfterNew: after.certificate.not_after };
}
