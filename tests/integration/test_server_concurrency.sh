#!/usr/bin/env bash
# 20 parallel reissues of one user through the API (curl over TLS): every accepted request is in
# the history, the issue number grew by exactly the number accepted, the certificate that was
# valid is revoked once (CRL, OCSP) and the user never holds two valid certificates.
source "$(dirname "$0")/lib.sh"
C=00009876543
kk_init
kk_start_demo
ADMIN_PIN="$(kk_cred '["admin"]["pin"]')"; ADMIN_CONFIRM="$(kk_cred '["admin"]["confirmation_pin"]')"
ADMIN_TOTP="$(kk_cred '["admin"]["totp_secret_base32"]')"
RPIN="$(kk_cred '["users"][0]["pin"]')"; RTOTP="$(kk_cred '["users"][0]["totp_secret_base32"]')"

kk_acquire "$T/r.p12" "$RPIN" "$RTOTP" R_STEP --contract-id "$C" --user-id riyousya \
  || { cat "$T/acquire.out"; fail "acquisition"; }
openssl pkcs12 -in "$T/r.p12" -passin pass:p12pass -nokeys -clcerts 2>/dev/null >"$T/r.crt.pem"
serial="$(openssl x509 -in "$T/r.crt.pem" -noout -serial | sed 's/serial=//')"

# The administrator (no certificate yet: ID/PIN login is still allowed) logs in on :8443.
A="$T/a.jar"
s="$(kk_api "$A" POST "$HTTPS/api/v1/sessions" '{"role":"admin","contract_id":"'$C'","pin":"'"$ADMIN_PIN"'"}')"
kk_expect 201 - "$s"; kk_save_csrf "$A"
kk_otp_into A_STEP "$ADMIN_TOTP" code
s="$(kk_api "$A" POST "$HTTPS/api/v1/sessions/current/otp" '{"otp":"'"$code"'"}')"; kk_expect 200 - "$s"

pids=()
for i in $(seq 1 20); do
  curl -sS -o "$T/re.$i" -w '%{http_code}\n' --cacert "$D/ca-chain.pem" -b "$A" -X PATCH \
    -H "X-CSRF-Token: $(cat "$A.csrf")" -H 'Content-Type: application/json' \
    --data '{"certificate":"reissue","confirmation_pin":"'"$ADMIN_CONFIRM"'"}' \
    "$HTTPS/api/v1/users/riyousya" >"$T/status.$i" &
  pids+=($!)
done
wait "${pids[@]}"   # not a bare wait: the server is a background job too
ok="$(cat "$T"/status.* | grep -c '^200$' || true)"
other="$(cat "$T"/status.* | grep -vc '^200$' || true)"
[ "$ok" -ge 1 ] || fail "no reissue accepted"
for i in $(seq 1 20); do
  st="$(cat "$T/status.$i")"
  [ "$st" = 200 ] || [ "$st" = 409 ] || [ "$st" = 503 ] || fail "reissue $i: HTTP $st $(cat "$T/re.$i")"
done

s="$(kk_api "$A" GET "$HTTPS/api/v1/users/riyousya")"; kk_expect 200 - "$s"
n="$(kk_json '["certificate"]["issue_number"]')"
[ "$((10#$n))" = "$((1 + ok))" ] || fail "issue number $n after $ok accepted reissues"
[ "$(kk_json '["certificate"]["status"]')" = registered ] || fail "status: $(cat "$T/body")"
s="$(kk_api "$A" GET "$HTTPS/api/v1/history?kind=certificate.reissued&limit=500")"; kk_expect 200 - "$s"
h="$(python3 -c 'import json,sys; print(sum(1 for r in json.load(open(sys.argv[1]))["records"] if r["target_user_id"]=="riyousya" and r["result"]=="ok"))' "$T/body")"
[ "$h" = "$ok" ] || fail "history has $h reissues, $ok were accepted"

# The one certificate that was valid is revoked, exactly once in the CRL; OCSP agrees.
curl -sS -o "$T/crl.der" "$PLAIN/crl"
cnt="$(openssl crl -inform DER -in "$T/crl.der" -noout -text | grep -ci "Serial Number: *$serial" || true)"
[ "$cnt" = 1 ] || fail "serial $serial is $cnt times in the CRL"
openssl ocsp -issuer "$D/ca/issuing.crt.pem" -cert "$T/r.crt.pem" -url "$PLAIN/ocsp" -CAfile "$D/ca-chain.pem" \
  -VAfile "$D/ca/ocsp.crt.pem" >"$T/ocsp.out" 2>&1 || true
grep -q ": revoked" "$T/ocsp.out" || fail "OCSP: $(cat "$T/ocsp.out")"
echo "ok: $ok of 20 parallel reissues accepted ($other refused), store consistent"
