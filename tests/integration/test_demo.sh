#!/usr/bin/env bash
# `kakuin demo`: creates the demo contract and users once, writes the credentials and the CA
# chain, serves; `kakuin-cert acquire` with the demo credentials for riyousya, then a curl
# certificate login with PIN + OTP (oathtool) reaches state active. A second run reuses DIR.
source "$(dirname "$0")/lib.sh"
C=00009876543
kk_init    # an initialised DIR with ephemeral ports; demo also initialises an empty one
kk_start_demo

[ "$(stat -c %a "$D/demo-credentials.json")" = 600 ] || fail "demo-credentials.json is not 0600"
[ -s "$D/ca-chain.pem" ] || fail "no ca-chain.pem"
python3 - "$D/demo-credentials.json" <<'PY' || fail "demo-credentials.json shape: $(cat "$D/demo-credentials.json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["contract_id"] == "00009876543"
for p in [d["admin"]] + d["users"]:
    for k in ("pin", "confirmation_pin", "totp_secret_base32"):
        assert isinstance(p[k], str) and p[k], (p, k)
assert [u["user_id"] for u in d["users"]] == ["riyousya", "genchi02"]
PY
for _ in $(seq 1 50); do grep -q "kakuin-cert acquire" "$T/demo.out" && break; sleep 0.1; done
grep -q "https://localhost:$HTTPS_PORT" "$T/demo.out" || fail "demo does not say where to go: $(cat "$T/demo.out")"
grep -q "kakuin-cert acquire" "$T/demo.out" || fail "demo does not show the kakuin-cert command"
PIN="$(kk_cred '["users"][0]["pin"]')"
grep -q -- "$PIN" "$T/demo.out" "$T/server.log" && fail "demo printed a PIN"

# riyousya acquires with the demo credentials ...
RPIN="$(kk_cred '["users"][0]["pin"]')"; RTOTP="$(kk_cred '["users"][0]["totp_secret_base32"]')"
kk_acquire "$T/r.p12" "$RPIN" "$RTOTP" R_STEP --contract-id "$C" --user-id riyousya \
  || { cat "$T/acquire.out"; fail "kakuin-cert acquire"; }
grep -q "$C riyousya" "$T/acquire.out" || fail "acquire output lacks the CN: $(cat "$T/acquire.out")"

# ... and logs in with the certificate, PIN and OTP.
J="$T/r.jar"
s="$(kk_cert_api "$T/r.p12" "$J" POST /api/v1/sessions '{"role":"user","pin":"'"$RPIN"'"}')"
kk_expect 201 - "$s"
kk_save_csrf "$J"
kk_otp_into R_STEP "$RTOTP" code
s="$(kk_cert_api "$T/r.p12" "$J" POST /api/v1/sessions/current/otp '{"otp":"'"$code"'"}')"
kk_expect 200 - "$s"
[ "$(kk_json '["state"]')" = active ] || fail "not active: $(cat "$T/body")"

# genchi02 (ID/PIN, no certificate) logs in on :8443.
GPIN="$(kk_cred '["users"][1]["pin"]')"
s="$(kk_api "$T/g.jar" POST "$HTTPS/api/v1/sessions" '{"role":"user","contract_id":"'$C'","user_id":"genchi02","pin":"'"$GPIN"'"}')"
kk_expect 201 - "$s"
[ "$(kk_json '["state"]')" = otp_required ] || fail "genchi02: $(cat "$T/body")"

# A second run reuses the directory (same credentials, contract not created twice).
before="$(sha256sum "$D/demo-credentials.json")"
kk_stop
kk_start_demo
for _ in $(seq 1 50); do grep -q "reusing" "$T/demo.out" && break; sleep 0.1; done
grep -q "reusing" "$T/demo.out" || fail "second run: $(cat "$T/demo.out")"
[ "$before" = "$(sha256sum "$D/demo-credentials.json")" ] || fail "credentials changed"
s="$(kk_api "$T/g2.jar" POST "$HTTPS/api/v1/sessions" '{"role":"user","contract_id":"'$C'","user_id":"genchi02","pin":"'"$GPIN"'"}')"
kk_expect 201 - "$s"
echo "ok: kakuin demo"
