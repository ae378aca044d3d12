#!/usr/bin/env bash
# `kakuin bank ...` with four eyes (issue 5): staff add / login (PIN + OTP on stdin, session file
# 0600) / logout, requests by an operator that only another approver applies (the requester:
# four_eyes_required, an operator: forbidden), reject, requests, contract search / show / change,
# then through kk_bank_apply: `contract create` (both login methods), its refusals (duplicate
# contract, bad contract ID, bad login method, bad kana, bad limits), `admin unlock`,
# `admin reissue`, `admin reset-pins` and `contract suspend/resume`, checked through the command
# outputs, oathtool (the printed token works) and sqlite3 (what the store holds: PIN hashes only,
# the lock, the history). No server: the commands work on the store directly.
source "$(dirname "$0")/lib.sh"
DB="$D/kakuin.db"
field() { sed -n "s/^$1: //p" "$2"; }
kk_init
bank() { "$KAKUIN" bank "$@" --data "$D"; }

# ---- Staff and sessions. ----
set +e
bank requests >/dev/null 2>"$T/nosession.err"; rc=$?
set -e
[ "$rc" = 1 ] && grep -q session_expired "$T/nosession.err" || fail "a command without a session"
kk_bank_staff
[ "$(stat -c %a "$KK_OP_SESSION")" = 600 ] || fail "session file mode $(stat -c %a "$KK_OP_SESSION")"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM staff_sessions")" = 2 ] || fail "staff sessions not stored"
grep -q "$(cat "$KK_OP_SESSION")" <(sqlite3 "$DB" "SELECT token_hash FROM staff_sessions") && fail "session token stored as is"
sqlite3 "$DB" "SELECT pin_hash FROM staff" | grep -q "$KK_OP_PIN" && fail "staff PIN stored as text"
# A wrong PIN and a wrong OTP are refused; the OTP is not echoed nor printed.
set +e
printf 'wrong999\n000000\n' | bank login --staff-id kkop --session "$T/bad.session" >"$T/badlogin.out" 2>&1; rc=$?
set -e
[ "$rc" = 1 ] && grep -q pin_incorrect "$T/badlogin.out" && [ ! -e "$T/bad.session" ] || fail "wrong PIN: $(cat "$T/badlogin.out")"
set +e
printf '%s\n000000\n' "$KK_OP_PIN" | bank login --staff-id kkop --session "$T/bad.session" >"$T/badlogin.out" 2>&1; rc=$?
set -e
[ "$rc" = 1 ] && grep -q -e otp_incorrect -e otp_reused "$T/badlogin.out" && [ ! -e "$T/bad.session" ] || fail "wrong OTP: $(cat "$T/badlogin.out")"
# That login attempt ended the operator's session (one per staff member): log in again.
kk_bank_login kkop "$KK_OP_PIN" "$KK_OP_TOTP" KK_OP_STEP "$KK_OP_SESSION"
"$KAKUIN" bank staff add --data "$D" --staff-id kkop2 --name "窓口 三郎" --role operator >"$T/staff-kkop2.out"
kk_bank_login kkop2 "$(field pin "$T/staff-kkop2.out")" "$(field totp_secret_base32 "$T/staff-kkop2.out")" OP2_STEP "$T/op2.session"
# A staff member locked by wrong PINs is unlocked on the server host with a new PIN; the old
# PIN no longer works, the new one does, and both steps are in the history.
"$KAKUIN" bank staff add --data "$D" --staff-id kkop3 --name "窓口 四郎" --role operator >"$T/staff-kkop3.out"
op3_pin="$(field pin "$T/staff-kkop3.out")"
locked_out=0
for _ in 1 2 3 4 5 6 7 8 9 10; do
  printf 'wrong999\n' | bank login --staff-id kkop3 --session "$T/op3.session" >"$T/op3.out" 2>&1 || true
  if grep -q '\[locked\]' "$T/op3.out"; then locked_out=1; break; fi
done
[ "$locked_out" = 1 ] || fail "kkop3 not locked: $(cat "$T/op3.out")"
printf '%s\n000000\n' "$op3_pin" | bank login --staff-id kkop3 --session "$T/op3.session" >"$T/op3.out" 2>&1 \
  && fail "locked staff logged in"
grep -q '\[locked\]' "$T/op3.out" || fail "locked staff: $(cat "$T/op3.out")"
set +e
"$KAKUIN" bank staff unlock --data "$D" --staff-id nosuch >/dev/null 2>"$T/unlock-nosuch.err"; rc=$?
set -e
[ "$rc" = 1 ] && grep -q not_found "$T/unlock-nosuch.err" || fail "unlock of an unknown staff ID"
"$KAKUIN" bank staff unlock --data "$D" --staff-id kkop3 >"$T/staff-unlock.out" || fail "staff unlock"
new_pin="$(field pin "$T/staff-unlock.out")"
[ -n "$new_pin" ] && [ "$new_pin" != "$op3_pin" ] || fail "no new PIN"
printf '%s\n000000\n' "$op3_pin" | bank login --staff-id kkop3 --session "$T/op3.session" >"$T/op3.out" 2>&1 \
  && fail "the old PIN still works"
grep -q pin_incorrect "$T/op3.out" || fail "old PIN after unlock: $(cat "$T/op3.out")"
kk_bank_login kkop3 "$new_pin" "$(field totp_secret_base32 "$T/staff-kkop3.out")" OP3_STEP "$T/op3.session"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM usage_history WHERE kind='bank.staff.unlocked' AND actor='bank:cli'")" = 1 ] \
  || fail "staff unlock not in the history"

# ---- ID/PIN contract. ----
# Four eyes by hand: the request, refused approvals, then the approver.
bank contract create --session "$KK_OP_SESSION" --contract-id 00001234567 --name "株式会社いちご" \
  --name-kana "ｲﾁｺﾞ" --login-method id-pin >"$T/req.out" || fail "request create id-pin"
rid="$(field request_id "$T/req.out")"
[ "$(sqlite3 "$DB" "SELECT state || ' ' || requested_by FROM change_requests WHERE id = $rid")" = "pending kkop" ] || fail "request not pending"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM contracts")" = 0 ] || fail "a request changed the contracts"
set +e
bank approve --session "$KK_OP_SESSION" --request "$rid" >/dev/null 2>"$T/own.err"; rc1=$?
bank approve --session "$T/op2.session" --request "$rid" >/dev/null 2>"$T/op.err"; rc2=$?
set -e
[ "$rc1" = 1 ] && grep -q four_eyes_required "$T/own.err" || fail "own approval: $(cat "$T/own.err")"
[ "$rc2" = 1 ] && grep -q forbidden "$T/op.err" || fail "operator approval: $(cat "$T/op.err")"
bank requests --session "$KK_AP_SESSION" --state pending | grep -q "^$rid	pending	contract_create	00001234567" || fail "requests list"
bank approve --session "$KK_AP_SESSION" --request "$rid" >"$T/idpin.out" || fail "approve create id-pin"
set +e
bank approve --session "$KK_AP_SESSION" --request "$rid" >/dev/null 2>"$T/again.err"; rc=$?
set -e
[ "$rc" = 1 ] && grep -q request_not_pending "$T/again.err" || fail "second approval"
grep -q "契約法人 00001234567 を登録しました" "$T/idpin.out" || fail "id-pin: no confirmation line"
pin="$(field admin_login_pin "$T/idpin.out")"
cpin="$(field admin_confirmation_pin "$T/idpin.out")"
secret="$(field admin_totp_secret_base32 "$T/idpin.out")"
uri="$(field admin_otpauth_uri "$T/idpin.out")"
[[ "$pin" =~ ^[0-9A-Za-z]{4,12}$ ]] || fail "login PIN not printed or not policy-shaped: '$pin'"
[[ "$cpin" =~ ^[0-9A-Za-z]{4,12}$ ]] || fail "confirmation PIN not printed"
[ "$pin" != "$cpin" ] || fail "login and confirmation PIN are equal"
[[ "$uri" == otpauth://totp/*secret=$secret* ]] || fail "otpauth URI: $uri"
[[ "$uri" == *period=30* ]] || fail "otpauth URI lacks the period"
oathtool --totp -b "$secret" >/dev/null || fail "oathtool cannot use the printed secret"
grep -q "admin_certificate" "$T/idpin.out" && fail "id-pin contract registered a certificate"
# The store keeps Argon2id hashes only, never the PINs.
[ "$(sqlite3 "$DB" "SELECT count(*) FROM persons WHERE contract_id='00001234567' AND login_pin_hash LIKE '\$argon2id\$%'")" = 1 ] \
  || fail "no Argon2id login PIN hash"
# (Text columns only: an 8-digit PIN could occur inside a Unix timestamp by chance.)
if sqlite3 "$DB" "SELECT detail FROM usage_history; SELECT login_pin_hash, confirmation_pin_hash FROM persons" \
    | grep -q -e "$pin" -e "$cpin" -e "$secret"; then fail "a PIN or the TOTP secret is in the database as text"; fi
[ "$(sqlite3 "$DB" "SELECT login_method FROM contracts WHERE contract_id='00001234567'")" = id_pin ] || fail "login method"
[ "$(sqlite3 "$DB" "SELECT phase FROM certificate_slots WHERE contract_id='00001234567'")" = none ] || fail "slot not none"

# ---- Certificate contract. ----
kk_bank_apply contract create --contract-id 00009876543 --name "株式会社かくいん" \
  --name-kana "ｶﾌﾞｼｷｶﾞｲｼｬｶｸｲﾝ" --login-method certificate \
  --upper-limit transfer_adhoc=1000000/5000000 --upper-limit payroll=9999999999/9999999999 \
  >"$T/cert.out" || fail "create certificate"
grep -q "upper_limit: transfer_adhoc 1000000/5000000" "$T/cert.out" || fail "upper limit not printed"
[ "$(sqlite3 "$DB" "SELECT per_transaction || '/' || per_day FROM contract_limits WHERE contract_id='00009876543' AND service='transfer_adhoc'")" = 1000000/5000000 ] \
  || fail "upper limit not stored"
grep -q "admin_certificate: registered for acquisition, issue 001, deadline 20" "$T/cert.out" \
  || { cat "$T/cert.out"; fail "certificate contract: registration not printed"; }
grep -q "取得期限" "$T/cert.out" || fail "no Japanese deadline line"
[ "$(sqlite3 "$DB" "SELECT phase || ' ' || issue_number FROM certificate_slots WHERE contract_id='00009876543' AND user_id=''")" = "registered 1" ] \
  || fail "administrator's slot not registered"

# ---- Refusals: clear message, exit code 1, nothing written. ----
before="$(sqlite3 "$DB" "SELECT (SELECT count(*) FROM contracts), (SELECT count(*) FROM persons), (SELECT count(*) FROM usage_history), (SELECT count(*) FROM change_requests)")"
set +e
bank contract create --session "$KK_OP_SESSION" --contract-id 00009876543 --name X --name-kana ｶｸｲﾝ \
  --login-method id-pin >"$T/dup.out" 2>"$T/dup.err"; rc=$?
set -e
[ "$rc" = 1 ] || fail "duplicate contract: exit $rc"
grep -q "conflict" "$T/dup.err" && grep -q "既に登録されています" "$T/dup.err" || { cat "$T/dup.err"; fail "duplicate: unclear error"; }
grep -q "admin_login_pin" "$T/dup.out" && fail "duplicate printed PINs"
for bad in 123 0000987654x 000098765432; do
  set +e
  bank contract create --session "$KK_OP_SESSION" --contract-id "$bad" --name X --name-kana ｶｸｲﾝ \
    --login-method id-pin >/dev/null 2>"$T/bad.err"; rc=$?
  set -e
  [ "$rc" = 1 ] || fail "bad contract ID $bad: exit $rc"
  grep -q "invalid_request" "$T/bad.err" && grep -q "契約法人IDは半角数字11桁" "$T/bad.err" \
    || { cat "$T/bad.err"; fail "bad contract ID $bad: unclear error"; }
done
set +e
bank contract create --session "$KK_OP_SESSION" --contract-id 00000000002 --name X --name-kana ｶｸｲﾝ \
  --login-method password >/dev/null 2>"$T/method.err"; rc=$?
set -e
[ "$rc" = 1 ] && grep -q "ログイン方式" "$T/method.err" || fail "bad login method not refused clearly"
set +e
bank contract create --session "$KK_OP_SESSION" --contract-id 00000000002 --name X --name-kana "カクイン" \
  --login-method id-pin >/dev/null 2>"$T/kana.err"; rc=$?
set -e
[ "$rc" = 1 ] && grep -q "半角カナ" "$T/kana.err" || fail "full-width kana not refused clearly"
for lim in nosuch=1/2 payroll=10000000000/10000000000 payroll=5/4 payroll=1 balance=1/1 payroll=-1/5; do
  set +e
  bank contract create --session "$KK_OP_SESSION" --contract-id 00000000002 --name X --name-kana ｶｸｲﾝ \
    --login-method id-pin --upper-limit "$lim" >/dev/null 2>"$T/limit.err"; rc=$?
  set -e
  [ "$rc" = 1 ] && grep -q "invalid_request" "$T/limit.err" || { cat "$T/limit.err"; fail "upper limit $lim not refused"; }
done
[ "$before" = "$(sqlite3 "$DB" "SELECT (SELECT count(*) FROM contracts), (SELECT count(*) FROM persons), (SELECT count(*) FROM usage_history), (SELECT count(*) FROM change_requests)")" ] \
  || fail "a refused create wrote something"

# ---- Admin unlock. ----
sqlite3 "$DB" "UPDATE persons SET locked = 1, failure_count = 6 WHERE contract_id = '00009876543' AND user_id = ''"
kk_bank_apply admin unlock --contract-id 00009876543 >"$T/unlock.out" || fail "unlock"
grep -q "IDロック解除" "$T/unlock.out" || fail "unlock: no confirmation"
[ "$(sqlite3 "$DB" "SELECT locked || ' ' || failure_count FROM persons WHERE contract_id = '00009876543' AND user_id = ''")" = "0 0" ] \
  || fail "administrator still locked"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM usage_history WHERE contract_id = '00009876543' AND kind = 'person.unlocked' AND actor LIKE 'bank:%'")" = 1 ] \
  || fail "unlock not in the history"
set +e
bank admin unlock --session "$KK_OP_SESSION" --contract-id 00000000009 >/dev/null 2>"$T/unlock.err"; rc=$?
set -e
[ "$rc" = 1 ] && grep -q "not_found" "$T/unlock.err" || fail "unlock of an unknown contract"

# ---- Administrator's certificate reissue from the paper request (R24). ----
kk_bank_apply admin reissue --contract-id 00009876543 --request-number REQ-1 >"$T/reissue.out" \
  || fail "admin reissue"
grep -q "issue 002" "$T/reissue.out" || fail "reissue: issue number"
sqlite3 "$DB" "SELECT detail FROM usage_history WHERE kind = 'certificate.reissued'" | grep -q "REQ-1" \
  || fail "request number not in the history"

# ---- Administrator PIN reset (R3): new PINs printed, the stored hashes change. ----
h1="$(sqlite3 "$DB" "SELECT login_pin_hash FROM persons WHERE contract_id = '00001234567' AND user_id = ''")"
kk_bank_apply admin reset-pins --contract-id 00001234567 >"$T/reset.out" || fail "reset-pins"
newpin="$(field admin_login_pin "$T/reset.out")"
[[ "$newpin" =~ ^[0-9A-Za-z]{4,12}$ ]] || fail "reset-pins: no new login PIN"
[ -n "$(field admin_confirmation_pin "$T/reset.out")" ] || fail "reset-pins: no new confirmation PIN"
[ "$h1" != "$(sqlite3 "$DB" "SELECT login_pin_hash FROM persons WHERE contract_id = '00001234567' AND user_id = ''")" ] \
  || fail "reset-pins did not change the hash"

# ---- Suspension (R1). ----
kk_bank_apply contract suspend --contract-id 00001234567 | grep -q "利用停止" || fail "suspend"
[ "$(sqlite3 "$DB" "SELECT suspended FROM contracts WHERE contract_id = '00001234567'")" = 1 ] || fail "not suspended"
kk_bank_apply contract resume --contract-id 00001234567 | grep -q "利用再開" || fail "resume"
[ "$(sqlite3 "$DB" "SELECT suspended FROM contracts WHERE contract_id = '00001234567'")" = 0 ] || fail "still suspended"


# ---- Change, reject, search, show, logout. ----
kk_bank_apply contract change --contract-id 00001234567 --name "株式会社いちご本店" \
  --admin-contact-email admin@example.jp >"$T/change.out" || fail "change"
[ "$(sqlite3 "$DB" "SELECT name_kanji FROM contracts WHERE contract_id = '00001234567'")" = "株式会社いちご本店" ] || fail "name not changed"
[ "$(sqlite3 "$DB" "SELECT contact_email FROM persons WHERE contract_id = '00001234567' AND user_id = ''")" = admin@example.jp ] \
  || fail "contact not changed"
set +e
bank contract change --session "$KK_OP_SESSION" --contract-id 00001234567 >/dev/null 2>"$T/empty.err"; rc=$?
set -e
[ "$rc" = 1 ] && grep -q invalid_request "$T/empty.err" || fail "an empty change was accepted"
bank contract change --session "$KK_OP_SESSION" --contract-id 00001234567 --name "却下" >"$T/req.out"
rid="$(field request_id "$T/req.out")"
bank reject --session "$KK_AP_SESSION" --request "$rid" --reason "記載不備" | grep -q "却下しました" || fail "reject"
[ "$(sqlite3 "$DB" "SELECT state || ' ' || decided_by || ' ' || reason FROM change_requests WHERE id = $rid")" = "rejected kkap 記載不備" ] \
  || fail "rejected request"
[ "$(sqlite3 "$DB" "SELECT name_kanji FROM contracts WHERE contract_id = '00001234567'")" = "株式会社いちご本店" ] || fail "a rejected change was applied"
bank contract search --session "$KK_OP_SESSION" --q いちご | grep -q "^00001234567	株式会社いちご本店" || fail "search"
bank contract show --session "$KK_OP_SESSION" --contract-id 00009876543 >"$T/show.out"
grep -q "^admin_certificate: 002 registered" "$T/show.out" && grep -q "^upper_limit: transfer_adhoc 1000000/5000000" "$T/show.out" \
  || { cat "$T/show.out"; fail "show"; }
for k in bank.request.created bank.request.approved bank.request.rejected bank.staff.login; do
  [ "$(sqlite3 "$DB" "SELECT count(*) FROM usage_history WHERE kind = '$k' AND actor LIKE 'bank:kk%'")" -ge 1 ] || fail "no $k in the history"
done
bank logout --session "$KK_OP_SESSION" | grep -q "ログオフ" || fail "logout"
[ ! -e "$KK_OP_SESSION" ] || fail "session file left after logout"
set +e
bank requests --session "$KK_OP_SESSION" >/dev/null 2>"$T/out.err"; rc=$?
set -e
[ "$rc" = 1 ] && grep -q session_expired "$T/out.err" || fail "a command after logout"
echo "bank CLI: OK"
