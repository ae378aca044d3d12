#!/usr/bin/env bash
# `kakuin bank contract create` (both login methods), its refusals (duplicate contract, bad
# contract ID, bad login method, bad kana, bad limits), `kakuin bank admin unlock`, `admin reissue`,
# `admin reset-pins` and `contract suspend/resume`,
# checked through the command outputs, oathtool (the printed token works) and sqlite3 (what
# the store holds: PIN hashes only, the lock, the history).
set -euo pipefail
KAKUIN="${KAKUIN_BIN:?}"
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
D="$T/data"
DB="$D/kakuin.db"
field() { sed -n "s/^$1: //p" "$2"; }

"$KAKUIN" init --data "$D" >/dev/null

# ---- ID/PIN contract. ----
"$KAKUIN" bank contract create --data "$D" --contract-id 00001234567 --name "株式会社いちご" \
  --name-kana "ｲﾁｺﾞ" --login-method id-pin >"$T/idpin.out" || fail "create id-pin"
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
"$KAKUIN" bank contract create --data "$D" --contract-id 00009876543 --name "株式会社かくいん" \
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
before="$(sqlite3 "$DB" "SELECT (SELECT count(*) FROM contracts), (SELECT count(*) FROM persons), (SELECT count(*) FROM usage_history)")"
set +e
"$KAKUIN" bank contract create --data "$D" --contract-id 00009876543 --name X --name-kana ｶｸｲﾝ \
  --login-method id-pin >"$T/dup.out" 2>"$T/dup.err"; rc=$?
set -e
[ "$rc" = 1 ] || fail "duplicate contract: exit $rc"
grep -q "conflict" "$T/dup.err" && grep -q "既に登録されています" "$T/dup.err" || { cat "$T/dup.err"; fail "duplicate: unclear error"; }
grep -q "admin_login_pin" "$T/dup.out" && fail "duplicate printed PINs"
for bad in 123 0000987654x 000098765432; do
  set +e
  "$KAKUIN" bank contract create --data "$D" --contract-id "$bad" --name X --name-kana ｶｸｲﾝ \
    --login-method id-pin >/dev/null 2>"$T/bad.err"; rc=$?
  set -e
  [ "$rc" = 1 ] || fail "bad contract ID $bad: exit $rc"
  grep -q "invalid_request" "$T/bad.err" && grep -q "契約法人IDは半角数字11桁" "$T/bad.err" \
    || { cat "$T/bad.err"; fail "bad contract ID $bad: unclear error"; }
done
set +e
"$KAKUIN" bank contract create --data "$D" --contract-id 00000000002 --name X --name-kana ｶｸｲﾝ \
  --login-method password >/dev/null 2>"$T/method.err"; rc=$?
set -e
[ "$rc" = 1 ] && grep -q "ログイン方式" "$T/method.err" || fail "bad login method not refused clearly"
set +e
"$KAKUIN" bank contract create --data "$D" --contract-id 00000000002 --name X --name-kana "カクイン" \
  --login-method id-pin >/dev/null 2>"$T/kana.err"; rc=$?
set -e
[ "$rc" = 1 ] && grep -q "半角カナ" "$T/kana.err" || fail "full-width kana not refused clearly"
for lim in nosuch=1/2 payroll=10000000000/10000000000 payroll=5/4 payroll=1 balance=1/1 payroll=-1/5; do
  set +e
  "$KAKUIN" bank contract create --data "$D" --contract-id 00000000002 --name X --name-kana ｶｸｲﾝ \
    --login-method id-pin --upper-limit "$lim" >/dev/null 2>"$T/limit.err"; rc=$?
  set -e
  [ "$rc" = 1 ] && grep -q "invalid_request" "$T/limit.err" || { cat "$T/limit.err"; fail "upper limit $lim not refused"; }
done
[ "$before" = "$(sqlite3 "$DB" "SELECT (SELECT count(*) FROM contracts), (SELECT count(*) FROM persons), (SELECT count(*) FROM usage_history)")" ] \
  || fail "a refused create wrote something"

# ---- Admin unlock. ----
sqlite3 "$DB" "UPDATE persons SET locked = 1, failure_count = 6 WHERE contract_id = '00009876543' AND user_id = ''"
"$KAKUIN" bank admin unlock --data "$D" --contract-id 00009876543 >"$T/unlock.out" || fail "unlock"
grep -q "IDロックを解除しました" "$T/unlock.out" || fail "unlock: no confirmation"
[ "$(sqlite3 "$DB" "SELECT locked || ' ' || failure_count FROM persons WHERE contract_id = '00009876543' AND user_id = ''")" = "0 0" ] \
  || fail "administrator still locked"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM usage_history WHERE contract_id = '00009876543' AND kind = 'person.unlocked' AND actor LIKE 'bank:%'")" = 1 ] \
  || fail "unlock not in the history"
set +e
"$KAKUIN" bank admin unlock --data "$D" --contract-id 00000000009 >/dev/null 2>"$T/unlock.err"; rc=$?
set -e
[ "$rc" = 1 ] && grep -q "not_found" "$T/unlock.err" || fail "unlock of an unknown contract"

# ---- Administrator's certificate reissue from the paper request (R24). ----
"$KAKUIN" bank admin reissue --data "$D" --contract-id 00009876543 --request-number REQ-1 >"$T/reissue.out" \
  || fail "admin reissue"
grep -q "issue 002" "$T/reissue.out" || fail "reissue: issue number"
sqlite3 "$DB" "SELECT detail FROM usage_history WHERE kind = 'certificate.reissued'" | grep -q "REQ-1" \
  || fail "request number not in the history"

# ---- Administrator PIN reset (R3): new PINs printed, the stored hashes change. ----
h1="$(sqlite3 "$DB" "SELECT login_pin_hash FROM persons WHERE contract_id = '00001234567' AND user_id = ''")"
"$KAKUIN" bank admin reset-pins --data "$D" --contract-id 00001234567 >"$T/reset.out" || fail "reset-pins"
newpin="$(field admin_login_pin "$T/reset.out")"
[[ "$newpin" =~ ^[0-9A-Za-z]{4,12}$ ]] || fail "reset-pins: no new login PIN"
[ -n "$(field admin_confirmation_pin "$T/reset.out")" ] || fail "reset-pins: no new confirmation PIN"
[ "$h1" != "$(sqlite3 "$DB" "SELECT login_pin_hash FROM persons WHERE contract_id = '00001234567' AND user_id = ''")" ] \
  || fail "reset-pins did not change the hash"

# ---- Suspension (R1). ----
"$KAKUIN" bank contract suspend --data "$D" --contract-id 00001234567 | grep -q "停止しました" || fail "suspend"
[ "$(sqlite3 "$DB" "SELECT suspended FROM contracts WHERE contract_id = '00001234567'")" = 1 ] || fail "not suspended"
"$KAKUIN" bank contract resume --data "$D" --contract-id 00001234567 | grep -q "再開しました" || fail "resume"
[ "$(sqlite3 "$DB" "SELECT suspended FROM contracts WHERE contract_id = '00001234567'")" = 0 ] || fail "still suspended"

echo "bank CLI: OK"
