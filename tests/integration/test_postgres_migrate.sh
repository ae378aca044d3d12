#!/usr/bin/env bash
# kakuin migrate --from DIR --to postgresql://...: a bank's SQLite data (the demo contract, an
# acquired certificate, a certificate login with OTP, a CRL) is copied to PostgreSQL; every
# table is dumped from both databases in one canonical text form and must be identical. Then
# the same DIR serves from PostgreSQL, a second copy into a non-empty database is refused, and
# a bad --to is refused.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pg_lib.sh"
C=00009876543
pg_start

kk_init
kk_start_demo
RPIN="$(kk_cred '["users"][0]["pin"]')"; RTOTP="$(kk_cred '["users"][0]["totp_secret_base32"]')"
kk_acquire "$T/r.p12" "$RPIN" "$RTOTP" R_STEP --contract-id "$C" --user-id riyousya \
  || { cat "$T/acquire.out"; fail "kakuin-cert acquire"; }
J="$T/r.jar"
kk_expect 201 - "$(kk_cert_api "$T/r.p12" "$J" POST /api/v1/sessions '{"role":"user","pin":"'"$RPIN"'"}')"
kk_save_csrf "$J"
kk_otp_into R_STEP "$RTOTP" code
kk_expect 200 - "$(kk_cert_api "$T/r.p12" "$J" POST /api/v1/sessions/current/otp '{"otp":"'"$code"'"}')"
GPIN="$(kk_cred '["users"][1]["pin"]')"
kk_expect 401 - "$(kk_api "$T/g.jar" POST "$HTTPS/api/v1/sessions" '{"role":"user","contract_id":"'$C'","user_id":"genchi02","pin":"0000wrong"}')"
kk_expect 201 - "$(kk_api "$T/g.jar" POST "$HTTPS/api/v1/sessions" '{"role":"user","contract_id":"'$C'","user_id":"genchi02","pin":"'"$GPIN"'"}')"
# The back office's tables: the demo's operator logs in and requests an unlock (pending).
OPIN="$(kk_cred '["staff"][0]["pin"]')"; OTOTP="$(kk_cred '["staff"][0]["totp_secret"]')"
kk_bank_login "$(kk_cred '["staff"][0]["staff_id"]')" "$OPIN" "$OTOTP" O_STEP "$T/op.session"
"$KAKUIN" bank admin unlock --data "$D" --session "$T/op.session" --contract-id "$C" >"$T/req.out" 2>&1 \
  || fail "bank request: $(cat "$T/req.out")"
kk_stop
"$KAKUIN" ca crl --data "$D" --out "$T/crl.der" >/dev/null || fail "kakuin ca crl"

DB="$D/kakuin.db"
TO="$(pg_new_db bank)"
"$KAKUIN" migrate --from "$D" --to "$TO" >"$T/migrate.out" 2>&1 || fail "migrate: $(cat "$T/migrate.out")"
grep -q "certificates *1 rows" "$T/migrate.out" || fail "migrate output: $(cat "$T/migrate.out")"

# Canonical dump: every column in schema order, byte strings as lowercase hex, NULL as <NULL>,
# rows sorted by every column; unit separators between fields.
TABLES="contracts persons certificate_slots certificates counters meta usage_history sessions
  otp_tokens otp_used_steps enrollments person_permissions contract_limits schema_version
  reminders staff staff_sessions change_requests"
sep=$'\x1f'
nonempty=0
for t in $TABLES; do
  cols="$(sqlite3 "$DB" "SELECT name, type FROM pragma_table_info('$t') ORDER BY cid")"
  [ -n "$cols" ] || fail "no table $t in SQLite"
  lite_list=""; pg_list=""; order=""; i=0
  while IFS='|' read -r name type; do
    i=$((i + 1))
    if [ "$type" = BLOB ]; then
      lite_list+="${lite_list:+, }lower(hex($name))"; pg_list+="${pg_list:+, }encode($name, 'hex')"
    else
      lite_list+="${lite_list:+, }$name"; pg_list+="${pg_list:+, }$name"
    fi
    order+="${order:+, }$i"
  done <<<"$cols"
  sqlite3 -batch -noheader -list -separator "$sep" -nullvalue '<NULL>' "$DB" \
    "SELECT $lite_list FROM $t ORDER BY $order" >"$T/lite.$t" || fail "sqlite dump $t"
  psql -X -q -A -t -F "$sep" -P null='<NULL>' -v ON_ERROR_STOP=1 "$TO" \
    -c "SELECT $pg_list FROM $t ORDER BY $order" >"$T/pg.$t" || fail "psql dump $t"
  diff "$T/lite.$t" "$T/pg.$t" >"$T/diff.$t" || fail "table $t differs after migrate: $(head -20 "$T/diff.$t")"
  [ -s "$T/lite.$t" ] && nonempty=$((nonempty + 1))
  echo "  $t: $(grep -c '' "$T/lite.$t") rows identical"
done
# The data above fills all but the tables that the flow empties again (enrollments after use).
[ "$nonempty" -ge 14 ] || fail "only $nonempty tables held rows: the comparison proves too little"

# A second copy into the same (now non-empty) database is refused and changes nothing.
before="$(psql -X -A -t "$TO" -c 'SELECT count(*) FROM usage_history')"
"$KAKUIN" migrate --from "$D" --to "$TO" >"$T/again.out" 2>&1 && fail "second migrate succeeded"
grep -qi "not empty" "$T/again.out" || fail "second migrate: $(cat "$T/again.out")"
[ "$before" = "$(psql -X -A -t "$TO" -c 'SELECT count(*) FROM usage_history')" ] || fail "second migrate wrote"
"$KAKUIN" migrate --from "$D" --to "mysql://x" >"$T/bad.out" 2>&1 && fail "bad --to accepted"

# The same DIR now serves from PostgreSQL: the copied certificate logs in, history continues.
pg_use_store "$D" "$TO"
kk_start
J2="$T/r2.jar"
kk_expect 201 - "$(kk_cert_api "$T/r.p12" "$J2" POST /api/v1/sessions '{"role":"user","pin":"'"$RPIN"'"}')"
kk_save_csrf "$J2"
kk_otp_into R_STEP "$RTOTP" code
kk_expect 200 - "$(kk_cert_api "$T/r.p12" "$J2" POST /api/v1/sessions/current/otp '{"otp":"'"$code"'"}')"
after="$(psql -X -A -t "$TO" -c 'SELECT count(*) FROM usage_history')"
[ "$after" -gt "$before" ] || fail "no history appended on PostgreSQL ($before -> $after)"
echo "ok: kakuin migrate SQLite -> PostgreSQL, every table identical; DIR serves from PostgreSQL"
