// Shared helpers of the Chromium walkthroughs (walkthrough.mjs and the flows it runs): the
// server tests/e2e/run.sh started, screenshots, OTP codes on the server's (test) clock, NSS
// databases, kakuin-cert, browsers.
import { chromium } from "playwright-core";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, mkdirSync, openSync, closeSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import assert from "node:assert/strict";

export const env = process.env;
export const D = env.E2E_DATA, T = env.E2E_TMP, OUT = env.E2E_OUT;
export const HTTPS = `https://127.0.0.1:${env.E2E_HTTPS_PORT}`;
export const MTLS = `https://127.0.0.1:${env.E2E_MTLS_PORT}`;
export const BANK = env.E2E_BANK_PORT ? `https://127.0.0.1:${env.E2E_BANK_PORT}` : null;
export const PLAIN = `http://127.0.0.1:${env.E2E_HTTP_PORT}`;
export const KAKUIN = env.KAKUIN_BIN, KAKUIN_CERT = env.KAKUIN_CERT;

let shot = 0;
const started = Date.now();
export function log(msg) { console.log(`e2e [${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`); }
export const shots = () => shot;
export async function snap(page, name, doc = false) {
  shot += 1;
  const file = `${String(shot).padStart(2, "0")}-${name}.png`;
  await page.screenshot({ path: join(OUT, file), fullPage: true });
  if (doc) await page.screenshot({ path: join(OUT, `doc-${name}.png`), fullPage: true });
  log(`step ${shot}: ${name}`);
}

// The server's test clock: how far it is ahead of ours (OTP codes follow the server's clock).
let clockOffsetMs = 0;
export const serverNow = () => Date.now() + clockOffsetMs;
export async function advanceClock(seconds) {
  const r = await fetch(`${PLAIN}/test/clock`, {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ advance_seconds: Math.round(seconds) }) });
  assert.equal(r.status, 200, "test clock");
  const j = await r.json();
  assert.ok(j.now, "test clock moved");
  clockOffsetMs = new Date(j.now).getTime() - Date.now();
  log(`server clock now ${j.now} (${Math.round(seconds / 86400)} days on)`);
  return j.now;
}

// The server's clock as it is now (e.g. after a restart with --test-clock-offset).
export async function syncClock() {
  const r = await fetch(`${PLAIN}/api/v1/test/clock`);
  assert.equal(r.status, 200, "test clock");
  const j = await r.json();
  clockOffsetMs = new Date(j.now).getTime() - Date.now();
  log(`server clock ${j.now} (${Math.round(clockOffsetMs / 86400e3)} days from this PC's)`);
  return j.now;
}

// Stops the server (run.sh's, or the last one started here) and starts `kakuin serve` again on
// the same data directory and ports with the test clock OFFSET seconds from the system clock
// (negative: in the past). Its pid goes to $E2E_TMP/e2e-server.pid, which run.sh stops at the end.
const pidFile = () => join(T, "e2e-server.pid");
const gone = (pid) => {
  try { return /^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, "utf8")); } catch { return true; }
};
export async function restartServer(offsetSeconds) {
  const old = Number(existsSync(pidFile()) ? readFileSync(pidFile(), "utf8") : env.E2E_SERVER_PID);
  assert.ok(old > 0, "the running server's pid");
  process.kill(old, "SIGTERM");
  for (let i = 0; i < 200 && !gone(old); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(gone(old), "the server stopped");
  rmSync(join(D, "ports.json"), { force: true });
  const out = openSync(join(T, "server.log"), "a");
  const p = spawn(KAKUIN, ["serve", "--data", D, "--test-clock", `--test-clock-offset=${Math.round(offsetSeconds)}`],
    { stdio: ["ignore", out, out], detached: true });
  closeSync(out);
  writeFileSync(pidFile(), String(p.pid));
  p.unref();
  for (let i = 0; i < 300 && !existsSync(join(D, "ports.json")); i++) {
    assert.ok(!gone(p.pid), "the server exited: see server.log");
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(existsSync(join(D, "ports.json")), "ports.json after the restart");
  log(`server restarted with --test-clock-offset=${Math.round(offsetSeconds)}`);
  const now = await syncClock();
  assert.ok(Math.abs(clockOffsetMs - offsetSeconds * 1000) < 60e3, `the server's clock starts ${offsetSeconds} s off ours: ${now}`);
  return now;
}

// TOTP codes the server accepts and has not seen: steps current-1 .. current+1, each above the
// last one used for that secret (like tests/integration/lib.sh kk_otp_into).
const lastStep = new Map();
export async function otp(secret) {
  for (;;) {
    const now = Math.floor(serverNow() / 1000), cur = Math.floor(now / 30), rem = 30 - (now % 30);
    let step = cur - 1;
    const last = lastStep.get(secret) ?? 0;
    if (step <= last) step = last + 1;
    if (step > cur + 1 || (step === cur - 1 && rem <= 3)) {
      log(`waiting ${rem + 1}s for a fresh OTP step`);
      await new Promise((r) => setTimeout(r, (rem + 1) * 1000));
      continue;
    }
    lastStep.set(secret, step);
    return execFileSync("oathtool", ["--totp", "-b", secret, "-N", `@${step * 30 + 1}`], { encoding: "utf8" }).trim();
  }
}

// A HOME with an NSS database that trusts the bank's CA (for the server certificate).
export function newHome(name) {
  const home = join(T, "home-" + name);
  const db = join(home, ".pki", "nssdb");
  mkdirSync(db, { recursive: true, mode: 0o700 });
  execFileSync("certutil", ["-N", "-d", "sql:" + db, "--empty-password"]);
  const pems = readFileSync(join(D, "ca-chain.pem"), "utf8").match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  pems.forEach((pem, i) => {
    const f = join(T, `ca-${name}-${i}.pem`);
    writeFileSync(f, pem + "\n");
    execFileSync("certutil", ["-A", "-d", "sql:" + db, "-t", "C,,", "-n", `kakuin-ca-${i}`, "-i", f]);
  });
  return home;
}
export const nssdb = (home) => join(home, ".pki", "nssdb");

// kakuin-cert acquire into HOME's NSS database (the acquisition app, seed 002).
export async function acquire(home, contractId, userId, pin, secret) {
  const pinFile = join(T, "acq-pin");
  writeFileSync(pinFile, pin + "\n", { mode: 0o600 });
  const args = ["acquire", "--server", HTTPS, "--ca-file", join(D, "ca-chain.pem"), "--contract-id", contractId,
    "--pin-file", pinFile, "--otp", await otp(secret), "--key-type", "p256", "--nssdb", nssdb(home), "--lang", "en"];
  if (userId) args.push("--user-id", userId);
  try {
    execFileSync(KAKUIN_CERT, args, { env: { ...env, HOME: home }, encoding: "utf8", stdio: "pipe" });
  } catch (e) {
    throw new Error(`kakuin-cert acquire failed: ${e.stdout}\n${e.stderr}`);
  } finally { rmSync(pinFile, { force: true }); }
  log(`acquired a certificate for ${contractId} ${userId ?? "(administrator)"}`);
}

// Runs a program in the background (e.g. kakuin-cert renew while a screen waits); resolves
// with {code, stdout, stderr}.
export function run(file, args, opts = {}) {
  return new Promise((resolve) => {
    const p = spawn(file, args, { ...opts, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    p.stdout.on("data", (d) => { stdout += d; });
    p.stderr.on("data", (d) => { stderr += d; });
    if (opts.input !== undefined) p.stdin.end(opts.input); else p.stdin.end();
    p.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

export const browsers = [];
export const cspViolations = [];  // the screens must run under the server's CSP (no inline script/style)
export async function browser(home, viewport = { width: 1280, height: 800 }) {
  const dir = mkdtempSync(join(T, "chromium-"));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: "/usr/bin/chromium", headless: true, viewport, locale: "ja-JP", timeout: 120000,
    env: { ...env, HOME: home },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  context.setDefaultTimeout(30000);  // a loaded 2-core CI machine
  context.on("console", (m) => { if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text()); });
  browsers.push(context);
  return context;
}

export const text = async (page, sel) => (await page.locator(sel).innerText()).trim();
export async function softType(page, field, value) {
  await page.click(`#${field} ~ button.sk-toggle`);
  for (const c of value) await page.click(`#${field}-sk button[data-key="${c}"]`);
  assert.equal(await page.inputValue(`#${field}`), value, "software keyboard entry");
}
export async function expectHeading(page, h) {
  await page.waitForFunction((h) => document.querySelector("h1")?.textContent?.startsWith(h), h);
}

// Certificate logon at :8444 with the browser's (auto-selected) certificate: PIN, OTP.
export async function certLogon(page, role, pin, secret) {
  await page.goto(MTLS + (role === "admin" ? "/#/admin/cert-logon" : "/#/user/cert-logon"));
  await page.waitForSelector("#pin");
  await page.fill("#pin", pin);
  await page.click("button[type=submit]");
  await expectHeading(page, "ワンタイムパスワード");
  await page.fill("#otp", await otp(secret));
  await page.click("button[type=submit]");
}
