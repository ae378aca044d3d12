#!/usr/bin/env bash
# The bank's back office (issue 5, R3, R24) over the real server on the bank listener (TLS, curl,
# oathtool): staff login with PIN + OTP, four eyes (the requester cannot approve:
# four_eyes_required; another operator cannot: forbidden; an approver applies), the
# administrator's certificate reissue from a paper request with its 依頼書 number, then acquired
# with kakuin-cert and used to log on at :8444, unlock and PIN reset (the new PINs log on),
# suspend/resume (contract_suspended meanwhile), change, reject, a failed application, listener
# scoping both ways, bad input with its field, and every step in the usage history.
source "$(dirname "$0")/lib.sh"
kk_init
sed -i -E 's/^threshold = [0-9]+/threshold = 3/' "$D/kakuin.toml"
DB="$D/kakuin.db"
staff() {  # staff ID ROLE -> $T/staff-ID.out
  "$KAKUIN" bank staff add --data "$D" --staff-id "$1" --name "行員 $1" --role "$2" >"$T/staff-$1.out" || fail "staff add $1"
}
staff op1 operator; staff op2 operator; staff ap1 approver; staff ap2 approver
spin() { sed -n 's/^pin: //p' "$T/staff-$1.out"; }
stotp() { sed -n 's/^totp_secret_base32: //p' "$T/staff-$1.out"; }
# Bad role and duplicate IDs are refused on the command line.
"$KAKUIN" bank staff add --data "$D" --staff-id op1 --name X --role operator >/dev/null 2>"$T/dup.err" && fail "duplicate staff"
grep -q conflict "$T/dup.err" || fail "duplicate staff: $(cat "$T/dup.err")"
"$KAKUIN" bank staff add --data "$D" --staff-id zz --name X --role boss >/dev/null 2>"$T/role.err" && fail "bad role"
grep -q invalid_request "$T/role.err" || fail "bad role: $(cat "$T/role.err")"
kk_start
[ -n "$BANK_PORT" ] || fail "no bank listener in ports.json"

# staff_login JAR ID -> logs in (PIN + OTP) on the bank listener.
staff_login() {
  local jar="$1" id="$2" s code var="STEP_$2"
  rm -f "$jar" "$jar.csrf"
  s="$(kk_api "$jar" POST "$BANK/bank/api/v1/sessions" '{"staff_id":"'"$id"'","pin":"'"$(spin "$id")"'"}')"
  kk_expect 201 - "$s"; kk_save_csrf "$jar"
  [ "$(kk_json '["phase"]')" = otp_required ] || fail "phase after PIN: $(cat "$T/body")"
  kk_otp_into "$var" "$(stotp "$id")" code
  s="$(kk_api "$jar" POST "$BANK/bank/api/v1/sessions/current/otp" '{"otp":"'"$code"'"}')"; kk_expect 200 - "$s"
  [ "$(kk_json '["phase"]')" = active ] && [ "$(kk_json '["staff"]["staff_id"]')" = "$id" ] || fail "session: $(cat "$T/body")"
}
# req JAR JSON -> creates a request, sets RID.
req() { local s; s="$(kk_api "$1" POST "$BANK/bank/api/v1/requests" "$2")"; kk_expect 201 - "$s"; RID="$(kk_json '["id"]')"; }
approve() { kk_api "$1" POST "$BANK/bank/api/v1/requests/$2/approve"; }

# --- Listener scoping: the bank API is 404 on :8443 and the customer API 404 on the bank's ------
kk_expect 404 not_found "$(kk_api "$T/x.jar" POST "$HTTPS/bank/api/v1/sessions" '{"staff_id":"op1","pin":"x"}')"
kk_expect 404 not_found "$(kk_api "$T/x.jar" GET "$HTTPS/bank/api/v1/contracts")"
kk_expect 404 not_found "$(kk_api "$T/x.jar" GET "$BANK/api/v1/bank")"
kk_expect 404 not_found "$(kk_api "$T/x.jar" POST "$BANK/api/v1/sessions" '{"role":"admin","contract_id":"00001234567","pin":"x"}')"

# --- Staff login: errors, then PIN + OTP ----------------------------------------------------------
kk_expect 400 invalid_request "$(kk_api "$T/x.jar" POST "$BANK/bank/api/v1/sessions" '{"staff_id":"op-1!","pin":"x"}')"
[ "$(kk_json '["field"]')" = staff_id ] || fail "bad staff ID: no field: $(cat "$T/body")"
[ -n "$(kk_json '["message_ja"]')" ] && [ -n "$(kk_json '["message_en"]')" ] || fail "problem lacks messages"
kk_expect 401 pin_incorrect "$(kk_api "$T/x.jar" POST "$BANK/bank/api/v1/sessions" '{"staff_id":"op1","pin":"wrong999"}')"
kk_expect 401 pin_incorrect "$(kk_api "$T/x.jar" POST "$BANK/bank/api/v1/sessions" '{"staff_id":"nobody","pin":"wrong999"}')"
kk_expect 401 session_expired "$(kk_api "$T/none.jar" GET "$BANK/bank/api/v1/sessions/current")"
OP1="$T/op1.jar"; OP2="$T/op2.jar"; AP1="$T/ap1.jar"; AP2="$T/ap2.jar"
staff_login "$OP1" op1; staff_login "$OP2" op2; staff_login "$AP1" ap1; staff_login "$AP2" ap2
grep -q 'kakuin_bank_session' "$OP1" || fail "no bank session cookie"
kk_expect 200 - "$(kk_api "$OP1" GET "$BANK/bank/api/v1/sessions/current")"
[ "$(kk_json '["staff"]["role"]')" = operator ] || fail "role: $(cat "$T/body")"
# A write without the CSRF token is refused.
s="$(curl -sS -o "$T/body" -w '%{http_code}' --cacert "$D/ca-chain.pem" -b "$OP1" -X POST -H 'Content-Type: application/json' \
  --data '{"kind":"admin_unlock","contract_id":"00001234567"}' "$BANK/bank/api/v1/requests")"
kk_expect 403 csrf_failed "$s"

# --- Bad input: invalid_request with the field ----------------------------------------------------
bad() {  # bad JSON FIELD
  kk_expect 400 invalid_request "$(kk_api "$OP1" POST "$BANK/bank/api/v1/requests" "$1")"
  [ "$(kk_json '["field"]')" = "$2" ] || fail "bad input $1: field '$(kk_json '["field"]')' != $2"
}
bad '{"kind":"nope","contract_id":"00001234567"}' kind
bad '{"kind":"admin_unlock","contract_id":"123"}' contract_id
bad '{"kind":"admin_certificate_reissue","contract_id":"00001234567"}' request_number
bad '{"kind":"admin_certificate_reissue","contract_id":"00001234567","request_number":"依頼1"}' request_number
bad '{"kind":"contract_create","contract_id":"00001234567","payload":{"name":"株式会社いちご","name_kana":"イチゴ"}}' payload.name_kana
bad '{"kind":"contract_create","contract_id":"00001234567","payload":{"name_kana":"ｲﾁｺﾞ"}}' payload.name
bad '{"kind":"contract_create","contract_id":"00001234567","payload":{"name":"A","name_kana":"ｲﾁｺﾞ","upper_limits":{"payroll":{"per_transaction":5,"per_day":4}}}}' payload.upper_limits
bad '{"kind":"contract_change","contract_id":"00001234567","payload":{"colour":"red"}}' payload.colour
bad '{"kind":"admin_unlock","contract_id":"00001234567","payload":{"name":"x"}}' payload
kk_expect 404 not_found "$(kk_api "$OP1" POST "$BANK/bank/api/v1/requests" '{"kind":"admin_unlock","contract_id":"00000000009"}')"

# --- A certificate contract through four eyes -----------------------------------------------------
C=00009876543
req "$OP1" '{"kind":"contract_create","contract_id":"'$C'","payload":{"name":"株式会社かくいん","name_kana":"ｶｸｲﾝ","login_method":"certificate","upper_limits":{"transfer_adhoc":{"per_transaction":1000000,"per_day":5000000}},"admin_contact_email":"admin@example.jp"}}'
[ "$(kk_json '["state"]')" = pending ] && [ "$(kk_json '["requested_by"]')" = op1 ] || fail "request: $(cat "$T/body")"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM contracts WHERE contract_id='$C'")" = 0 ] || fail "a pending request changed the store"
kk_expect 403 four_eyes_required "$(approve "$OP1" "$RID")"
kk_expect 403 forbidden "$(approve "$OP2" "$RID")"
kk_expect 200 - "$(kk_api "$AP1" GET "$BANK/bank/api/v1/requests?state=pending")"
grep -q '"id":'"$RID" "$T/body" || fail "pending list lacks the request"
kk_expect 200 - "$(approve "$AP1" "$RID")"
[ "$(kk_json '["request"]["state"]')" = applied ] && [ "$(kk_json '["request"]["decided_by"]')" = ap1 ] || fail "approve: $(cat "$T/body")"
APIN="$(kk_json '["result"]["admin_login_pin"]')"; ATOTP="$(kk_json '["result"]["admin_totp_secret_base32"]')"
[ "$(kk_json '["result"]["admin_certificate"]["issue_number"]')" = 001 ] || fail "no admin certificate registration"
kk_expect 409 request_not_pending "$(approve "$AP2" "$RID")"
kk_expect 200 - "$(kk_api "$OP1" GET "$BANK/bank/api/v1/contracts?q=0000987")"
[ "$(kk_json '["contracts"][0]["contract_id"]')" = $C ] || fail "search by ID prefix: $(cat "$T/body")"
kk_expect 200 - "$(kk_api "$OP1" GET "$BANK/bank/api/v1/contracts?q=%E3%81%8B%E3%81%8F%E3%81%84%E3%82%93")"  # かくいん
[ "$(kk_json '["contracts"][0]["contract_id"]')" = $C ] || fail "search by name: $(cat "$T/body")"
kk_expect 400 invalid_request "$(kk_api "$OP1" GET "$BANK/bank/api/v1/contracts?limit=0")"
kk_expect 200 - "$(kk_api "$OP1" GET "$BANK/bank/api/v1/contracts/$C")"
[ "$(kk_json '["contract"]["upper_limits"]["transfer_adhoc"]["per_day"]')" = 5000000 ] || fail "view: $(cat "$T/body")"
[ "$(kk_json '["admin"]["contact_email"]')" = admin@example.jp ] || fail "view: contact"
kk_expect 404 not_found "$(kk_api "$OP1" GET "$BANK/bank/api/v1/contracts/00000000009")"

# The administrator acquires 001 and logs on with it at :8444.
kk_acquire "$T/a1.p12" "$APIN" "$ATOTP" A_STEP --contract-id $C || fail "acquire 001: $(cat "$T/acquire.out")"
# Not in $(...): kk_otp_into must remember the OTP step in this shell.
cert_logon() {  # cert_logon P12 -> S: status of the PIN step, or of the OTP step after a 201
  local code; rm -f "$T/a.jar" "$T/a.jar.csrf"
  S="$(kk_cert_api "$1" "$T/a.jar" POST /api/v1/sessions '{"role":"admin","pin":"'"$APIN"'"}')"
  [ "$S" = 201 ] || return 0
  kk_save_csrf "$T/a.jar"; kk_otp_into A_STEP "$ATOTP" code
  S="$(kk_cert_api "$1" "$T/a.jar" POST /api/v1/sessions/current/otp '{"otp":"'"$code"'"}')"
}
cert_logon "$T/a1.p12"; kk_expect 200 - "$S"

# --- R24: the administrator's certificate reissued from the paper request ------------------------
req "$OP1" '{"kind":"admin_certificate_reissue","contract_id":"'$C'","request_number":"IRAI-2026-0042"}'
[ "$(kk_json '["request_number"]')" = IRAI-2026-0042 ] || fail "request number: $(cat "$T/body")"
kk_expect 403 four_eyes_required "$(approve "$OP1" "$RID")"
kk_expect 403 forbidden "$(approve "$OP2" "$RID")"
kk_expect 200 - "$(approve "$AP2" "$RID")"
[ "$(kk_json '["result"]["admin_certificate"]["issue_number"]')" = 002 ] || fail "reissue: $(cat "$T/body")"
cert_logon "$T/a1.p12"; [ "$S" = 401 ] || fail "old certificate still logs on: $S $(cat "$T/body")"
kk_acquire "$T/a2.p12" "$APIN" "$ATOTP" A_STEP --contract-id $C || fail "acquire 002: $(cat "$T/acquire.out")"
cert_logon "$T/a2.p12"; kk_expect 200 - "$S"
sqlite3 "$DB" "SELECT actor || ' ' || detail FROM usage_history WHERE kind='certificate.reissued' AND contract_id='$C'" \
  | grep -q "^bank:ap2 request IRAI-2026-0042" || fail "reissue history: $(sqlite3 "$DB" "SELECT * FROM usage_history WHERE kind='certificate.reissued'")"

# --- An ID/PIN contract: lock + unlock, PIN reset, suspend/resume ---------------------------------
C2=00001234567
req "$OP2" '{"kind":"contract_create","contract_id":"'$C2'","payload":{"contract_id":"'$C2'","name":"とちぎ商会株式会社","name_kana":"ﾄﾁｷﾞｼｮｳｶｲ"}}'
kk_expect 200 - "$(approve "$AP1" "$RID")"
BPIN="$(kk_json '["result"]["admin_login_pin"]')"; BTOTP="$(kk_json '["result"]["admin_totp_secret_base32"]')"
[ "$(kk_json '["result"]["login_method"]')" = id_pin ] || fail "default login method"
pin_logon() {  # pin_logon PIN -> S: status of the PIN step, or of the OTP step after a 201
  local code; rm -f "$T/b.jar" "$T/b.jar.csrf"
  S="$(kk_api "$T/b.jar" POST "$HTTPS/api/v1/sessions" '{"role":"admin","contract_id":"'$C2'","pin":"'"$1"'"}')"
  [ "$S" = 201 ] || return 0
  kk_save_csrf "$T/b.jar"; kk_otp_into B_STEP "$BTOTP" code
  S="$(kk_api "$T/b.jar" POST "$HTTPS/api/v1/sessions/current/otp" '{"otp":"'"$code"'"}')"
}
pin_logon "$BPIN"; kk_expect 200 - "$S"
for _ in 1 2 3; do pin_logon wrong1234; done
pin_logon "$BPIN"; kk_expect 423 locked "$S"
kk_expect 200 - "$(kk_api "$OP1" GET "$BANK/bank/api/v1/contracts/$C2")"
[ "$(kk_json '["admin"]["locked"]')" = True ] || fail "view: not locked: $(cat "$T/body")"
req "$OP1" '{"kind":"admin_unlock","contract_id":"'$C2'"}'
kk_expect 200 - "$(kk_api "$OP1" GET "$BANK/bank/api/v1/contracts/$C2")"
[ "$(kk_json '["pending_requests"][0]["id"]')" = "$RID" ] || fail "view: pending requests: $(cat "$T/body")"
kk_expect 200 - "$(approve "$AP1" "$RID")"
pin_logon "$BPIN"; kk_expect 200 - "$S"
req "$OP1" '{"kind":"admin_pin_reset","contract_id":"'$C2'","request_number":"IRAI-7"}'
kk_expect 200 - "$(approve "$AP2" "$RID")"
NEWPIN="$(kk_json '["result"]["admin_login_pin"]')"; [ -n "$NEWPIN" ] && [ "$NEWPIN" != "$BPIN" ] || fail "pin reset: $(cat "$T/body")"
pin_logon "$BPIN"; kk_expect 401 pin_incorrect "$S"
pin_logon "$NEWPIN"; kk_expect 200 - "$S"
BPIN="$NEWPIN"
req "$OP2" '{"kind":"contract_suspend","contract_id":"'$C2'"}'
kk_expect 200 - "$(approve "$AP1" "$RID")"
pin_logon "$BPIN"; kk_expect 403 contract_suspended "$S"
req "$OP2" '{"kind":"contract_resume","contract_id":"'$C2'"}'
kk_expect 200 - "$(approve "$AP1" "$RID")"
pin_logon "$BPIN"; kk_expect 200 - "$S"

# --- Change, reject, and a failed application ----------------------------------------------------
req "$OP1" '{"kind":"contract_change","contract_id":"'$C2'","payload":{"name":"とちぎ商会株式会社（新）","upper_limits":{"payroll":{"per_transaction":100,"per_day":200}}}}'
kk_expect 200 - "$(approve "$AP2" "$RID")"
kk_expect 200 - "$(kk_api "$OP1" GET "$BANK/bank/api/v1/contracts/$C2")"
[ "$(kk_json '["contract"]["name"]')" = "とちぎ商会株式会社（新）" ] || fail "change not applied: $(cat "$T/body")"
[ "$(kk_json '["contract"]["upper_limits"]["payroll"]["per_day"]')" = 200 ] || fail "limits not changed"
req "$OP1" '{"kind":"contract_change","contract_id":"'$C2'","payload":{"name":"却下される名前"}}'
kk_expect 403 four_eyes_required "$(kk_api "$OP1" POST "$BANK/bank/api/v1/requests/$RID/reject" '{"reason":"x"}')"
kk_expect 403 forbidden "$(kk_api "$OP2" POST "$BANK/bank/api/v1/requests/$RID/reject" '{"reason":"x"}')"
kk_expect 200 - "$(kk_api "$AP1" POST "$BANK/bank/api/v1/requests/$RID/reject" '{"reason":"依頼書の記載不備"}')"
[ "$(kk_json '["state"]')" = rejected ] && [ "$(kk_json '["reason"]')" = "依頼書の記載不備" ] || fail "reject: $(cat "$T/body")"
kk_expect 409 request_not_pending "$(approve "$AP2" "$RID")"
[ "$(sqlite3 "$DB" "SELECT name_kanji FROM contracts WHERE contract_id='$C2'")" = "とちぎ商会株式会社（新）" ] || fail "a rejected change was applied"
# Two requests to register the same contract: the second fails when applied, changing nothing.
C3=00005555555
req "$OP1" '{"kind":"contract_create","contract_id":"'$C3'","payload":{"name":"三番","name_kana":"ｻﾝﾊﾞﾝ"}}'; R1="$RID"
req "$OP2" '{"kind":"contract_create","contract_id":"'$C3'","payload":{"name":"三番の二","name_kana":"ｻﾝﾊﾞﾝﾉﾆ"}}'; R2="$RID"
kk_expect 200 - "$(approve "$AP1" "$R1")"
before="$(sqlite3 "$DB" "SELECT (SELECT count(*) FROM contracts), (SELECT count(*) FROM persons)")"
kk_expect 409 conflict "$(approve "$AP1" "$R2")"
kk_expect 200 - "$(kk_api "$OP1" GET "$BANK/bank/api/v1/requests/$R2")"
[ "$(kk_json '["state"]')" = failed ] && [ "$(kk_json '["reason"]')" = conflict ] || fail "failed request: $(cat "$T/body")"
[ "$before" = "$(sqlite3 "$DB" "SELECT (SELECT count(*) FROM contracts), (SELECT count(*) FROM persons)")" ] || fail "a failed application wrote"
kk_expect 409 conflict "$(kk_api "$OP1" POST "$BANK/bank/api/v1/requests" '{"kind":"contract_create","contract_id":"'$C3'","payload":{"name":"A","name_kana":"ｱ"}}')"

# --- Every step in the usage history --------------------------------------------------------------
for k in bank.staff.added bank.staff.login bank.staff.auth_failed bank.request.created bank.request.approved \
         bank.request.rejected bank.request.failed contract.registered person.unlocked user.changed \
         contract.changed certificate.reissued; do
  [ "$(sqlite3 "$DB" "SELECT count(*) FROM usage_history WHERE kind='$k' AND actor LIKE 'bank:%'")" -ge 1 ] \
    || fail "no $k by bank staff in the history"
done
sqlite3 "$DB" "SELECT detail FROM usage_history WHERE kind='bank.request.created'" | grep -q "依頼書 IRAI-2026-0042" \
  || fail "request number not in the request's history"
[ "$(sqlite3 "$DB" "SELECT result FROM usage_history WHERE kind='bank.request.failed'")" = conflict ] || fail "failed step result"
# No staff PIN, OTP secret or session token in the database as text.
for id in op1 ap1; do
  sqlite3 "$DB" "SELECT detail FROM usage_history; SELECT pin_hash FROM staff" | grep -q -e "$(spin $id)" && fail "staff PIN in the database"
done
[ "$(sqlite3 "$DB" "SELECT count(*) FROM staff_sessions WHERE token_hash GLOB '[0-9a-f]*' AND length(token_hash) = 64")" = 4 ] \
  || fail "staff sessions not kept as SHA-256"
# --- Logoff -----------------------------------------------------------------------------------------
kk_expect 204 - "$(kk_api "$OP2" DELETE "$BANK/bank/api/v1/sessions/current")"
kk_expect 401 session_expired "$(kk_api "$OP2" GET "$BANK/bank/api/v1/sessions/current")"
echo "back office: ok"
