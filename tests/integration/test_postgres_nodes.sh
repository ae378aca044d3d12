#!/usr/bin/env bash
# Two `kakuin serve` nodes on one PostgreSQL database (the same DIR copied: CA and config shared):
#   - a session made on node 1 works on node 2;
#   - a reissue (revocation) made on node 2 is refused by node 1 at the next login;
#   - parallel reissues through both nodes never leave two valid certificates;
#   - wrong PINs sent in parallel to both nodes add up to one lockout.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pg_lib.sh"
C=00009876543
N2_PID=""
nodes_cleanup() {
  if [ -n "$N2_PID" ]; then kill -TERM "$N2_PID" 2>/dev/null || true; wait "$N2_PID" 2>/dev/null || true; fi
  pg_cleanup
}
trap nodes_cleanup EXIT
pg_start

kk_init
URL="$(pg_new_db nodes)"
pg_use_store "$D" "$URL"
D2="$T/data2"
cp -a "$D" "$D2"
kk_start_demo   # node 1: creates the demo contract in PostgreSQL
"$KAKUIN" serve --data "$D2" >>"$T/server2.log" 2>&1 &
N2_PID=$!
for _ in $(seq 1 300); do [ -s "$D2/ports.json" ] && break; sleep 0.05; done
[ -s "$D2/ports.json" ] || fail "node 2 did not start: $(tail -5 "$T/server2.log")"
N2_HTTPS="https://localhost:$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["https"])' "$D2/ports.json")"
N2_MTLS="https://localhost:$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["mtls"])' "$D2/ports.json")"
[ "$N2_MTLS" != "$MTLS" ] || fail "both nodes on one port"

ADMIN_PIN="$(kk_cred '["admin"]["pin"]')"
ADMIN_CONFIRM="$(kk_cred '["admin"]["confirmation_pin"]')"
ADMIN_TOTP="$(kk_cred '["admin"]["totp_secret_base32"]')"
kk_acquire "$T/admin.p12" "$ADMIN_PIN" "$ADMIN_TOTP" ADMIN_STEP --contract-id "$C" \
  || { cat "$T/acquire.out"; fail "administrator acquisition"; }

# 1. A session made on node 1 (certificate + PIN + OTP) works on node 2.
A="$T/admin.jar"
kk_expect 201 - "$(kk_cert_api "$T/admin.p12" "$A" POST /api/v1/sessions '{"role":"admin","pin":"'"$ADMIN_PIN"'"}')"
kk_save_csrf "$A"
kk_otp_into ADMIN_STEP "$ADMIN_TOTP" code
kk_expect 200 - "$(kk_cert_api "$T/admin.p12" "$A" POST /api/v1/sessions/current/otp '{"otp":"'"$code"'"}')"
n2_cert_api() {  # like kk_cert_api, on node 2
  local p12="$1" jar="$2" method="$3" path="$4" data="${5:-}"
  kk_api "$jar" "$method" "$N2_MTLS$path" "$data" --cert "$p12:p12pass" --cert-type P12
}
kk_expect 200 - "$(n2_cert_api "$T/admin.p12" "$A" GET /api/v1/sessions/current)"
[ "$(kk_json '["state"]')" = active ] || fail "node 2 does not see node 1's session: $(cat "$T/body")"
[ "$(kk_json '["person"]["role"]')" = admin ] || fail "node 2 session: $(cat "$T/body")"

# A user registered through node 2, token through node 1, acquisition through node 1.
U=tantou01; UPIN=tk482910; UCONF=tk739102
kk_expect 201 - "$(n2_cert_api "$T/admin.p12" "$A" POST /api/v1/users '{"user_id":"'$U'","name_kana":"ﾀﾝﾄｳ ｲﾁﾛｳ","name_kanji":"担当 一郎","authority":"general","login_pin":"'$UPIN'","login_pin_again":"'$UPIN'","user_confirmation_pin":"'$UCONF'","user_confirmation_pin_again":"'$UCONF'","permissions":{"balance":{"allowed":true}},"issue_certificate":true,"confirmation_pin":"'"$ADMIN_CONFIRM"'"}')"
kk_expect 200 - "$(kk_cert_api "$T/admin.p12" "$A" PUT /api/v1/users/$U/token '{"kind":"software","confirmation_pin":"'"$ADMIN_CONFIRM"'"}')"
UTOTP="$(kk_json '["secret_base32"]')"
kk_acquire "$T/u1.p12" "$UPIN" "$UTOTP" U_STEP --contract-id "$C" --user-id "$U" \
  || { cat "$T/acquire.out"; fail "user acquisition"; }
kk_expect 201 - "$(kk_cert_api "$T/u1.p12" "$T/u.jar" POST /api/v1/sessions '{"role":"user","pin":"'$UPIN'"}')"

# 2. Node 2 reissues (revokes the user's certificate); node 1 refuses it at the next login.
kk_expect 200 - "$(n2_cert_api "$T/admin.p12" "$A" PATCH /api/v1/users/$U '{"certificate":"reissue","confirmation_pin":"'"$ADMIN_CONFIRM"'"}')"
[ "$(kk_json '["certificate"]["issue_number"]')" = 002 ] || fail "reissue: $(cat "$T/body")"
kk_expect 401 certificate_revoked "$(kk_cert_api "$T/u1.p12" "$T/u2.jar" POST /api/v1/sessions '{"role":"user","pin":"'$UPIN'"}')"

# 3. Parallel reissues through both nodes: every answer is a success or a refusal, never a
# server error, and at most one certificate of the user stays unrevoked.
kk_acquire "$T/u2.p12" "$UPIN" "$UTOTP" U_STEP --contract-id "$C" --user-id "$U" \
  || { cat "$T/acquire.out"; fail "user acquisition 002"; }
csrf="$(cat "$A.csrf")"
pids=()
for i in 1 2 3 4 5 6; do
  if [ $((i % 2)) = 0 ]; then base="$N2_MTLS"; else base="$MTLS"; fi
  curl -sS -o "$T/par.$i.body" -w '%{http_code}' --cacert "$D/ca-chain.pem" -b "$A" \
    --cert "$T/admin.p12:p12pass" --cert-type P12 -H "X-CSRF-Token: $csrf" \
    -H 'Content-Type: application/json' -X PATCH \
    --data-binary '{"certificate":"reissue","confirmation_pin":"'"$ADMIN_CONFIRM"'"}' \
    "$base/api/v1/users/$U" >"$T/par.$i.status" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "parallel curl failed"; done
ok=0
for i in 1 2 3 4 5 6; do
  st="$(cat "$T/par.$i.status")"
  case "$st" in
    200) ok=$((ok + 1)) ;;
    4??) ;;
    *) fail "parallel reissue $i answered $st: $(cat "$T/par.$i.body")" ;;
  esac
done
[ "$ok" -ge 1 ] || fail "no parallel reissue succeeded: $(cat "$T"/par.*.body)"
echo "  parallel reissues: $ok of 6 succeeded, the others were refused"
valid="$(psql -X -A -t "$URL" -c "SELECT count(*) FROM certificates WHERE contract_id = '$C' AND user_id = '$U' AND revoked_at IS NULL")"
[ "$valid" -le 1 ] || fail "$valid unrevoked certificates after parallel reissues"
issue="$(psql -X -A -t "$URL" -c "SELECT issue_number FROM certificate_slots WHERE contract_id = '$C' AND user_id = '$U'")"
[ "$issue" = $((2 + ok)) ] || fail "issue number $issue after $ok successful reissues from 002"

# 4. Wrong PINs in parallel on both nodes add up: six (the threshold) lock genchi02.
GPIN="$(kk_cred '["users"][1]["pin"]')"
pids=()
for i in 1 2 3 4 5 6; do
  if [ $((i % 2)) = 0 ]; then base="$N2_HTTPS"; else base="$HTTPS"; fi
  curl -sS -o "$T/pin.$i.body" -w '%{http_code}' --cacert "$D/ca-chain.pem" \
    -H 'Content-Type: application/json' -X POST \
    --data-binary '{"role":"user","contract_id":"'$C'","user_id":"genchi02","pin":"0000wrong"}' \
    "$base/api/v1/sessions" >"$T/pin.$i.status" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "parallel curl failed"; done
for i in 1 2 3 4 5 6; do
  case "$(cat "$T/pin.$i.status")" in 401|423) ;; *) false ;; esac || fail "wrong PIN $i: $(cat "$T/pin.$i.status") $(cat "$T/pin.$i.body")"
done
count="$(psql -X -A -t "$URL" -c "SELECT failure_count, locked FROM persons WHERE contract_id = '$C' AND user_id = 'genchi02'")"
[ "$count" = "6|1" ] || fail "failure_count|locked after 6 wrong PINs on two nodes: $count"
kk_expect 423 locked "$(kk_api "$T/g.jar" POST "$N2_HTTPS/api/v1/sessions" '{"role":"user","contract_id":"'$C'","user_id":"genchi02","pin":"'"$GPIN"'"}')"
kk_expect 423 locked "$(kk_api "$T/g.jar" POST "$HTTPS/api/v1/sessions" '{"role":"user","contract_id":"'$C'","user_id":"genchi02","pin":"'"$GPIN"'"}')"
echo "ok: two nodes on one PostgreSQL (shared session, revocation, parallel reissues, shared lockout)"
