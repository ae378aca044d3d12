#!/usr/bin/env bash
# The seeds' story over the real server, real TLS and independent clients (curl, oathtool,
# kakuin-cert): a certificate-method contract (kakuin demo's) -> the administrator acquires and
# logs in on the certificate listener (certificate + PIN + OTP) -> registers a user and their
# token -> the user acquires and logs in -> the administrator reissues with the confirmation
# PIN -> the old certificate is refused (certificate_revoked), the list shows the new
# registration 002 -> the user acquires again and logs in.
source "$(dirname "$0")/lib.sh"
C=00009876543
kk_init
kk_start_demo
ADMIN_PIN="$(kk_cred '["admin"]["pin"]')"
ADMIN_CONFIRM="$(kk_cred '["admin"]["confirmation_pin"]')"
ADMIN_TOTP="$(kk_cred '["admin"]["totp_secret_base32"]')"

# 1. The administrator acquires a certificate (PKCS#12) with kakuin-cert.
kk_acquire "$T/admin.p12" "$ADMIN_PIN" "$ADMIN_TOTP" ADMIN_STEP --contract-id "$C" \
  || { cat "$T/acquire.out"; fail "administrator acquisition"; }
openssl pkcs12 -in "$T/admin.p12" -passin pass:p12pass -nokeys -clcerts 2>/dev/null | openssl x509 -noout -subject >"$T/admin.subj"
grep -q "$C" "$T/admin.subj" || fail "administrator certificate subject: $(cat "$T/admin.subj")"

# 2. Certificate login on :8444: PIN, then OTP.
A="$T/admin.jar"
s="$(kk_cert_api "$T/admin.p12" "$A" POST /api/v1/sessions '{"role":"admin","pin":"'"$ADMIN_PIN"'"}')"
kk_expect 201 - "$s"
[ "$(kk_json '["state"]')" = otp_required ] || fail "admin login state: $(cat "$T/body")"
kk_save_csrf "$A"
grep -q "kakuin_session" "$A" || fail "no session cookie"
kk_otp_into ADMIN_STEP "$ADMIN_TOTP" code
s="$(kk_cert_api "$T/admin.p12" "$A" POST /api/v1/sessions/current/otp '{"otp":"'"$code"'"}')"
kk_expect 200 - "$s"
[ "$(kk_json '["state"]')" = active ] || fail "admin not active: $(cat "$T/body")"
s="$(kk_cert_api "$T/admin.p12" "$A" GET /api/v1/sessions/current)"
kk_expect 200 - "$s"
[ "$(kk_json '["person"]["role"]')" = admin ] || fail "current: $(cat "$T/body")"
[ -n "$(kk_json '["certificate"]["serial"]')" ] || fail "current has no certificate"

# 3. Register a user with a certificate registration, then their software token.
U=tantou01; UPIN=tk482910; UCONF=tk739102
s="$(kk_cert_api "$T/admin.p12" "$A" POST /api/v1/users '{"user_id":"'$U'","name_kana":"ﾀﾝﾄｳ ｲﾁﾛｳ","name_kanji":"担当 一郎","authority":"general","login_pin":"'$UPIN'","login_pin_again":"'$UPIN'","user_confirmation_pin":"'$UCONF'","user_confirmation_pin_again":"'$UCONF'","permissions":{"balance":{"allowed":true}},"issue_certificate":true,"confirmation_pin":"'"$ADMIN_CONFIRM"'"}')"
kk_expect 201 - "$s"
[ "$(kk_json '["certificate"]["status"]')" = registered ] || fail "new user certificate: $(cat "$T/body")"
[ "$(kk_json '["certificate"]["issue_number"]')" = 001 ] || fail "new user issue number"
s="$(kk_cert_api "$T/admin.p12" "$A" PUT /api/v1/users/$U/token '{"kind":"software","confirmation_pin":"'"$ADMIN_CONFIRM"'"}')"
kk_expect 200 - "$s"
UTOTP="$(kk_json '["secret_base32"]')"
kk_json '["otpauth_uri"]' | grep -q "^otpauth://totp/" || fail "no otpauth URI"
[ -n "$UTOTP" ] || fail "no secret"

# 4. The user acquires and logs in with certificate + PIN + OTP.
kk_acquire "$T/u1.p12" "$UPIN" "$UTOTP" U_STEP --contract-id "$C" --user-id "$U" \
  || { cat "$T/acquire.out"; fail "user acquisition"; }
UJ="$T/user.jar"
user_login() {  # user_login P12 -> leaves the session active or fails
  rm -f "$UJ" "$UJ.csrf"
  local st code
  st="$(kk_cert_api "$1" "$UJ" POST /api/v1/sessions '{"role":"user","pin":"'$UPIN'"}')"
  kk_expect 201 - "$st"
  kk_save_csrf "$UJ"
  kk_otp_into U_STEP "$UTOTP" code
  st="$(kk_cert_api "$1" "$UJ" POST /api/v1/sessions/current/otp '{"otp":"'"$code"'"}')"
  kk_expect 200 - "$st"
  [ "$(kk_json '["state"]')" = active ] || fail "user not active"
  [ "$(kk_json '["person"]["user_id"]')" = "$U" ] || fail "wrong person: $(cat "$T/body")"
}
user_login "$T/u1.p12"
serial1="$(kk_json '["certificate"]["serial"]')"
s="$(kk_cert_api "$T/admin.p12" "$A" GET /api/v1/users/$U)"
kk_expect 200 - "$s"
[ "$(kk_json '["certificate"]["status"]')" = valid ] || fail "user certificate not valid: $(cat "$T/body")"

# 5. The administrator reissues with the confirmation PIN.
s="$(kk_cert_api "$T/admin.p12" "$A" PATCH /api/v1/users/$U '{"certificate":"reissue","confirmation_pin":"'"$ADMIN_CONFIRM"'"}')"
kk_expect 200 - "$s"
[ "$(kk_json '["certificate"]["issue_number"]')" = 002 ] || fail "reissue: $(cat "$T/body")"

# 6. The user's session made with the revoked certificate ended with the revocation ...
s="$(kk_cert_api "$T/u1.p12" "$UJ" GET /api/v1/sessions/current)"
kk_expect 401 - "$s"
# ... and the old certificate is refused at the next login.
s="$(kk_cert_api "$T/u1.p12" "$T/old.jar" POST /api/v1/sessions '{"role":"user","pin":"'$UPIN'"}')"
kk_expect 401 certificate_revoked "$s"
# ... and OCSP over :8080 says revoked (openssl's own client).
openssl pkcs12 -in "$T/u1.p12" -passin pass:p12pass -nokeys -clcerts 2>/dev/null >"$T/u1.crt.pem"
openssl ocsp -issuer "$D/ca/issuing.crt.pem" -cert "$T/u1.crt.pem" -url "$PLAIN/ocsp" \
  -VAfile "$D/ca/ocsp.crt.pem" -CAfile "$D/ca-chain.pem" >"$T/ocsp.out" 2>&1 || true
grep -q ": revoked" "$T/ocsp.out" || { cat "$T/ocsp.out"; fail "OCSP does not say revoked"; }
# ... and the CRL (regenerated after the revocation) lists it.
curl -sS -o "$T/crl.der" "$PLAIN/crl"
openssl crl -inform DER -in "$T/crl.der" -noout -text | grep -qi "Serial Number: *$serial1" \
  || fail "CRL does not list $serial1"

# 7. The list shows the new registration, issue number 002.
s="$(kk_cert_api "$T/admin.p12" "$A" GET /api/v1/users)"
kk_expect 200 - "$s"
python3 - "$T/body" "$U" <<'PY' || fail "user list: $(cat "$T/body")"
import json, sys
users = {u["user_id"]: u for u in json.load(open(sys.argv[1]))["users"]}
c = users[sys.argv[2]]["certificate"]
assert c["status"] == "registered" and c["issue_number"] == "002" and c["marked"], c
assert "riyousya" in users and "genchi02" in users
PY

# 8. The user acquires again and logs in with the new certificate.
kk_acquire "$T/u2.p12" "$UPIN" "$UTOTP" U_STEP --contract-id "$C" --user-id "$U" \
  || { cat "$T/acquire.out"; fail "second acquisition"; }
user_login "$T/u2.p12"
serial2="$(kk_json '["certificate"]["serial"]')"
[ "$serial1" != "$serial2" ] || fail "same serial after reissue"

# The history holds the story, newest first.
s="$(kk_cert_api "$T/admin.p12" "$A" GET "/api/v1/history?limit=500")"
kk_expect 200 - "$s"
for k in certificate.reissued certificate.issued user.registered; do
  grep -q "\"$k\"" "$T/body" || fail "history lacks $k"
done
grep -qiE "$ADMIN_PIN|$UPIN|$ADMIN_CONFIRM" "$T/body" && fail "a PIN in the history"
grep -qiE "$ADMIN_PIN|$UPIN|$ADMIN_CONFIRM" "$T/server.log" && fail "a PIN in the server log"

# Logoff ends the session.
s="$(kk_cert_api "$T/u2.p12" "$UJ" DELETE /api/v1/sessions/current)"
kk_expect 204 - "$s"
s="$(kk_cert_api "$T/u2.p12" "$UJ" GET /api/v1/sessions/current)"
kk_expect 401 session_expired "$s"
echo "ok: the seeds' story end to end"
