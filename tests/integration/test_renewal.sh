#!/usr/bin/env bash
# Renewal, expiry and deadlines (issue 5: R20-R23, seed 003) over the real server driven by its
# test clock, with kakuin-cert renew (from an NSS database and from a PKCS#12, for a user and
# for the administrator) and curl/openssl/pk12util as independent clients:
#   day 0    acquire; renewal refused outside the window (curl and kakuin-cert); the session
#            answer's certificate block; a registration for genchi02 that will run out
#   day 340  inside the window: renewal_open; the user renews from NSS, the administrator from
#            a PKCS#12; the browser session ends; the new certificate logs on, the old one gets
#            certificate_not_current; genchi02 shows deadline_passed and cannot acquire
#   day 680  the user renews from a PKCS#12, the administrator from an NSS database
#   day 1046 the newest certificates have expired: certificate_expired with the user's and the
#            administrator's messages, in Japanese and English
source "$(dirname "$0")/lib.sh"
C=00009876543
kk_init
sed -i -E 's/^test_clock_allowed = false/test_clock_allowed = true/' "$D/kakuin.toml"
kk_start_demo
kk_stop
kk_start --test-clock
ADMIN_PIN="$(kk_cred '["admin"]["pin"]')"; ADMIN_CONFIRM="$(kk_cred '["admin"]["confirmation_pin"]')"
ADMIN_TOTP="$(kk_cred '["admin"]["totp_secret_base32"]')"
RPIN="$(kk_cred '["users"][0]["pin"]')"; RTOTP="$(kk_cred '["users"][0]["totp_secret_base32"]')"
GPIN="$(kk_cred '["users"][1]["pin"]')"
DAY=86400
OFFSET=0
printf 'p12pass\n' >"$T/p12pw"; chmod 600 "$T/p12pw"
printf '%s\n' "$RPIN" >"$T/rpin"; printf '%s\n' "$ADMIN_PIN" >"$T/apin"; chmod 600 "$T/rpin" "$T/apin"

# advance SECONDS: moves the server's clock (POST /api/v1/test/clock on the https listener).
advance() {
  local s
  s="$(curl -sS -o "$T/body" -w '%{http_code}' --cacert "$D/ca-chain.pem" -H 'Content-Type: application/json' \
       --data '{"advance_seconds":'"$1"'}' "$HTTPS/api/v1/test/clock")"
  [ "$s" = 200 ] || fail "test clock: $s $(cat "$T/body")"
  OFFSET=$((OFFSET + $1))
}
# otp_into VAR SECRET OUT: kk_otp_into at the server's (moved) time.
otp_into() { KK_CLOCK_OFFSET="$OFFSET" kk_otp_into "$@"; }
# cert_logon P12 JAR ROLE PIN SECRET STEPVAR: certificate + PIN + OTP; the session is active.
cert_logon() {
  local p12="$1" jar="$2" role="$3" pin="$4" secret="$5" var="$6" st code
  rm -f "$jar" "$jar.csrf"
  st="$(kk_cert_api "$p12" "$jar" POST /api/v1/sessions '{"role":"'"$role"'","pin":"'"$pin"'"}')"
  kk_expect 201 - "$st"
  kk_save_csrf "$jar"
  otp_into "$var" "$secret" code
  st="$(kk_cert_api "$p12" "$jar" POST /api/v1/sessions/current/otp '{"otp":"'"$code"'"}')"
  kk_expect 200 - "$st"
  [ "$(kk_json '["state"]')" = active ] || fail "not active: $(cat "$T/body")"
}
# renew_post P12 JAR CSR [CONTENT_TYPE]: POST /api/v1/renewals with curl; status printed.
renew_post() {
  local p12="$1" jar="$2" csr="$3" ct="${4:-application/pkcs10}"
  local args=(-sS -o "$T/body" -w '%{http_code}' --cacert "$D/ca-chain.pem" --cert "$p12:p12pass" --cert-type P12
              -b "$jar" -c "$jar" -H "Content-Type: $ct" --data-binary @"$csr")
  [ -f "$jar.csrf" ] && args+=(-H "X-CSRF-Token: $(cat "$jar.csrf")")
  curl "${args[@]}" "$MTLS/api/v1/renewals"
}
# cert_login_en P12 JAR JSON: certificate logon asking for English problems.
cert_login_en() {
  kk_api "$2" POST "$MTLS/api/v1/sessions" "$3" --cert "$1:p12pass" --cert-type P12 -H 'Accept-Language: en'
}
# kk_renew OUTFILE ARGS...: kakuin-cert renew against the certificate listener.
kk_renew() {
  local out="$1"; shift
  HOME="$T/home" "$KAKUIN_CERT" renew --server "$MTLS" --ca-file "$D/ca-chain.pem" "$@" >"$out" 2>&1
}
serial_of() { openssl pkcs12 -in "$1" -passin pass:p12pass -nokeys -clcerts 2>/dev/null | openssl x509 -noout -serial | sed 's/^serial=//'; }
# nss_export DB NICKNAME P12: the certificate and key of DB as a PKCS#12 (password p12pass).
nss_export() { pk12util -o "$3" -n "$2" -d "sql:$1" -W p12pass >"$T/pk12util.out" 2>&1 || fail "pk12util -o: $(cat "$T/pk12util.out")"; }
nickname_in() { sed -n -e 's/.*(nickname: \(.*\))$/\1/p' -e 's/.*（ニックネーム: \(.*\)）$/\1/p' "$1" | head -1; }

# --- the test clock on the API path: loopback only, GET and POST ---------------------------
s="$(curl -sS -o "$T/body" -w '%{http_code}' --cacert "$D/ca-chain.pem" "$HTTPS/api/v1/test/clock")"
[ "$s" = 200 ] || fail "GET /api/v1/test/clock: $s"
python3 -c 'import json,sys,datetime; n=json.load(open(sys.argv[1]))["now"]; d=datetime.datetime.fromisoformat(n.replace("Z","+00:00")); assert abs(d.timestamp()-datetime.datetime.now().timestamp())<120, n' "$T/body" \
  || fail "test clock now: $(cat "$T/body")"
s="$(curl -sS -o "$T/body" -w '%{http_code}' -H 'Content-Type: application/json' --data '{"advance_seconds":-1}' "$PLAIN/api/v1/test/clock")"
kk_expect 400 invalid_request "$s"
s="$(curl -sS -o "$T/body" -w '%{http_code}' -H 'Content-Type: application/json' --data '{"advance_seconds":0}' "$PLAIN/test/clock")"
kk_expect 200 - "$s"

# --- day 0: acquisition; outside the renewal window ---------------------------------------
kk_acquire "$T/u0.p12" "$RPIN" "$RTOTP" R_STEP --contract-id "$C" --user-id riyousya --nssdb "$T/unss" \
  || { cat "$T/acquire.out"; fail "user acquisition"; }
kk_acquire "$T/a.p12" "$ADMIN_PIN" "$ADMIN_TOTP" A_STEP --contract-id "$C" \
  || { cat "$T/acquire.out"; fail "admin acquisition"; }
U0_SERIAL="$(serial_of "$T/u0.p12")"; A0_SERIAL="$(serial_of "$T/a.p12")"
cp "$T/a.p12" "$T/a0.p12"

UJ="$T/user.jar"
cert_logon "$T/u0.p12" "$UJ" user "$RPIN" "$RTOTP" R_STEP
s="$(kk_cert_api "$T/u0.p12" "$UJ" GET /api/v1/sessions/current)"; kk_expect 200 - "$s"
python3 - "$T/body" "$U0_SERIAL" <<'PY' || fail "certificate block at day 0: $(cat "$T/body")"
import json, sys, datetime
b = json.load(open(sys.argv[1])); c = b["certificate"]
assert c["serial"].upper() == sys.argv[2].upper(), c
assert c["renewal_open"] is False and c["days_left"] in (364, 365), c
na = datetime.datetime.fromisoformat(c["not_after"].replace("Z", "+00:00"))
op = datetime.datetime.fromisoformat(c["renewal_opens_at"].replace("Z", "+00:00"))
assert na - op == datetime.timedelta(days=30), c
assert b["notices"] == [], b
PY
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/n.key" -subj /CN=ignored -out "$T/n.csr" 2>/dev/null
s="$(renew_post "$T/u0.p12" "$UJ" "$T/n.csr")"; kk_expect 409 not_in_renewal_window "$s"
# Only on the certificate listener; a write needs the CSRF token.
s="$(curl -sS -o "$T/body" -w '%{http_code}' --cacert "$D/ca-chain.pem" -H 'Content-Type: application/pkcs10' --data-binary @"$T/n.csr" "$HTTPS/api/v1/renewals")"
kk_expect 404 not_found "$s"
s="$(curl -sS -o "$T/body" -w '%{http_code}' --cacert "$D/ca-chain.pem" --cert "$T/u0.p12:p12pass" --cert-type P12 -b "$UJ" \
     -H 'Content-Type: application/pkcs10' --data-binary @"$T/n.csr" "$MTLS/api/v1/renewals")"
kk_expect 403 csrf_failed "$s"
s="$(curl -sS -o "$T/body" -w '%{http_code}' --cacert "$D/ca-chain.pem" --cert "$T/u0.p12:p12pass" --cert-type P12 \
     -H 'Content-Type: application/pkcs10' --data-binary @"$T/n.csr" "$MTLS/api/v1/renewals")"
kk_expect 401 session_expired "$s"
set +e
otp_into R_STEP "$RTOTP" code
kk_renew "$T/renew0.out" --p12 "$T/u0.p12" --p12-password-file "$T/p12pw" --pin-file "$T/rpin" --otp "$code" --lang en
rc=$?
set -e
[ "$rc" = 4 ] || fail "kakuin-cert renew outside the window: exit $rc: $(cat "$T/renew0.out")"
grep -q "not_in_renewal_window" "$T/renew0.out" || fail "renew outside the window: $(cat "$T/renew0.out")"
[ "$(serial_of "$T/u0.p12")" = "$U0_SERIAL" ] || fail "the PKCS#12 changed on a refused renewal"
[ ! -e "$T/u0.p12.old" ] || fail "a refused renewal moved the PKCS#12"

# The administrator registers an issuance for genchi02, which will pass its deadline.
AJ="$T/admin.jar"
cert_logon "$T/a.p12" "$AJ" admin "$ADMIN_PIN" "$ADMIN_TOTP" A_STEP
s="$(kk_cert_api "$T/a.p12" "$AJ" PATCH /api/v1/users/genchi02 '{"certificate":"reissue","confirmation_pin":"'"$ADMIN_CONFIRM"'"}')"
kk_expect 200 - "$s"
[ "$(kk_json '["certificate"]["status"]')" = registered ] || fail "genchi02 registration: $(cat "$T/body")"

# --- day 340: inside the window -----------------------------------------------------------
advance $((340 * DAY))
cert_logon "$T/u0.p12" "$UJ" user "$RPIN" "$RTOTP" R_STEP
s="$(kk_cert_api "$T/u0.p12" "$UJ" GET /api/v1/sessions/current)"; kk_expect 200 - "$s"
python3 - "$T/body" <<'PY' || fail "certificate block at day 340: $(cat "$T/body")"
import json, sys
b = json.load(open(sys.argv[1])); c = b["certificate"]
assert c["renewal_open"] is True and c["days_left"] in (24, 25), c
assert b["notices"][0]["code"] == "certificate_renewal_due", b
PY
# Bad CSRs are refused and change nothing.
printf 'not a csr' >"$T/garbage.csr"
s="$(renew_post "$T/u0.p12" "$UJ" "$T/garbage.csr")"; kk_expect 400 csr_invalid "$s"
openssl req -new -newkey ed25519 -nodes -keyout "$T/ed.key" -subj /CN=x -out "$T/ed.csr" 2>/dev/null
s="$(renew_post "$T/u0.p12" "$UJ" "$T/ed.csr")"; kk_expect 400 key_not_allowed "$s"
s="$(renew_post "$T/u0.p12" "$UJ" "$T/n.csr" text/plain)"; kk_expect 400 csr_invalid "$s"
s="$(kk_cert_api "$T/u0.p12" "$UJ" GET /api/v1/sessions/current)"; kk_expect 200 - "$s"

# genchi02's registration ran out (80 days): 取得期限切れ, and acquisition is refused.
cert_logon "$T/a.p12" "$AJ" admin "$ADMIN_PIN" "$ADMIN_TOTP" A_STEP
s="$(kk_cert_api "$T/a.p12" "$AJ" GET /api/v1/users)"; kk_expect 200 - "$s"
python3 -c 'import json,sys; u={x["user_id"]:x for x in json.load(open(sys.argv[1]))["users"]}; assert u["genchi02"]["certificate"]["status"]=="deadline_passed", u["genchi02"]' "$T/body" \
  || fail "genchi02 is not deadline_passed: $(cat "$T/body")"
s="$(kk_cert_api "$T/a.p12" "$AJ" GET /api/v1/users/genchi02)"; kk_expect 200 - "$s"
[ "$(kk_json '["certificate"]["status"]')" = deadline_passed ] || fail "genchi02 detail: $(cat "$T/body")"
s="$(kk_api "$T/x.jar" POST "$HTTPS/api/v1/enrollments" '{"contract_id":"'$C'","user_id":"genchi02","pin":"'"$GPIN"'"}')"
kk_expect 409 acquisition_deadline_passed "$s"

# The user renews with kakuin-cert from the NSS database (Japanese output).
otp_into R_STEP "$RTOTP" code
kk_renew "$T/renew1.out" --nssdb "$T/unss" --pin-file "$T/rpin" --otp "$code" \
  || { cat "$T/renew1.out"; fail "user renewal from NSS"; }
grep -q "新しい電子証明書を選択して" "$T/renew1.out" || fail "renew output: $(cat "$T/renew1.out")"
# The browser's session ended with the renewal.
s="$(kk_cert_api "$T/u0.p12" "$UJ" GET /api/v1/sessions/current)"; kk_expect 401 session_expired "$s"
# The old certificate: refused with the message to choose the new one; OCSP says superseded.
s="$(kk_cert_api "$T/u0.p12" "$T/old.jar" POST /api/v1/sessions '{"role":"user","pin":"'"$RPIN"'"}')"
kk_expect 401 certificate_not_current "$s"
grep -q "新しい電子証明書を選択してください" "$T/body" || fail "certificate_not_current message: $(cat "$T/body")"
openssl pkcs12 -in "$T/u0.p12" -passin pass:p12pass -nokeys -clcerts 2>/dev/null | openssl x509 -out "$T/u0.pem"
openssl x509 -in "$D/ca-chain.pem" -out "$T/issuing.pem"
openssl ocsp -issuer "$T/issuing.pem" -cert "$T/u0.pem" -url "$PLAIN/ocsp" -CAfile "$D/ca-chain.pem" \
  -no_nonce >"$T/ocsp.out" 2>&1 || true
grep -q "revoked" "$T/ocsp.out" && grep -qi "superseded" "$T/ocsp.out" || fail "OCSP for the old certificate: $(cat "$T/ocsp.out")"
# The new certificate (from the NSS database, exported with NSS's own tool) logs on.
U1_NICK="$(nickname_in "$T/renew1.out")"
[ -n "$U1_NICK" ] || fail "no nickname in: $(cat "$T/renew1.out")"
nss_export "$T/unss" "$U1_NICK" "$T/u1.p12"
U1_SERIAL="$(serial_of "$T/u1.p12")"
[ "$U1_SERIAL" != "$U0_SERIAL" ] || fail "same serial after renewal"
openssl pkcs12 -in "$T/u1.p12" -passin pass:p12pass -nokeys -clcerts 2>/dev/null | openssl verify -CAfile "$D/ca-chain.pem" \
  -attime $(( $(date +%s) + OFFSET )) >/dev/null || fail "renewed certificate does not verify"
cert_logon "$T/u1.p12" "$UJ" user "$RPIN" "$RTOTP" R_STEP
s="$(kk_cert_api "$T/u1.p12" "$UJ" GET /api/v1/sessions/current)"; kk_expect 200 - "$s"
[ "$(kk_json '["certificate"]["renewal_open"]')" = False ] || fail "new certificate in its window: $(cat "$T/body")"
s="$(kk_cert_api "$T/a.p12" "$AJ" GET /api/v1/users/riyousya)"; kk_expect 200 - "$s"
[ "$(kk_json '["certificate"]["issue_number"]')" = 001 ] || fail "renewal changed the issue number: $(cat "$T/body")"

# The administrator renews with kakuin-cert from the PKCS#12 (English output).
otp_into A_STEP "$ADMIN_TOTP" code
kk_renew "$T/renew2.out" --role admin --p12 "$T/a.p12" --p12-password-file "$T/p12pw" --pin-file "$T/apin" \
  --otp "$code" --lang en || { cat "$T/renew2.out"; fail "administrator renewal from PKCS#12"; }
grep -q "choosing the new certificate" "$T/renew2.out" || fail "renew output: $(cat "$T/renew2.out")"
[ "$(serial_of "$T/a.p12.old")" = "$A0_SERIAL" ] || fail "the old PKCS#12 is not kept as .old"
A1_SERIAL="$(serial_of "$T/a.p12")"
[ "$A1_SERIAL" != "$A0_SERIAL" ] || fail "administrator PKCS#12 not replaced"
s="$(kk_cert_api "$T/a0.p12" "$AJ" GET /api/v1/users)"; kk_expect 401 session_expired "$s"
s="$(kk_cert_api "$T/a0.p12" "$T/old.jar" POST /api/v1/sessions '{"role":"admin","pin":"'"$ADMIN_PIN"'"}')"
kk_expect 401 certificate_not_current "$s"
cert_logon "$T/a.p12" "$AJ" admin "$ADMIN_PIN" "$ADMIN_TOTP" A_STEP
# Renewing again at once: the new certificate is not in its window.
otp_into A_STEP "$ADMIN_TOTP" code
set +e
kk_renew "$T/renew3.out" --role admin --p12 "$T/a.p12" --p12-password-file "$T/p12pw" --pin-file "$T/apin" --otp "$code" --lang en
rc=$?
set -e
[ "$rc" = 4 ] && grep -q not_in_renewal_window "$T/renew3.out" || fail "second renewal: exit $rc $(cat "$T/renew3.out")"

# --- day 680: the renewed certificates are in their window: the other sources --------------
advance $((340 * DAY))
# The user renews from a PKCS#12 (the NSS export), writing the new one elsewhere (--out).
otp_into R_STEP "$RTOTP" code
kk_renew "$T/renew4.out" --p12 "$T/u1.p12" --p12-password-file "$T/p12pw" --out "$T/u2.p12" --pin-file "$T/rpin" \
  --otp "$code" --lang en || { cat "$T/renew4.out"; fail "user renewal from PKCS#12"; }
[ "$(serial_of "$T/u1.p12")" = "$U1_SERIAL" ] || fail "--out touched the source PKCS#12"
cert_logon "$T/u2.p12" "$UJ" user "$RPIN" "$RTOTP" R_STEP
s="$(kk_cert_api "$T/u1.p12" "$T/old.jar" POST /api/v1/sessions '{"role":"user","pin":"'"$RPIN"'"}')"
kk_expect 401 certificate_not_current "$s"
# The administrator renews from an NSS database (the PKCS#12 imported with NSS's tool).
mkdir -p "$T/anss"
certutil -N -d "sql:$T/anss" --empty-password >/dev/null 2>&1 || fail "certutil -N"
pk12util -i "$T/a.p12" -d "sql:$T/anss" -W p12pass >"$T/pk12util.out" 2>&1 || fail "pk12util -i: $(cat "$T/pk12util.out")"
otp_into A_STEP "$ADMIN_TOTP" code
kk_renew "$T/renew5.out" --role admin --nssdb "$T/anss" --pin-file "$T/apin" --otp "$code" --lang en \
  || { cat "$T/renew5.out"; fail "administrator renewal from NSS"; }
nss_export "$T/anss" "$(nickname_in "$T/renew5.out")" "$T/a2.p12"
cert_logon "$T/a2.p12" "$AJ" admin "$ADMIN_PIN" "$ADMIN_TOTP" A_STEP
s="$(kk_cert_api "$T/a.p12" "$T/old.jar" POST /api/v1/sessions '{"role":"admin","pin":"'"$ADMIN_PIN"'"}')"
kk_expect 401 certificate_not_current "$s"
# The usage history has the renewals.
s="$(kk_cert_api "$T/a2.p12" "$AJ" GET "/api/v1/history?limit=200")"; kk_expect 200 - "$s"
n="$(python3 -c 'import json,sys; print(sum(1 for r in json.load(open(sys.argv[1]))["records"] if r["kind"]=="certificate.renewed"))' "$T/body")"
[ "$n" = 4 ] || fail "history has $n certificate.renewed records: $(cat "$T/body")"

# --- day 1046: the newest certificates have expired (R23) ----------------------------------
advance $((366 * DAY))
s="$(kk_cert_api "$T/u2.p12" "$T/e.jar" POST /api/v1/sessions '{"role":"user","pin":"'"$RPIN"'"}')"
kk_expect 401 certificate_expired "$s"
grep -q "管理者に電子証明書の再発行を依頼してください" "$T/body" || fail "user expiry message: $(cat "$T/body")"
s="$(cert_login_en "$T/u2.p12" "$T/e.jar" '{"role":"user","pin":"'"$RPIN"'"}')"
kk_expect 401 certificate_expired "$s"
grep -q "Ask your administrator" "$T/body" || fail "user expiry message (en): $(cat "$T/body")"
s="$(kk_cert_api "$T/a2.p12" "$T/e.jar" POST /api/v1/sessions '{"role":"admin","pin":"'"$ADMIN_PIN"'"}')"
kk_expect 401 certificate_expired "$s"
grep -q "お取引店に" "$T/body" || fail "administrator expiry message: $(cat "$T/body")"
grep -q "管理者に" "$T/body" && fail "administrator told to ask the administrator: $(cat "$T/body")"
s="$(cert_login_en "$T/a2.p12" "$T/e.jar" '{"role":"admin","pin":"'"$ADMIN_PIN"'"}')"
kk_expect 401 certificate_expired "$s"
grep -q "bank" "$T/body" || fail "administrator expiry message (en): $(cat "$T/body")"
# kakuin-cert renew with an expired certificate explains it too.
set +e
kk_renew "$T/renew6.out" --p12 "$T/u2.p12" --p12-password-file "$T/p12pw" --pin-file "$T/rpin" --lang en
rc=$?
set -e
[ "$rc" = 4 ] && grep -q certificate_expired "$T/renew6.out" || fail "renew with an expired certificate: exit $rc $(cat "$T/renew6.out")"
echo "ok: renewal, expiry and deadlines"
