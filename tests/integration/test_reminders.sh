#!/usr/bin/env bash
# Expiry reminders (issue 5) over the real server, its test clock and a real SMTP socket:
# tests/integration/smtp_sink.py stores what kakuin's libcurl sender delivers.
#   day 0    the administrator (contact address) and users rem01 (address), rem02 (none),
#            rem03 (address, reissued at once: nothing issued), rem04 and rem05 (address)
#            acquire
#   day 335  30 days before expiry: one mail each to the administrator, rem01, rem04, rem05;
#            the mail is checked (To, Subject, From, the certificate, the JST expiry, the
#            follow-up for a user / the administrator)
#   restart  the clock offset is gone: move it to day 335 again -> no second mail; rem05
#            renews with kakuin-cert renew (its new certificate expires a year later)
#   day 355  10 days before, the sink is down: queued; rem04's certificate is revoked while
#            its reminder waits; the sink comes back -> one mail each to the administrator
#            and rem01, none to rem04 (revoked) or rem05 (renewed)
#   restart  again at day 355 -> still no duplicate
source "$(dirname "$0")/lib.sh"
C=00009876543
DAY=86400
OFFSET=0
MAIL="$T/mail"
SINK_PID=""
sink_start() {  # sink_start [PORT]
  rm -f "$T/sink.port"
  python3 "$(dirname "$0")/smtp_sink.py" --dir "$MAIL" --port "${1:-0}" --port-file "$T/sink.port" \
    >>"$T/sink.log" 2>&1 &
  SINK_PID=$!
  for _ in $(seq 1 100); do [ -s "$T/sink.port" ] && break; sleep 0.05; done
  [ -s "$T/sink.port" ] || fail "SMTP sink did not start: $(cat "$T/sink.log")"
  SINK_PORT="$(cat "$T/sink.port")"
}
sink_stop() {
  if [ -n "$SINK_PID" ]; then kill -TERM "$SINK_PID" 2>/dev/null || true; wait "$SINK_PID" 2>/dev/null || true; fi
  SINK_PID=""
}
trap 'sink_stop; kk_cleanup' EXIT

kk_init
sink_start
sed -i -E 's/^test_clock_allowed = false/test_clock_allowed = true/' "$D/kakuin.toml"
sed -i -E 's/^check_interval_seconds = 60/check_interval_seconds = 1/' "$D/kakuin.toml"
sed -i -E 's|^url = ""|url = "smtp://127.0.0.1:'"$SINK_PORT"'"|' "$D/kakuin.toml"
sed -i -E 's|^from = "noreply@bank.example.jp"|from = "kakuin-test@bank.example.jp"|' "$D/kakuin.toml"
sed -i -E 's|^timeout_seconds = 30|timeout_seconds = 5|' "$D/kakuin.toml"
grep -q "^url = \"smtp://127.0.0.1:$SINK_PORT\"" "$D/kakuin.toml" || fail "smtp.url not set"
kk_start_demo
kk_stop
# The administrator's contact address is registered by the bank (back office); here directly.
sqlite3 "$D/kakuin.db" "UPDATE persons SET contact_email = 'kanri@example.jp' WHERE contract_id = '$C' AND user_id = ''"
kk_start --test-clock
ADMIN_PIN="$(kk_cred '["admin"]["pin"]')"; ADMIN_CONFIRM="$(kk_cred '["admin"]["confirmation_pin"]')"
ADMIN_TOTP="$(kk_cred '["admin"]["totp_secret_base32"]')"

advance() {  # advance SECONDS: POST /test/clock on the http listener (loopback)
  local s
  s="$(curl -sS -o "$T/body" -w '%{http_code}' -H 'Content-Type: application/json' \
       --data '{"advance_seconds":'"$1"'}' "$PLAIN/test/clock")"
  [ "$s" = 200 ] || fail "test clock: $s $(cat "$T/body")"
  OFFSET=$((OFFSET + $1))
}
otp_into() { KK_CLOCK_OFFSET="$OFFSET" kk_otp_into "$@"; }  # at the server's (moved) time
A="$T/admin.jar"
admin_logon() {
  local st code
  rm -f "$A" "$A.csrf"
  st="$(kk_cert_api "$T/admin.p12" "$A" POST /api/v1/sessions '{"role":"admin","pin":"'"$ADMIN_PIN"'"}')"
  kk_expect 201 - "$st"
  kk_save_csrf "$A"
  otp_into ADMIN_STEP "$ADMIN_TOTP" code
  st="$(kk_cert_api "$T/admin.p12" "$A" POST /api/v1/sessions/current/otp '{"otp":"'"$code"'"}')"
  kk_expect 200 - "$st"
}
# mail_count ADDR DAYS: messages in the sink to ADDR whose subject says あと DAYS 日.
mail_count() {
  python3 - "$MAIL" "$1" "$2" <<'PY'
import email, email.header, glob, sys
d, addr, days = sys.argv[1], sys.argv[2], sys.argv[3]
n = 0
for f in glob.glob(d + "/*.eml"):
    m = email.message_from_binary_file(open(f, "rb"))
    subject = str(email.header.make_header(email.header.decode_header(m["Subject"])))
    if m["To"] == "<%s>" % addr and ("あと%s日" % days) in subject:
        n += 1
print(n)
PY
}
total_mails() { find "$MAIL" -name '*.eml' | wc -l; }
# wait_mails N: until the sink holds N messages (20 s), then a few more scans for any extra.
wait_mails() {
  for _ in $(seq 1 200); do [ "$(total_mails)" -ge "$1" ] && break; sleep 0.1; done
  sleep 3
  [ "$(total_mails)" = "$1" ] || fail "expected $1 messages in the sink, found $(total_mails): $(ls "$MAIL")"
}

# Day 0: the administrator acquires; four users are registered and acquire.
kk_acquire "$T/admin.p12" "$ADMIN_PIN" "$ADMIN_TOTP" ADMIN_STEP --contract-id "$C" \
  || { cat "$T/acquire.out"; fail "administrator acquisition"; }
admin_logon
UPIN=rm482910; UCONF=rm739102
for u in rem01 rem02 rem03 rem04 rem05; do
  email=',"contact_email":"'$u'@example.jp"'; [ "$u" = rem02 ] && email=""
  s="$(kk_cert_api "$T/admin.p12" "$A" POST /api/v1/users '{"user_id":"'$u'","name_kana":"ﾘﾏｲﾝﾀﾞｰ","name_kanji":"督促 '$u'","authority":"general","login_pin":"'$UPIN'","login_pin_again":"'$UPIN'","user_confirmation_pin":"'$UCONF'","user_confirmation_pin_again":"'$UCONF'","permissions":{"balance":{"allowed":true}},"issue_certificate":true,"confirmation_pin":"'"$ADMIN_CONFIRM"'"'"$email"'}')"
  kk_expect 201 - "$s"
  s="$(kk_cert_api "$T/admin.p12" "$A" PUT /api/v1/users/$u/token '{"kind":"software","confirmation_pin":"'"$ADMIN_CONFIRM"'"}')"
  kk_expect 200 - "$s"
  secret="$(kk_json '["secret_base32"]')"; printf '%s' "$secret" >"$T/$u.totp"
  kk_acquire "$T/$u.p12" "$UPIN" "$secret" "STEP_$u" --contract-id "$C" --user-id "$u" \
    || { cat "$T/acquire.out"; fail "$u acquisition"; }
done
# rem03's certificate is reissued at once: revoked, and the new registration never acquired.
s="$(kk_cert_api "$T/admin.p12" "$A" PATCH /api/v1/users/rem03 '{"certificate":"reissue","confirmation_pin":"'"$ADMIN_CONFIRM"'"}')"
kk_expect 200 - "$s"
sleep 2
[ "$(total_mails)" = 0 ] || fail "mail before any reminder period: $(ls "$MAIL")"

# Day 335: 30 days before expiry.
advance $((335 * DAY))
wait_mails 4
for a in kanri@example.jp rem01@example.jp rem04@example.jp rem05@example.jp; do
  [ "$(mail_count "$a" 30)" = 1 ] || fail "30-day reminder to $a: $(mail_count "$a" 30)"
done
[ "$(mail_count rem03@example.jp 30)" = 0 ] || fail "the reissued (revoked) certificate was reminded"
grep -q "event=reminders queued=4 sent=" "$T/server.log" || fail "no reminders line in the log"

# The mail itself, against the certificates kakuin-cert acquired.
for who in rem01 admin; do
  openssl pkcs12 -in "$T/$who.p12" -passin pass:p12pass -nokeys -clcerts 2>/dev/null |
    openssl x509 -noout -enddate -serial >"$T/$who.cert"
done
python3 - "$MAIL" "$T/rem01.cert" "$T/admin.cert" "$C" <<'PY' || fail "reminder mail content"
import datetime, email, email.header, glob, sys
d, user_cert, admin_cert, contract = sys.argv[1:5]
def cert(path):
    f = dict(l.strip().split("=", 1) for l in open(path) if "=" in l)
    end = datetime.datetime.strptime(f["notAfter"], "%b %d %H:%M:%S %Y %Z") + datetime.timedelta(hours=9)
    return end.strftime("%Y年%m月%d日 %H時%M分%S秒"), f["serial"].upper().lstrip("0")
def mail(to):
    for f in glob.glob(d + "/*.eml"):
        m = email.message_from_binary_file(open(f, "rb"))
        if m["To"] == "<%s>" % to:
            return m
    sys.exit("no mail to " + to)
for to, path, who, follow in (("rem01@example.jp", user_cert, "利用者ID: rem01", "管理者に電子証明書の再発行を依頼"),
                               ("kanri@example.jp", admin_cert, "利用者: 管理者", "お取引店にお申し込み")):
    m = mail(to)
    subject = str(email.header.make_header(email.header.decode_header(m["Subject"])))
    assert subject == "【かくいん銀行】電子証明書の有効期限のお知らせ（あと30日）", subject
    assert "<kakuin-test@bank.example.jp>" in m["From"], m["From"]
    assert m["Message-ID"] and m["Date"].endswith("+0900"), (m["Message-ID"], m["Date"])
    assert m.get_content_charset() == "utf-8" and m["Content-Transfer-Encoding"] == "base64"
    body = m.get_payload(decode=True).decode("utf-8")
    expiry, serial = cert(path)
    for want in ("契約法人ID: " + contract, who, "有効期限: " + expiry, serial, "電子証明書更新のお知らせ", follow):
        assert want in body, (to, want, body)
    for secret in ("暗証番号:", "pin", "PIN"):
        assert secret not in body, (to, secret)
PY

# Restart: the clock offset is gone; moved to day 335 again, nothing is sent twice.
kk_stop
kk_start --test-clock
OFFSET=0
advance $((335 * DAY))
sleep 4
[ "$(total_mails)" = 4 ] || fail "duplicate after restart: $(total_mails) messages"
# rem05 renews inside the window (kakuin-cert renew from its PKCS#12).
printf '%s\n' "$UPIN" >"$T/upin"; chmod 600 "$T/upin"
otp_into STEP_rem05 "$(cat "$T/rem05.totp")" code
HOME="$T/home" "$KAKUIN_CERT" renew --server "$MTLS" --ca-file "$D/ca-chain.pem" --p12 "$T/rem05.p12" \
  --p12-password-file "$T/p12pw" --pin-file "$T/upin" --otp "$code" --lang en >"$T/renew.out" 2>&1 \
  || fail "rem05 renewal: $(cat "$T/renew.out")"

# Day 355, the sink down: the 10-day reminders are queued and retried.
sink_stop
advance $((20 * DAY))
for _ in $(seq 1 100); do grep -qE "retried=[1-9]" "$T/server.log" && break; sleep 0.1; done
grep -qE "retried=[1-9]" "$T/server.log" || fail "no retry logged while the sink was down"
# rem04's certificate is revoked while its reminder waits.
admin_logon
s="$(kk_cert_api "$T/admin.p12" "$A" PATCH /api/v1/users/rem04 '{"certificate":"reissue","confirmation_pin":"'"$ADMIN_CONFIRM"'"}')"
kk_expect 200 - "$s"
sink_start "$SINK_PORT"
advance 3600  # past the backoff
wait_mails 6
for a in kanri@example.jp rem01@example.jp; do
  [ "$(mail_count "$a" 10)" = 1 ] || fail "10-day reminder to $a: $(mail_count "$a" 10)"
done
[ "$(mail_count rem04@example.jp 10)" = 0 ] || fail "a revoked certificate was reminded"
[ "$(mail_count rem05@example.jp 10)" = 0 ] || fail "a renewed certificate was reminded"
[ "$(mail_count rem02@example.jp 30)$(mail_count rem02@example.jp 10)" = 00 ] || fail "rem02 has no address"

# Restart again at day 355: still exactly once.
kk_stop
kk_start --test-clock
OFFSET=0
advance $((355 * DAY + 3600))
sleep 4
[ "$(total_mails)" = 6 ] || fail "duplicate after the second restart: $(total_mails) messages"
states="$(sqlite3 "$D/kakuin.db" "SELECT user_id || ':' || days_before || ':' || state FROM reminders ORDER BY user_id, days_before")"
expected=":10:sent
:30:sent
rem01:10:sent
rem01:30:sent
rem04:10:cancelled
rem04:30:sent
rem05:30:sent"
[ "$states" = "$expected" ] || fail "reminder rows: $states"
# The cron form: one pass with the system clock (day 0 again: nothing due, nothing resent).
kk_stop
"$KAKUIN" reminders run --data "$D" >"$T/run.out" 2>&1 || fail "kakuin reminders run: $(cat "$T/run.out")"
grep -qx "queued: 0" "$T/run.out" && grep -qx "sent: 0" "$T/run.out" || fail "reminders run: $(cat "$T/run.out")"
[ "$(total_mails)" = 6 ] || fail "reminders run sent again"
echo "ok: reminders at 30 and 10 days over SMTP, once each across restarts; none without address, revoked or renewed; queued while the sink was down and delivered after"
