# Shared helpers for the server integration tests: a temporary data directory, `kakuin serve`
# in the background on ephemeral ports (0), and curl/OTP helpers. Source it, then:
#   kk_init            # $D initialised, listeners on 127.0.0.1:0
#   kk_start           # server running; $HTTPS_PORT $MTLS_PORT $HTTP_PORT set
#   kk_stop            # SIGTERM and wait (also done by the EXIT trap)
# Requires KAKUIN_BIN; KAKUIN_BUILD_DIR for kakuin-cert.
set -euo pipefail
KAKUIN="${KAKUIN_BIN:?KAKUIN_BIN must name the kakuin binary}"
KAKUIN_CERT="${KAKUIN_CERT_BIN:-${KAKUIN_BUILD_DIR:-}/src/cli/kakuin-cert}"
T="$(mktemp -d)"
D="$T/data"
KK_PID=""

fail() {
  echo "FAIL: $*" >&2
  if [ -s "$T/server.log" ]; then echo "--- server log (tail)" >&2; tail -n 30 "$T/server.log" >&2; fi
  exit 1
}

kk_stop() {
  if [ -n "$KK_PID" ] && kill -0 "$KK_PID" 2>/dev/null; then
    kill -TERM "$KK_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$KK_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$KK_PID" 2>/dev/null && kill -KILL "$KK_PID" 2>/dev/null || true
    wait "$KK_PID" 2>/dev/null || true
  fi
  KK_PID=""
}
kk_cleanup() { kk_stop; rm -rf "$T"; }
trap kk_cleanup EXIT

# Listeners on ephemeral ports in $1/kakuin.toml.
kk_ephemeral_ports() {
  sed -i -E 's/^(https|mtls|http|bank) = "127\.0\.0\.1:[0-9]+"/\1 = "127.0.0.1:0"/' "$1/kakuin.toml"
  grep -q '^https = "127.0.0.1:0"' "$1/kakuin.toml" || fail "could not set ephemeral ports"
}

kk_init() {
  "$KAKUIN" init --data "$D" >"$T/init.out"
  kk_ephemeral_ports "$D"
  # Cheap PIN hashes keep the tests fast (the cost is configuration, not code).
  sed -i -E 's/^hash_memory_kib = [0-9]+/hash_memory_kib = 1024/; s/^hash_iterations = [0-9]+/hash_iterations = 1/' "$D/kakuin.toml"
}

# Reads a port from ports.json: kk_port https
kk_port() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$D/ports.json" "$1"; }

# kk_wait_ports: waits for $D/ports.json of the server $KK_PID.
kk_wait_ports() {
  for _ in $(seq 1 300); do
    [ -s "$D/ports.json" ] && break
    kill -0 "$KK_PID" 2>/dev/null || fail "server exited: $(tail -n 5 "$T/server.log")"
    sleep 0.05
  done
  [ -s "$D/ports.json" ] || fail "no ports.json after 15 s"
  HTTPS_PORT="$(kk_port https)"; MTLS_PORT="$(kk_port mtls)"; HTTP_PORT="$(kk_port http)"
  HTTPS="https://localhost:$HTTPS_PORT"; MTLS="https://localhost:$MTLS_PORT"; PLAIN="http://127.0.0.1:$HTTP_PORT"
  export HTTPS_PORT MTLS_PORT HTTP_PORT HTTPS MTLS PLAIN
  # The bank's back office (issue 5), when the configuration has the listener.
  BANK_PORT="$(kk_port bank 2>/dev/null || true)"; BANK="https://localhost:$BANK_PORT"
  export BANK_PORT BANK
}

kk_start() {  # kk_start [serve args, e.g. --test-clock]
  rm -f "$D/ports.json"
  "$KAKUIN" serve --data "$D" "$@" >>"$T/server.log" 2>&1 &
  KK_PID=$!
  kk_wait_ports
}

# `kakuin demo --data $D` as the server (after kk_init: ephemeral ports, cheap hashes).
kk_start_demo() {
  rm -f "$D/ports.json"
  "$KAKUIN" demo --data "$D" >"$T/demo.out" 2>>"$T/server.log" &
  KK_PID=$!
  kk_wait_ports
}
# A field of DIR/demo-credentials.json: kk_cred '["admin"]["pin"]'
kk_cred() { python3 -c 'import json,sys; print(eval("json.load(open(sys.argv[1]))"+sys.argv[2]))' "$D/demo-credentials.json" "$1"; }

# kk_otp_into VAR SECRET OUTVAR: sets OUTVAR to a TOTP code (oathtool) that the server accepts
# and has not seen yet. The server accepts the steps current-1 .. current+1 and never a step
# <= the last accepted one; VAR (a shell variable per person) remembers our last step, so up
# to three codes per person fit in one 30 s step without waiting. KK_CLOCK_OFFSET: seconds the
# server's test clock runs ahead of ours (tests that move it); 0 when unset.
kk_otp_into() {
  local var="$1" secret="$2" out="$3" now cur rem last step
  while :; do
    now=$(( $(date +%s) + ${KK_CLOCK_OFFSET:-0} )); cur=$((now / 30)); rem=$((30 - now % 30))
    last="${!var:-0}"
    step=$((cur - 1)); [ "$step" -le "$last" ] && step=$((last + 1))
    if [ "$step" -gt $((cur + 1)) ] || { [ "$step" -eq $((cur - 1)) ] && [ "$rem" -le 3 ]; } ||
       { [ "$step" -eq $((cur + 1)) ] && [ "$rem" -ge 28 ]; }; then
      sleep $((rem + 1)); continue
    fi
    break
  done
  printf -v "$var" '%s' "$step"
  printf -v "$out" '%s' "$(oathtool --totp -b "$secret" -N "@$((step * 30 + 1))")"
}

# kk_acquire P12 PIN SECRET OTPVAR [kakuin-cert args...]: kakuin-cert acquire into P12
# (password "p12pass") with an OTP from kk_otp_into. Output in $T/acquire.out; returns its status.
kk_acquire() {
  local p12="$1" pin="$2" secret="$3" var="$4" code; shift 4
  printf '%s\n' "$pin" >"$T/pin"; chmod 600 "$T/pin"
  printf 'p12pass\n' >"$T/p12pw"; chmod 600 "$T/p12pw"
  kk_otp_into "$var" "$secret" code
  rm -f "$p12"
  HOME="$T/home" "$KAKUIN_CERT" acquire --server "$HTTPS" --ca-file "$D/ca-chain.pem" \
    --pin-file "$T/pin" --otp "$code" --key-type p256 --p12 "$p12" --p12-password-file "$T/p12pw" \
    --lang en "$@" >"$T/acquire.out" 2>&1
}

# kk_cert_api P12 JAR METHOD PATH [JSON]: kk_api on the mtls listener with the client certificate.
kk_cert_api() {
  local p12="$1" jar="$2" method="$3" path="$4" data="${5:-}"
  kk_api "$jar" "$method" "$MTLS$path" "$data" --cert "$p12:p12pass" --cert-type P12
}

# kk_api JAR METHOD URL [JSON] [extra curl args...]: prints "<status>" on the first line and the
# body after it to $T/body; uses the cookie jar JAR and its CSRF token file JAR.csrf.
kk_api() {
  local jar="$1" method="$2" url="$3" data="${4:-}"; shift 4 || shift $#
  local args=(-sS -o "$T/body" -w '%{http_code}' --cacert "$D/ca-chain.pem" -b "$jar" -c "$jar" -X "$method")
  [ -f "$jar.csrf" ] && args+=(-H "X-CSRF-Token: $(cat "$jar.csrf")")
  [ -n "$data" ] && args+=(-H 'Content-Type: application/json' --data-binary "$data")
  curl "${args[@]}" "$@" "$url"
}
# The value of a top-level JSON field of $T/body (python3 expression path, e.g. '["state"]').
kk_json() { python3 -c 'import json,sys; v=eval("json.load(open(sys.argv[1]))"+sys.argv[2]); print("" if v is None else (json.dumps(v) if isinstance(v,(dict,list)) else v))' "$T/body" "$1"; }
# Saves the csrf_token of a login answer for the jar.
kk_save_csrf() { kk_json '["csrf_token"]' >"$1.csrf"; }
# kk_expect STATUS CODE ACTUAL_STATUS: checks the status and (when CODE is not "-") the problem code.
kk_expect() {
  local want="$1" code="$2" got="$3"
  [ "$got" = "$want" ] || fail "expected HTTP $want ($code), got $got: $(cat "$T/body")"
  if [ "$code" != "-" ]; then
    local c; c="$(kk_json '["code"]' 2>/dev/null || true)"
    [ "$c" = "$code" ] || fail "expected code $code, got '$c': $(cat "$T/body")"
    KK_CODES_SEEN="${KK_CODES_SEEN:-} $code"
  fi
}

# ---- The bank's back office (issue 5): staff and four-eyes requests on the command line. ----
# kk_bank_staff: adds an operator (kkop) and an approver (kkap) with `kakuin bank staff add` and
# logs both in (PIN + oathtool OTP on stdin). Sets KK_OP_SESSION / KK_AP_SESSION (session files),
# KK_OP_PIN KK_OP_TOTP KK_AP_PIN KK_AP_TOTP. Works with or without a running server.
kk_bank_staff() {
  "$KAKUIN" bank staff add --data "$D" --staff-id kkop --name "窓口 一郎" --role operator >"$T/staff-kkop.out" \
    || fail "bank staff add kkop: $(cat "$T/staff-kkop.out")"
  "$KAKUIN" bank staff add --data "$D" --staff-id kkap --name "承認 二郎" --role approver >"$T/staff-kkap.out" \
    || fail "bank staff add kkap: $(cat "$T/staff-kkap.out")"
  KK_OP_PIN="$(sed -n 's/^pin: //p' "$T/staff-kkop.out")"; KK_OP_TOTP="$(sed -n 's/^totp_secret_base32: //p' "$T/staff-kkop.out")"
  KK_AP_PIN="$(sed -n 's/^pin: //p' "$T/staff-kkap.out")"; KK_AP_TOTP="$(sed -n 's/^totp_secret_base32: //p' "$T/staff-kkap.out")"
  KK_OP_SESSION="$T/kkop.session"; KK_AP_SESSION="$T/kkap.session"
  kk_bank_login kkop "$KK_OP_PIN" "$KK_OP_TOTP" KK_OP_STEP "$KK_OP_SESSION"
  kk_bank_login kkap "$KK_AP_PIN" "$KK_AP_TOTP" KK_AP_STEP "$KK_AP_SESSION"
}
# kk_bank_login STAFF_ID PIN SECRET OTPVAR SESSION_FILE: `kakuin bank login` with the PIN and an
# oathtool OTP (kk_otp_into) as stdin lines.
kk_bank_login() {
  local id="$1" pin="$2" secret="$3" var="$4" file="$5" code
  kk_otp_into "$var" "$secret" code
  printf '%s\n%s\n' "$pin" "$code" | "$KAKUIN" bank login --data "$D" --staff-id "$id" --session "$file" \
    >"$T/bank-login.out" 2>&1 || fail "bank login $id: $(cat "$T/bank-login.out")"
}
# kk_bank_apply <kakuin bank args without --data...>: the operator requests the change and the
# approver approves it (four eyes); the approval's output (the letter: admin_login_pin: ... lines)
# goes to stdout. Needs kk_bank_staff first. Returns non-zero with the error on stderr.
kk_bank_apply() {
  "$KAKUIN" bank "$@" --data "$D" --session "$KK_OP_SESSION" >"$T/bank-request.out" 2>&1 \
    || { cat "$T/bank-request.out" >&2; return 1; }
  local id; id="$(sed -n 's/^request_id: //p' "$T/bank-request.out")"
  [ -n "$id" ] || { echo "kk_bank_apply: no request id" >&2; return 1; }
  "$KAKUIN" bank approve --data "$D" --session "$KK_AP_SESSION" --request "$id"
}
