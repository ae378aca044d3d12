// Seed 003 (R22): certificate renewal in Chromium, at this PC's real time. Chromium offers only
// certificates valid by the PC's clock, so the certificate to renew is made old instead of the
// clock moved on: the administrator registers the user koushin01 (certificate + software token),
// the server restarts with its test clock 340 days in the past (--test-clock-offset), koushin01
// acquires there a certificate valid until 25 days from now, and the clock moves 340 days on
// (back to the real now). Then in Chromium: 電子証明書更新のお知らせ → 次回ログイン時に更新する
// skips; 次へ → 電子証明書更新 waits while `kakuin-cert renew --nssdb` runs → 電子証明書の更新が
// 完了しました; the new certificate logs on; the old one (a copy of the NSS database made before)
// is refused with the message to choose the new one. The administrator sees the same notice
// later (clock moved into the window of the certificate the walkthrough acquired).
import { cpSync, existsSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import https from "node:https";
import { join } from "node:path";
import assert from "node:assert/strict";
import {
  D, T, MTLS, KAKUIN_CERT, env, log, snap, otp, nssdb, newHome, acquire, browser, text, expectHeading, advanceClock, serverNow, run,
  certLogon, restartServer,
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

// After a renewal the NSS database holds both certificates, both valid by the PC's clock, with
// the same subject: the certificate auto-selection policy cannot tell them apart. Like the person
// choosing the new one in the browser's dialog, keep only the user certificate with serial `keep`
// (its key stays in the database). Returns how many user certificates there were.
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

// One JSON call on the certificate listener presenting `pfx` (a PKCS#12, password e2e-pass),
// for flows that check what Chromium would not offer.
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

// One JSON call from a page of the screens' origin with its session (cookie + CSRF token).
const apiCall = (page, method, path, body) => page.evaluate(async ([method, path, body]) => {
  const s = await (await fetch("/api/v1/sessions/current", { cache: "no-store" })).json();
  const r = await fetch(path, { method, body: body === null ? undefined : JSON.stringify(body),
    headers: { "Content-Type": "application/json", "X-CSRF-Token": s.csrf_token ?? "" } });
  return { status: r.status, body: await r.json().catch(() => null) };
}, [method, path, body ?? null]);

// 次へ on 電子証明書更新のお知らせ → 電子証明書更新 (waiting for the app).
async function page_next(page) {
  await page.click("#renewal-next");
  await expectHeading(page, "電子証明書更新");
}

const plainSerial = (s) => s.toLowerCase().replace(/:/g, "").replace(/^0+/, "");

export async function renewal(sh) {
  const { riyousya, homeU2, creds } = sh;
  const C = creds.contract_id;

  // Outside the window the app refuses (not_in_renewal_window).
  const early = await renew(homeU2, "user", riyousya.pin, riyousya.totp_secret_base32);
  assert.notEqual(early.code, 0, "renewal outside the window refused");
  assert.match(early.stderr + early.stdout, /renewal window/i, "not_in_renewal_window: " + early.stderr);
  log("renewal outside the window refused");

  // The administrator registers koushin01 with a certificate to acquire and a software token.
  const ap = await sh.ctxAdmin.newPage();
  await certLogon(ap, "admin", sh.adminPin ?? creds.admin.pin, creds.admin.totp_secret_base32);
  await expectHeading(ap, "契約法人ステータス");
  const adminCert = (await sessionOf(ap)).certificate;
  assert.equal(adminCert?.renewal_open, false, "the administrator's certificate is not yet in its window");
  const k = { user_id: "koushin01", pin: "ks482917" };
  const reg = await apiCall(ap, "POST", "/api/v1/users", {
    user_id: k.user_id, name_kana: "ｺｳｼﾝ ﾀﾛｳ", name_kanji: "更新 太郎", login_pin: k.pin, login_pin_again: k.pin,
    user_confirmation_pin: "kc739104", user_confirmation_pin_again: "kc739104", issue_certificate: true,
    confirmation_pin: creds.admin.confirmation_pin });
  assert.equal(reg.status, 201, "register koushin01: " + JSON.stringify(reg.body));
  const tok = await apiCall(ap, "PUT", `/api/v1/users/${k.user_id}/token`, { kind: "software", confirmation_pin: creds.admin.confirmation_pin });
  assert.equal(tok.status, 200, "koushin01's token: " + JSON.stringify(tok.body));
  k.totp = tok.body.secret_base32;
  await ap.click("#logoff");
  await ap.close();

  // 340 days ago koushin01 acquired a certificate (valid then for a year: until 25 days from now).
  const DAYS_BACK = 340;
  await restartServer(-DAYS_BACK * DAY);
  const homeK = newHome("koushin01");
  await acquire(homeK, C, k.user_id, k.pin, k.totp);
  // So did the administrator of こうしん工業 (run.sh registers that contract when it has the bank).
  const rcFile = join(T, "renew-contract.out");
  const a2 = existsSync(rcFile) ? Object.fromEntries(readFileSync(rcFile, "utf8").split("\n")
    .map((l) => /^([a-z_0-9]+): (.*)$/.exec(l)).filter(Boolean).map((m) => [m[1], m[2]])) : null;
  const homeA2 = a2 ? newHome("admin-koushin") : null;
  if (a2) await acquire(homeA2, a2.contract_id, null, a2.admin_login_pin, a2.admin_totp_secret_base32);
  else log("SKIPPED the administrator's renewal: no certificate contract from the back office");
  await advanceClock(DAYS_BACK * DAY);                             // the real now again

  // Logon → 電子証明書更新のお知らせ (expiry in JST, days left), English, phone width.
  let ctx = await browser(homeK);
  const page = await ctx.newPage();
  await certLogon(page, "user", k.pin, k.totp);
  await expectHeading(page, "電子証明書更新のお知らせ");
  const before = (await sessionOf(page)).certificate;
  assert.ok(before?.not_after, "session certificate");
  assert.equal(before.renewal_open, true, "in the window");
  const notAfter = new Date(before.not_after).getTime();
  const daysLeft = (notAfter - Date.now()) / 86400e3;
  assert.ok(daysLeft > 20 && daysLeft < 30, `the certificate expires in ${daysLeft} days`);
  const shown = Number((await text(page, "#renewal-days-left")).replace(/日$/, ""));
  assert.ok(Math.abs(shown - daysLeft) <= 1, `days left shown: ${shown}, expected ~${daysLeft}`);
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
  assert.equal((await sessionOf(page)).certificate.serial, before.serial, "not renewed");
  await page.click("nav.menu >> text=トップ");
  await expectHeading(page, "利用者トップ");
  await page.click("#logoff");
  await expectHeading(page, "利用者ログオン");
  await certLogon(page, "user", k.pin, k.totp);
  await expectHeading(page, "電子証明書更新のお知らせ");

  // 次へ → 電子証明書更新 (the command for this PC), then the app renews while it waits.
  await page.click("#renewal-next");
  await expectHeading(page, "電子証明書更新");
  assert.match(await text(page, "#renew-command"), new RegExp(`^kakuin-cert renew --server ${MTLS.replace(/\./g, "\\.")} `));
  await snap(page, "renewal-run", true);
  const homeOld = join(T, "home-koushin01-old");                 // the PC before the renewal
  cpSync(homeK, homeOld, { recursive: true });
  const r = await renew(homeK, "user", k.pin, k.totp);
  assert.equal(r.code, 0, `kakuin-cert renew failed: ${r.stdout}\n${r.stderr}`);
  log("kakuin-cert renew: " + r.stdout.split("\n").filter(Boolean).slice(0, 2).join(" / "));
  await expectHeading(page, "電子証明書の更新が完了しました");
  await snap(page, "renewal-done", true);
  await ctx.close();

  // The new certificate (valid from now) logs on in Chromium and reaches 利用者トップ.
  const newSerial = (/Serial number:\s*([0-9A-Fa-f:]+)/.exec(r.stdout)?.[1] ?? "").replace(/:/g, "");
  assert.ok(newSerial, "kakuin-cert renew prints the new serial:\n" + r.stdout);
  const { count, nick } = keepOnly(homeK, newSerial);
  log(`NSS database held ${count} certificates of the user; kept ${newSerial} (${nick})`);
  ctx = await browser(homeK);
  const np = await ctx.newPage();
  await certLogon(np, "user", k.pin, k.totp);
  await expectHeading(np, "利用者トップ");
  const after = (await sessionOf(np)).certificate;
  assert.equal(plainSerial(after.serial), plainSerial(newSerial), "the new certificate's session");
  assert.notEqual(plainSerial(after.serial), plainSerial(before.serial), "logged on with the new certificate");
  assert.equal(after.renewal_open, false, "the new certificate is outside its window");
  assert.ok(new Date(after.not_after).getTime() > notAfter + 300 * 86400e3, "the new certificate runs a year on");
  await snap(np, "renewal-new-certificate-top", true);
  await np.click("#logoff");
  await expectHeading(np, "利用者ログオン");
  await ctx.close();
  log("logged on in Chromium with the new certificate " + after.serial);

  // The old certificate is refused with its message (choose the new certificate).
  const old = await browser(homeOld);
  const op = await old.newPage();
  await op.goto(MTLS + "/#/user/cert-logon");
  await op.fill("#pin", k.pin);
  await op.click("button[type=submit]");
  await op.waitForSelector(".alert.error");
  const refused = await text(op, ".alert.error");
  assert.match(refused, /新しい電子証明書/, "old certificate after renewal: " + refused);
  await snap(op, "renewal-old-refused", true);
  await old.close();

  // The administrator renews the same way: notice → 次へ → kakuin-cert renew --role admin →
  // 完了; the new certificate reaches 契約法人ステータス in Chromium.
  if (a2) {
    let actx = await browser(homeA2);
    const a2p = await actx.newPage();
    await certLogon(a2p, "admin", a2.admin_login_pin, a2.admin_totp_secret_base32);
    await expectHeading(a2p, "電子証明書更新のお知らせ");
    const a2Before = (await sessionOf(a2p)).certificate;
    await page_next(a2p);
    const ar = await renew(homeA2, "admin", a2.admin_login_pin, a2.admin_totp_secret_base32);
    assert.equal(ar.code, 0, `kakuin-cert renew --role admin failed: ${ar.stdout}\n${ar.stderr}`);
    await expectHeading(a2p, "電子証明書の更新が完了しました");
    await actx.close();
    const aSerial = (/Serial number:\s*([0-9A-Fa-f:]+)/.exec(ar.stdout)?.[1] ?? "").replace(/:/g, "");
    keepOnly(homeA2, aSerial);
    actx = await browser(homeA2);
    const a3p = await actx.newPage();
    await certLogon(a3p, "admin", a2.admin_login_pin, a2.admin_totp_secret_base32);
    await expectHeading(a3p, "契約法人ステータス");
    const a2After = (await sessionOf(a3p)).certificate;
    assert.equal(plainSerial(a2After.serial), plainSerial(aSerial), "the administrator's new certificate's session");
    assert.notEqual(plainSerial(a2After.serial), plainSerial(a2Before.serial), "the administrator's certificate renewed");
    await snap(a3p, "renewal-admin-new-certificate");
    await a3p.click("#logoff");
    await actx.close();
    log("the administrator logged on in Chromium with the new certificate " + a2After.serial);
  }

  // The walkthrough's administrator's certificate in its window (the clock 20 days before its
  // expiry): the same notice, skipped.
  await advanceClock((new Date(adminCert.not_after).getTime() - serverNow()) / 1000 - 20 * DAY);
  const ap2 = await sh.ctxAdmin.newPage();
  await certLogon(ap2, "admin", sh.adminPin ?? creds.admin.pin, creds.admin.totp_secret_base32);
  await expectHeading(ap2, "電子証明書更新のお知らせ");
  await snap(ap2, "renewal-notice-admin");
  await ap2.click("#renewal-later");
  await expectHeading(ap2, "契約法人ステータス");
  await ap2.click("#logoff");
  return { notAfterNew: after.not_after };
}
