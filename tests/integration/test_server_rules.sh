#!/usr/bin/env bash
# The rules of seeds 001/002 and R4-R20 over the real server (curl, openssl, oathtool,
# kakuin-cert), with every error code the issue names reached at least once (asserted at the end;
# certificate_revoked is reached in test_server_story.sh, certificate_expired cannot be reached
# over TLS: the handshake refuses an expired certificate with the same clock first).
source "$(dirname "$0")/lib.sh"
C=00009876543
kk_init
sed -i -E 's/^threshold = [0-9]+/threshold = 4/; s/^test_clock_allowed = false/test_clock_allowed = true/' "$D/kakuin.toml"
kk_start_demo   # the demo's contract and users, then the same data served with a test clock
kk_stop
kk_start --test-clock
ADMIN_PIN="$(kk_cred '["admin"]["pin"]')"; ADMIN_CONFIRM="$(kk_cred '["admin"]["confirmation_pin"]')"
ADMIN_TOTP="$(kk_cred '["admin"]["totp_secret_base32"]')"
RPIN="$(kk_cred '["users"][0]["pin"]')"; RTOTP="$(kk_cred '["users"][0]["totp_secret_base32"]')"
GPIN="$(kk_cred '["users"][1]["pin"]')"; GTOTP="$(kk_cred '["users"][1]["totp_secret_base32"]')"
pin_login() {  # pin_login JAR ROLE USER PIN -> status; body in $T/body
  local u=""; [ -n "$3" ] && u=',"user_id":"'"$3"'"'
  kk_api "$1" POST "$HTTPS/api/v1/sessions" '{"role":"'"$2"'","contract_id":"'$C'"'"$u"',"pin":"'"$4"'"}'
}

# --- TLS: the certificate listener requires a client certificate; TLS < 1.2 refused ---------
# TLS 1.2: the server refuses the handshake itself.
if echo | timeout 10 openssl s_client -connect "127.0.0.1:$MTLS_PORT" -tls1_2 -CAfile "$D/ca-chain.pem" \
     -servername localhost >"$T/sc12.out" 2>&1; then
  fail "mtls (TLS 1.2) completed a handshake without a client certificate"
fi
# TLS 1.3: the client may believe the handshake done before the server's alert arrives, but no
# request is ever answered.
printf 'GET /api/v1/sessions/current HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' |
  timeout 10 openssl s_client -quiet -connect "127.0.0.1:$MTLS_PORT" -tls1_3 -CAfile "$D/ca-chain.pem" \
  -servername localhost >"$T/sc13.out" 2>&1 || true
grep -q "^HTTP/" "$T/sc13.out" && fail "mtls answered a request without a client certificate"
grep -qi "alert\|error" "$T/sc13.out" || fail "no TLS alert for a client without certificate: $(cat "$T/sc13.out")"
s="$(curl -sS -o /dev/null -w '%{http_code}' --cacert "$D/ca-chain.pem" "$MTLS/api/v1/sessions/current" 2>/dev/null || true)"
[ "$s" = 000 ] || fail "mtls without certificate answered HTTP $s"
# (SECLEVEL=0 lets the client offer TLS 1.1; the refusal must come from the server's alert.)
if echo | timeout 10 openssl s_client -connect "127.0.0.1:$HTTPS_PORT" -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0' \
     -CAfile "$D/ca-chain.pem" >"$T/tls11.out" 2>&1; then fail "TLS 1.1 accepted"; fi
grep -q "alert protocol version" "$T/tls11.out" || fail "TLS 1.1 not refused by the server: $(cat "$T/tls11.out")"
echo | timeout 10 openssl s_client -connect "127.0.0.1:$HTTPS_PORT" -tls1_2 -CAfile "$D/ca-chain.pem" \
  -verify_return_error >"$T/tls12.out" 2>&1 || fail "TLS 1.2 refused: $(tail -3 "$T/tls12.out")"

# --- bad input -----------------------------------------------------------------------------
s="$(kk_api "$T/x.jar" POST "$HTTPS/api/v1/sessions" '{"role":"admin",')"; kk_expect 400 invalid_request "$s"
grep -q "JSON" "$T/body" || fail "bad JSON detail"
s="$(kk_api "$T/x.jar" POST "$HTTPS/api/v1/sessions" '{"role":"admin","contract_id":12345678901,"pin":"x"}')"
kk_expect 400 invalid_request "$s"; grep -q "contract_id" "$T/body" || fail "detail does not name the field"
s="$(kk_api "$T/x.jar" POST "$HTTPS/api/v1/sessions" '{"role":"admin","contract_id":"'$C'","pin":"x","extra":1}')"
kk_expect 400 invalid_request "$s"
s="$(kk_api "$T/x.jar" POST "$HTTPS/api/v1/sessions" '{"role":"user","pin":"1234"}')"
kk_expect 401 certificate_required "$s"
s="$(kk_api "$T/x.jar" GET "$HTTPS/api/v1/users")"; kk_expect 401 session_expired "$s"
# (an unknown contract: pin_incorrect without revealing it, and no failure counted anywhere)
s="$(kk_api "$T/x.jar" POST "$HTTPS/api/v1/sessions" '{"role":"admin","contract_id":"00000000001","pin":"wrong1"}')"
kk_expect 401 pin_incorrect "$s"
s="$(kk_api "$T/x.jar" POST "$HTTPS/api/v1/sessions" '{"role":"admin","contract_id":"00000000001","pin":"x"}' -H 'Accept-Language: en')"
kk_expect 401 pin_incorrect "$s"; grep -q "PIN is incorrect" "$T/body" || fail "no English detail"

# --- acquisition: not registered, CSR errors, R20 retry, already used ----------------------
s="$(kk_api "$T/x.jar" POST "$HTTPS/api/v1/enrollments" '{"contract_id":"'$C'","user_id":"genchi02","pin":"'"$GPIN"'"}')"
kk_expect 409 acquisition_not_registered "$s"
s="$(kk_api "$T/x.jar" POST "$HTTPS/api/v1/enrollments" '{"contract_id":"'$C'","user_id":"riyousya","pin":"'"$RPIN"'"}')"
kk_expect 201 - "$s"
EID="$(kk_json '["enrollment_id"]')"
[ "$(kk_json '["state"]')" = otp_required ] || fail "enrollment state"
kk_otp_into R_STEP "$RTOTP" code
s="$(kk_api "$T/x.jar" POST "$HTTPS/api/v1/enrollments/$EID/otp" '{"otp":"'"$code"'"}')"; kk_expect 200 - "$s"
[ "$(kk_json '["state"]')" = csr_required ] || fail "enrollment after OTP"
csr_post() { curl -sS -o "$T/body" -w '%{http_code}' --cacert "$D/ca-chain.pem" -H 'Content-Type: application/pkcs10' --data-binary @"$1" "$HTTPS/api/v1/enrollments/$EID/csr"; }
printf 'not a csr' >"$T/garbage.csr"
s="$(csr_post "$T/garbage.csr")"; kk_expect 400 csr_invalid "$s"
openssl req -new -newkey ed25519 -nodes -keyout "$T/ed.key" -subj /CN=x -out "$T/ed.csr" 2>/dev/null
s="$(csr_post "$T/ed.csr")"; kk_expect 400 key_not_allowed "$s"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/r1.key" -subj /CN=ignored -out "$T/r1.csr" 2>/dev/null
s="$(curl -sS -o "$T/r1.chain.pem" -w '%{http_code} %{content_type}' --cacert "$D/ca-chain.pem" -H 'Content-Type: application/pkcs10' --data-binary @"$T/r1.csr" "$HTTPS/api/v1/enrollments/$EID/csr")"
[ "$s" = "201 application/pem-certificate-chain" ] || fail "CSR: $s $(cat "$T/r1.chain.pem")"
[ "$(grep -c 'BEGIN CERTIFICATE' "$T/r1.chain.pem")" = 3 ] || fail "chain is not leaf+issuing+root"
openssl verify -CAfile "$D/ca-chain.pem" "$T/r1.chain.pem" >/dev/null || fail "issued certificate does not verify"
openssl x509 -in "$T/r1.chain.pem" -noout -subject | grep -q "$C riyousya" || fail "subject not from the store"
openssl pkcs12 -export -in "$T/r1.chain.pem" -inkey "$T/r1.key" -passout pass:p12pass -out "$T/r1.p12"
s="$(csr_post "$T/r1.csr")"; kk_expect 404 not_found "$s"   # single use
grep -qF "$EID" "$T/server.log" && fail "the enrollment ID (a bearer secret) is in the server log"
# R20 retry: a second acquisition before any use replaces the first certificate.
kk_acquire "$T/r2.p12" "$RPIN" "$RTOTP" R_STEP --contract-id "$C" --user-id riyousya \
  || { cat "$T/acquire.out"; fail "R20 retry acquisition"; }
s="$(kk_cert_api "$T/r1.p12" "$T/r1.jar" POST /api/v1/sessions '{"role":"user","pin":"'"$RPIN"'"}')"
kk_expect 401 certificate_not_current "$s"
RJ="$T/r2.jar"
s="$(kk_cert_api "$T/r2.p12" "$RJ" POST /api/v1/sessions '{"role":"user","pin":"'"$RPIN"'"}')"; kk_expect 201 - "$s"
kk_save_csrf "$RJ"
kk_otp_into R_STEP "$RTOTP" code
s="$(kk_cert_api "$T/r2.p12" "$RJ" POST /api/v1/sessions/current/otp '{"otp":"'"$code"'"}')"; kk_expect 200 - "$s"
# ... and after the first use the registration is spent.
s="$(kk_api "$T/x.jar" POST "$HTTPS/api/v1/enrollments" '{"contract_id":"'$C'","user_id":"riyousya","pin":"'"$RPIN"'"}')"
kk_expect 409 acquisition_already_used "$s"

# --- roles: a user reaches no administrator operation; certificates of the other role -------
s="$(kk_cert_api "$T/r2.p12" "$RJ" GET /api/v1/users)"; kk_expect 403 forbidden "$s"
s="$(kk_cert_api "$T/r2.p12" "$RJ" PATCH /api/v1/users/genchi02 '{"certificate":"reissue","confirmation_pin":"'"$ADMIN_CONFIRM"'"}')"
kk_expect 403 forbidden "$s"
s="$(kk_cert_api "$T/r2.p12" "$RJ" GET /api/v1/history)"; kk_expect 200 - "$s"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["records"]; assert r and all(x["target_user_id"]=="riyousya" for x in r), r' "$T/body" \
  || fail "a user sees history of others"
s="$(kk_cert_api "$T/r2.p12" "$T/wr.jar" POST /api/v1/sessions '{"role":"admin","pin":"'"$RPIN"'"}')"
kk_expect 403 certificate_wrong_role "$s"
# A session made on :8444 is not accepted on :8443.
s="$(kk_api "$RJ" GET "$HTTPS/api/v1/sessions/current")"; kk_expect 401 session_expired "$s"

# The administrator acquires, logs in with the certificate; ID/PIN is refused from now on.
kk_acquire "$T/admin.p12" "$ADMIN_PIN" "$ADMIN_TOTP" A_STEP --contract-id "$C" || { cat "$T/acquire.out"; fail "admin acquire"; }
s="$(pin_login "$T/x.jar" admin "" "$ADMIN_PIN")"; kk_expect 403 certificate_login_only "$s"
s="$(kk_cert_api "$T/admin.p12" "$T/aw.jar" POST /api/v1/sessions '{"role":"user","pin":"'"$ADMIN_PIN"'"}')"
kk_expect 403 certificate_wrong_role "$s"
A="$T/admin.jar"
s="$(kk_cert_api "$T/admin.p12" "$A" POST /api/v1/sessions '{"role":"admin","pin":"'"$ADMIN_PIN"'"}')"; kk_expect 201 - "$s"
kk_save_csrf "$A"
# Before the OTP step nothing but the OTP step is allowed.
s="$(kk_cert_api "$T/admin.p12" "$A" GET /api/v1/users)"; kk_expect 403 forbidden "$s"
s="$(kk_cert_api "$T/admin.p12" "$A" POST /api/v1/sessions/current/otp '{"otp":"000000"}')"
[ "$s" = 401 ] || fail "wrong OTP: $s"
c="$(kk_json '["code"]')"; [ "$c" = otp_incorrect ] || [ "$c" = otp_reused ] || fail "wrong OTP code $c"
KK_CODES_SEEN="$KK_CODES_SEEN otp_incorrect"
kk_otp_into A_STEP "$ADMIN_TOTP" code
s="$(kk_cert_api "$T/admin.p12" "$A" POST /api/v1/sessions/current/otp '{"otp":"'"$code"'"}')"; kk_expect 200 - "$s"
# The administrator's own certificate is not handled through the user API.
s="$(kk_cert_api "$T/admin.p12" "$A" PATCH /api/v1/users/~admin '{"certificate":"reissue","confirmation_pin":"'"$ADMIN_CONFIRM"'"}')"
kk_expect 403 forbidden "$s"
# Another contract's users: not_found both ways (a second contract from the bank's command line,
# ID/PIN method, with a user registered by its administrator).
C2=00001111222
kk_bank_staff   # four eyes: an operator requests, an approver applies (lib.sh)
kk_bank_apply contract create --contract-id $C2 --name "別会社" --name-kana "ﾍﾞﾂｶﾞｲｼｬ" \
  --login-method id-pin >"$T/bank.out" 2>&1 || fail "bank contract create: $(cat "$T/bank.out")"
A2PIN="$(sed -n 's/^admin_login_pin: //p' "$T/bank.out")"
A2CONF="$(sed -n 's/^admin_confirmation_pin: //p' "$T/bank.out")"
A2TOTP="$(sed -n 's/^admin_totp_secret_base32: //p' "$T/bank.out")"
A2="$T/admin2.jar"
s="$(kk_api "$A2" POST "$HTTPS/api/v1/sessions" '{"role":"admin","contract_id":"'$C2'","pin":"'"$A2PIN"'"}')"
kk_expect 201 - "$s"; kk_save_csrf "$A2"
kk_otp_into A2_STEP "$A2TOTP" code
s="$(kk_api "$A2" POST "$HTTPS/api/v1/sessions/current/otp" '{"otp":"'"$code"'"}')"; kk_expect 200 - "$s"
s="$(kk_api "$A2" POST "$HTTPS/api/v1/users" '{"user_id":"tasya01","name_kana":"ﾀｼｬ","login_pin":"ts482910","login_pin_again":"ts482910","user_confirmation_pin":"ts739102","user_confirmation_pin_again":"ts739102","confirmation_pin":"'"$A2CONF"'"}')"
kk_expect 201 - "$s"
s="$(kk_cert_api "$T/admin.p12" "$A" GET /api/v1/users/tasya01)"; kk_expect 404 not_found "$s"
s="$(kk_api "$A2" GET "$HTTPS/api/v1/users/riyousya")"; kk_expect 404 not_found "$s"
s="$(kk_api "$A2" PATCH "$HTTPS/api/v1/users/riyousya" '{"certificate":"reissue","confirmation_pin":"'"$A2CONF"'"}')"
kk_expect 404 not_found "$s"
s="$(kk_api "$A2" GET "$HTTPS/api/v1/users")"; kk_expect 200 - "$s"
grep -q riyousya "$T/body" && fail "another contract's list shows riyousya"
# An unknown user: not_found.
s="$(kk_cert_api "$T/admin.p12" "$A" GET /api/v1/users/nosuchuser)"; kk_expect 404 not_found "$s"
# CSRF: a write without the header is refused and changes nothing.
s="$(curl -sS -o "$T/body" -w '%{http_code}' --cacert "$D/ca-chain.pem" --cert "$T/admin.p12:p12pass" --cert-type P12 \
     -b "$A" -X POST -H 'Content-Type: application/json' --data '{"confirmation_pin":"'"$ADMIN_CONFIRM"'"}' "$MTLS/api/v1/users/genchi02/unlock")"
kk_expect 403 csrf_failed "$s"
# Wrong confirmation PIN.
s="$(kk_cert_api "$T/admin.p12" "$A" POST /api/v1/users/genchi02/unlock '{"confirmation_pin":"wrong999"}')"
kk_expect 401 confirmation_pin_incorrect "$s"

# --- lockout after 4 wrong PINs (threshold set to 4), unlock by the administrator -----------
for i in 1 2 3 4; do s="$(pin_login "$T/g.jar" user genchi02 wrong$i)"; done
s="$(pin_login "$T/g.jar" user genchi02 "$GPIN")"; kk_expect 423 locked "$s"
s="$(kk_cert_api "$T/admin.p12" "$A" GET /api/v1/users/genchi02)"; kk_expect 200 - "$s"
[ "$(kk_json '["states"]["locked"]')" = True ] || fail "genchi02 not shown locked: $(cat "$T/body")"
s="$(kk_cert_api "$T/admin.p12" "$A" POST /api/v1/users/genchi02/unlock '{"confirmation_pin":"'"$ADMIN_CONFIRM"'"}')"
kk_expect 200 - "$s"
[ "$(kk_json '["states"]["locked"]')" = False ] || fail "still locked"

# --- OTP reuse ----------------------------------------------------------------------------
G="$T/g.jar"
s="$(pin_login "$G" user genchi02 "$GPIN")"; kk_expect 201 - "$s"; kk_save_csrf "$G"
kk_otp_into G_STEP "$GTOTP" code
s="$(kk_api "$G" POST "$HTTPS/api/v1/sessions/current/otp" '{"otp":"'"$code"'"}')"; kk_expect 200 - "$s"
rm -f "$T/g2.jar.csrf"
s="$(pin_login "$T/g2.jar" user genchi02 "$GPIN")"; kk_expect 201 - "$s"; kk_save_csrf "$T/g2.jar"
s="$(kk_api "$T/g2.jar" POST "$HTTPS/api/v1/sessions/current/otp" '{"otp":"'"$code"'"}')"; kk_expect 401 otp_reused "$s"
# The older active session of genchi02 ended when ... (only an active login ends others: the
# second one is still pending, so the first stays).
s="$(kk_api "$G" GET "$HTTPS/api/v1/sessions/current")"; kk_expect 200 - "$s"

# --- logoff, then the cookie is dead ------------------------------------------------------
s="$(kk_api "$G" DELETE "$HTTPS/api/v1/sessions/current")"; kk_expect 204 - "$s"
s="$(kk_api "$G" GET "$HTTPS/api/v1/sessions/current")"; kk_expect 401 session_expired "$s"

# --- the acquisition deadline (simulated clock: 81 days later) -----------------------------
s="$(kk_cert_api "$T/admin.p12" "$A" PATCH /api/v1/users/riyousya '{"certificate":"reissue","confirmation_pin":"'"$ADMIN_CONFIRM"'"}')"
kk_expect 200 - "$s"
s="$(curl -sS -o "$T/body" -w '%{http_code}' -H 'Content-Type: application/json' --data '{"advance_seconds":6998400}' "$PLAIN/test/clock")"
[ "$s" = 200 ] || fail "test clock: $s $(cat "$T/body")"
s="$(kk_api "$T/x.jar" POST "$HTTPS/api/v1/enrollments" '{"contract_id":"'$C'","user_id":"riyousya","pin":"'"$RPIN"'"}')"
kk_expect 409 acquisition_deadline_passed "$s"
# The administrator's session has been idle far longer than the idle timeout (R11).
s="$(kk_cert_api "$T/admin.p12" "$A" GET /api/v1/users)"; kk_expect 401 session_expired "$s"
# No renewal notice 81 days into a 365-day certificate; 341 days in, the login answer has one.
s="$(kk_cert_api "$T/admin.p12" "$T/n1.jar" POST /api/v1/sessions '{"role":"admin","pin":"'"$ADMIN_PIN"'"}')"
kk_expect 201 - "$s"; [ "$(kk_json '["notices"]')" = "[]" ] || fail "early notice: $(cat "$T/body")"
curl -sS -o /dev/null -H 'Content-Type: application/json' --data '{"advance_seconds":22464000}' "$PLAIN/test/clock"
s="$(kk_cert_api "$T/admin.p12" "$T/n2.jar" POST /api/v1/sessions '{"role":"admin","pin":"'"$ADMIN_PIN"'"}')"
kk_expect 201 - "$s"
[ "$(kk_json '["notices"][0]["code"]')" = certificate_renewal_due ] || fail "no renewal notice: $(cat "$T/body")"

# --- expiry (R23): 366 days after issuance the administrator's certificate still reaches the
# application, which refuses it by name and tells an administrator to contact the bank.
curl -sS -o /dev/null -H 'Content-Type: application/json' --data '{"advance_seconds":2160000}' "$PLAIN/test/clock"
s="$(kk_cert_api "$T/admin.p12" "$T/n3.jar" POST /api/v1/sessions '{"role":"admin","pin":"'"$ADMIN_PIN"'"}')"
kk_expect 401 certificate_expired "$s"
grep -q "お取引店" "$T/body" || fail "expired administrator certificate: no advice to contact the bank: $(cat "$T/body")"

# --- every error code of the issue was reached (certificate_revoked: story test) ------------
for code in invalid_request pin_incorrect otp_incorrect otp_reused locked confirmation_pin_incorrect \
            forbidden not_found certificate_required certificate_wrong_role certificate_not_current \
            certificate_login_only acquisition_not_registered acquisition_deadline_passed csr_invalid \
            key_not_allowed session_expired csrf_failed certificate_expired; do
  case " $KK_CODES_SEEN " in *" $code "*) ;; *) fail "error code $code was not reached";; esac
done
echo "ok: server rules"
