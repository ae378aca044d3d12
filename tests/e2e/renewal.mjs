// Seed 003 (R22): certificate renewal in Chromium. The user's certificate (acquired by
// kakuin-cert in the seeds' walkthrough) enters its renewal window on the server's test clock;
// 電子証明書更新のお知らせ → 次回ログイン時に更新する skips; 次へ → 電子証明書更新 waits while
// `kakuin-cert renew --nssdb` runs → 電子証明書の更新が完了しました; the new certificate logs on,
// the old one (a copy of the NSS database made before) is refused. The administrator sees the
// same notice.
import { cpSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import https from "node:https";
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

// After a renewal the NSS database holds both certificates, and Chromium prefers the one valid
// by the PC's clock (the old one: the new one starts on the server's test clock, in the
// future). Like the browser hiding an expired certificate, keep only the user certificate with
// serial `keep` (its key stays in the database). Returns how many user certificates there were.
function keepOnly(home, keep) {
  const db = "sql:" + nssdb(home);
  const listing = execFileSync("certutil", ["-L", "-d", db], { encoding: "utf8" });
  const nicks = [...new Set(listing.split("\n").map((l) => /^(.+?)\s+u,u,u\s*$/.exec(l)).filter(Boolean).map((m) => m[1]))];
  const want = keep.toLowerCase().replace(/^0+/, "");
  let kept = null, count = 0;
  for (const nick of nicks) {
    const pems = execFileSync("certutil", ["-L", "-d", db, "-n", nick, "-a"], { encoding: "utf8" })
      .match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    count += pems.length;
    const mine = pems.find((p) => serialOf(p) === want);
    if (mine && pems.length === 1) { kept = nick; continue; }
    for (let i = 0; i < 10; i++) {
      try { execFileSync("certutil", ["-D", "-d", db, "-n", nick], { stdio: "pipe" }); } catch { break; }
    }
    if (mine) {                                   // shared the nickname: put the new one back
      const f = join(T, "renewed.pem");
      writeFileSync(f, mine + "\n");
      execFileSync("certutil", ["-A", "-d", db, "-n", nick, "-t", "u,u,u", "-i", f]);
      kept = nick;
    }
  }
  assert.ok(kept, `the new certificate ${keep} in the NSS database:\n${listing}`);
  return { count, nick: kept };
}

// The new certificate and key out of the NSS database as PKCS#12 (what the browser would use).
function exportP12(home, nick) {
  const f = join(T, "renewed.p12");
  execFileSync("pk12util", ["-o", f, "-n", nick, "-d", "sql:" + nssdb(home), "-W", "e2e-pass", "-K", ""], { stdio: "pipe" });
  return readFileSync(f);
}

// One JSON call on the certificate listener presenting `pfx` (Node does not judge its own
// client certificate's dates, unlike Chromium).
export function mtlsCall(pfx, method, path, body, jar) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request(MTLS + path, {
      method, pfx, passphrase: "e2e-pass", ca: readFileSync(join(D, "ca-chain.pem")),
      headers: { "Content-Type": "application/json", ...(jar.cookie ? { Cookie: jar.cookie } : {}),
        ...(jar.csrf && method !== "GET" ? { "X-CSRF-Token": jar.csrf } : {}) },
    }, (res) => {
      let text = "";
      res.on("data", (d) => { text += d; });
      res.on("end", () => {
        const c = res.headers["set-cookie"];
        if (c) jar.cookie = c.map((x) => x.split(";")[0]).join("; ");
        let j = null;
        try { j = JSON.parse(text); } catch { /* empty */ }
        if (j?.csrf_token) jar.csrf = j.csrf_token;
        resolve({ status: res.statusCode, body: j });
      });
    });
    req.on("error", reject);
    req.end(data);
  });
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

  // The new certificate logs on. Chromium offers only certificates valid by the PC's clock, and
  // the new one starts at the server's (test) clock, 11 months ahead: so the logon with it goes
  // through the same API the screens use (PIN, then OTP) from Node with the certificate and key
  // exported from this NSS database, with only the new certificate left in it.
  const newSerial = (/Serial number:\s*([0-9A-Fa-f:]+)/.exec(r.stdout)?.[1] ?? "").replace(/:/g, "");
  assert.ok(newSerial, "kakuin-cert renew prints the new serial:\n" + r.stdout);
  await ctx.close();
  const { count, nick } = keepOnly(homeU2, newSerial);
  log(`NSS database held ${count} certificates of the user; kept ${newSerial} (${nick})`);
  const pfx = exportP12(homeU2, nick);
  const jar = {};
  const login = await mtlsCall(pfx, "POST", "/api/v1/sessions", { role: "user", pin: riyousya.pin }, jar);
  assert.equal(login.status, 201, "logon with the new certificate: " + JSON.stringify(login.body));
  const otpAns = await mtlsCall(pfx, "POST", "/api/v1/sessions/current/otp", { otp: await otp(riyousya.totp_secret_base32) }, jar);
  assert.equal(otpAns.status, 200, "OTP with the new certificate: " + JSON.stringify(otpAns.body));
  const after = otpAns.body;
  assert.equal(after.state, "active");
  assert.equal(after.certificate.serial.toLowerCase().replace(/^0+/, ""), newSerial.toLowerCase().replace(/^0+/, ""), "the new certificate's session");
  assert.notEqual(after.certificate.serial, before.certificate.serial, "logged on with the new certificate");
  assert.equal(after.certificate.renewal_open, false, "the new certificate is outside its window");
  await mtlsCall(pfx, "DELETE", "/api/v1/sessions/current", undefined, jar);
  log("logged on with the new certificate " + after.certificate.serial);
  ctx = await browser(homeU2);
  sh.ctxU2 = ctx;

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
  return { notAfterNew: after.certificate.not_after, pfx };
}
