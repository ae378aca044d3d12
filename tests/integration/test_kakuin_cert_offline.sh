#!/usr/bin/env bash
# kakuin-cert (the real binary) against a stand-in of the enrollment API: a few lines of
# Python over TLS that sign CSRs with `openssl x509 -req`. Checks the command line, the TLS
# trust in --ca-file, the OTP step, the NSS database (certutil), the PKCS#12 (openssl),
# problem+json messages and exit codes, and that a missing input never waits for a terminal.
# The real server is exercised by the server's own integration tests.
set -euo pipefail

bin="${KAKUIN_CERT_BIN:-${KAKUIN_BUILD_DIR:-build}/src/cli/kakuin-cert}"
[ -x "$bin" ] || { echo "FAIL: kakuin-cert not found at $bin (build target kakuin-cert)" >&2; exit 1; }
bin="$(realpath "$bin")"
for t in openssl certutil python3 timeout; do
  command -v "$t" >/dev/null || { echo "FAIL: $t is not installed" >&2; exit 1; }
done

work="$(mktemp -d)"
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
cd "$work"

failures=0
passes=0
pass() { passes=$((passes + 1)); echo "ok   $*"; }
fail() { failures=$((failures + 1)); echo "FAIL $*" >&2; }
# expect_rc WANT DESCRIPTION COMMAND...: output in $work/last.out
expect_rc() {
  local want="$1" what="$2"; shift 2
  local rc=0
  "$@" >"$work/last.out" 2>&1 </dev/null || rc=$?
  if [ "$rc" = "$want" ]; then pass "$what (exit $rc)"; else fail "$what: exit $rc, want $want"; sed 's/^/     | /' "$work/last.out" >&2; fi
}
expect_in() {
  if grep -Eq -- "$2" "$1"; then pass "$3"; else fail "$3 (no /$2/)"; sed 's/^/     | /' "$1" >&2; fi
}
expect_not_in() {
  if grep -Eq -- "$2" "$1"; then fail "$3 (found /$2/)"; sed 's/^/     | /' "$1" >&2; else pass "$3"; fi
}

# --- a CA hierarchy and a server certificate, with the openssl command line -------------
q() { "$@" >/dev/null 2>&1; }
q openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout root.key -out root.pem \
  -days 30 -subj "/CN=Offline Test Root" -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
q openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout issuing.key -out issuing.csr -subj "/CN=Offline Test Issuing CA"
printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' > ca.ext
q openssl x509 -req -in issuing.csr -CA root.pem -CAkey root.key -CAcreateserial -days 30 -extfile ca.ext -out issuing.pem
q openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr -subj "/CN=localhost"
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > server.ext
q openssl x509 -req -in server.csr -CA issuing.pem -CAkey issuing.key -CAcreateserial -days 30 -extfile server.ext -out server.pem
cat server.pem issuing.pem > server-chain.pem
cat issuing.pem root.pem > ca-chain.pem
printf 'keyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n' > client.ext
q openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout stranger.key -out stranger.pem -days 30 -subj "/CN=Stranger"
[ -s server-chain.pem ] && pass "test CA hierarchy" || { fail "test CA hierarchy"; exit 1; }

# --- the stand-in enrollment API -------------------------------------------------------------
cat > server.py <<'PY'
import http.server, json, os, ssl, subprocess, sys
PIN, OTP, EID = "pin1234", "123456", "enr-SECRET-4242"
WORK = sys.argv[1]
MSG = {
    "pin_incorrect": ("暗証番号が正しくありません。", "The PIN is incorrect."),
    "otp_incorrect": ("ワンタイムパスワードが正しくありません。", "The one-time password is incorrect."),
    "acquisition_deadline_passed": ("電子証明書の取得期限を過ぎています。", "The acquisition deadline has passed."),
}
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def send(self, status, ctype, body):
        body = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def problem(self, status, code):
        en = self.headers.get("Accept-Language", "") == "en"
        self.send(status, "application/problem+json", json.dumps(
            {"type": "about:blank", "title": code, "status": status, "code": code,
             "detail": MSG[code][1 if en else 0]}, ensure_ascii=False))
    def enrollment(self, status, state):
        self.send(status, "application/json", json.dumps(
            {"enrollment_id": EID, "state": state, "key_types": ["rsa2048", "rsa3072", "p256"],
             "default_key_type": "p256", "expires_at": "2030-01-01T00:00:00Z"}))
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with open(os.path.join(WORK, "requests.log"), "a") as log:
            log.write(self.path + " " + self.headers.get("Accept-Language", "-") + "\n")
        if self.path == "/api/v1/enrollments":
            req = json.loads(body)
            if req.get("pin") != PIN: return self.problem(401, "pin_incorrect")
            if req.get("contract_id") == "00000000001": return self.problem(409, "acquisition_deadline_passed")
            return self.enrollment(201, "otp_required")
        if self.path == "/api/v1/enrollments/%s/otp" % EID:
            if json.loads(body).get("otp") != OTP: return self.problem(401, "otp_incorrect")
            return self.enrollment(200, "csr_required")
        if self.path == "/api/v1/enrollments/%s/csr" % EID:
            if self.headers.get("Content-Type") != "application/pkcs10": return self.send(415, "text/plain", "")
            csr = os.path.join(WORK, "client.csr")
            open(csr, "wb").write(body)
            leaf = subprocess.run(["openssl", "x509", "-req", "-in", csr, "-CA", "issuing.pem",
                "-CAkey", "issuing.key", "-CAcreateserial", "-days", "365", "-extfile", "client.ext",
                "-subj", "/CN=00009876543 riyousya 1635"], capture_output=True, check=True, cwd=WORK).stdout
            chain = leaf + open(os.path.join(WORK, "issuing.pem"), "rb").read() + open(os.path.join(WORK, "root.pem"), "rb").read()
            return self.send(201, "application/pem-certificate-chain", chain)
        self.send(404, "text/plain", "")
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(os.path.join(WORK, "server-chain.pem"), os.path.join(WORK, "server.key"))
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
open(os.path.join(WORK, "port.tmp"), "w").write(str(srv.server_address[1]))
os.rename(os.path.join(WORK, "port.tmp"), os.path.join(WORK, "port"))
srv.serve_forever()
PY
python3 server.py "$work" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 50); do [ -s port ] && break; sleep 0.1; done
[ -s port ] || { fail "stand-in server did not start"; cat server.err >&2; exit 1; }
url="https://127.0.0.1:$(cat port)"
echo pin1234 > pin
echo wrong > wrong-pin
echo 'p12 secret' > p12pw
echo 'other p12' > p12pw-wrong
export HOME="$work/home"
mkdir -p "$HOME"

# --- help ------------------------------------------------------------------------------------
expect_rc 0 "--help" "$bin" --help
expect_in last.out "acquire" "--help lists acquire"
expect_rc 0 "acquire --help" "$bin" acquire --help
expect_in last.out "--p12-password-file" "acquire --help lists the options"
expect_rc 2 "no subcommand is a usage error" "$bin"
expect_rc 2 "missing --server is a usage error" "$bin" acquire --ca-file ca-chain.pem --contract-id 00009876543
expect_rc 2 "unknown --key-type" "$bin" acquire --server "$url" --ca-file ca-chain.pem --contract-id 00009876543 --key-type dsa

# --- acquisition into the default NSS database ($HOME/.pki/nssdb) -----------------------
expect_rc 0 "acquire into the default NSS database" \
  "$bin" acquire --server "$url" --ca-file ca-chain.pem --contract-id 00009876543 --user-id riyousya \
  --pin-file pin --otp 123456
cp last.out acquire.out
sed "s/^/     | /" acquire.out
expect_in acquire.out "CN: 00009876543 riyousya 1635" "prints the CN"
expect_in acquire.out "シリアル番号: [0-9A-F]+" "prints the serial"
expect_in acquire.out "有効期限: [0-9]{4}年[0-9]{2}月[0-9]{2}日 [0-9]{2}時[0-9]{2}分[0-9]{2}秒" "prints the expiry in JST"
expect_in acquire.out "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z" "prints the expiry in ISO 8601"
expect_in acquire.out "sql:$HOME/.pki/nssdb" "says where it installed"
expect_not_in acquire.out "enr-SECRET-4242|pin1234" "never prints the enrollment id or the PIN"
[ "$(stat -c %a "$HOME/.pki/nssdb")" = 700 ] && pass "nssdb is mode 0700" || fail "nssdb mode"
certutil -L -d "sql:$HOME/.pki/nssdb" > certs.out 2>&1 || true
expect_in certs.out "kakuin 00009876543 riyousya 1635 +u,u,u" "certutil -L shows the certificate with u,u,u"
certutil -K -d "sql:$HOME/.pki/nssdb" -f /dev/null > keys.out 2>&1 || true
expect_in keys.out "ec .*kakuin 00009876543 riyousya 1635" "certutil -K shows the server's default key type (p256)"
openssl req -in client.csr -noout -verify > csr.out 2>&1 || true
expect_in csr.out "verify OK|Certificate request self-signature verify OK" "the CSR sent verifies"
grep -c " ja$" requests.log > lang.out || true
expect_in lang.out "^3$" "three requests, each with Accept-Language: ja"

# --- PKCS#12 only, RSA -----------------------------------------------------------------------
expect_rc 0 "acquire into a PKCS#12 only" \
  "$bin" acquire --server "$url" --ca-file ca-chain.pem --contract-id 00009876543 --user-id riyousya \
  --pin-file pin --otp 123456 --key-type rsa2048 --p12 me.p12 --p12-password-file p12pw --lang en
expect_in last.out "PKCS#12 file: me.p12" "says where the PKCS#12 is (English)"
[ "$(stat -c %a me.p12)" = 600 ] && pass "PKCS#12 is mode 0600" || fail "PKCS#12 mode"
expect_rc 1 "PKCS#12 does not open with a wrong password" openssl pkcs12 -info -noout -in me.p12 -passin file:p12pw-wrong
expect_rc 0 "PKCS#12 opens with its password" openssl pkcs12 -info -noout -in me.p12 -passin file:p12pw
expect_in last.out "AES-256-CBC" "PKCS#12 is AES-256-CBC"
expect_in last.out "MAC: sha256" "PKCS#12 MAC is SHA-256"
openssl pkcs12 -in me.p12 -passin file:p12pw -nocerts -nodes 2>/dev/null | openssl pkey -noout -text 2>/dev/null | head -1 > p12key.out || true
expect_in p12key.out "Private-Key: \(2048 bit" "the PKCS#12 key is RSA 2048 as asked"
certutil -K -d "sql:$HOME/.pki/nssdb" -f /dev/null > keys2.out 2>&1 || true
[ "$(grep -c kakuin keys2.out)" = 1 ] && pass "--p12 alone leaves the NSS database alone" || fail "--p12 alone touched the NSS database"

# --- errors, each with its message and exit code -----------------------------------------
expect_rc 3 "wrong PIN" "$bin" acquire --server "$url" --ca-file ca-chain.pem --contract-id 00009876543 \
  --user-id riyousya --pin-file wrong-pin --otp 123456
expect_in last.out "^エラー: 暗証番号が正しくありません。 \(pin_incorrect\)$" "wrong PIN message in Japanese"
expect_rc 3 "wrong PIN (English)" "$bin" acquire --server "$url" --ca-file ca-chain.pem --contract-id 00009876543 \
  --user-id riyousya --pin-file wrong-pin --otp 123456 --lang en
expect_in last.out "^Error: The PIN is incorrect. \(pin_incorrect\)$" "wrong PIN message in English"
expect_rc 3 "wrong OTP" "$bin" acquire --server "$url" --ca-file ca-chain.pem --contract-id 00009876543 \
  --user-id riyousya --pin-file pin --otp 000000
expect_in last.out "\(otp_incorrect\)" "wrong OTP names its code"
expect_rc 4 "acquisition deadline passed" "$bin" acquire --server "$url" --ca-file ca-chain.pem --contract-id 00000000001 \
  --pin-file pin --otp 123456
expect_in last.out "取得期限を過ぎています。 \(acquisition_deadline_passed\)" "deadline message"
expect_rc 6 "a server the --ca-file does not trust" "$bin" acquire --server "$url" --ca-file stranger.pem \
  --contract-id 00009876543 --pin-file pin --otp 123456
expect_in last.out "--ca-file" "untrusted server message names --ca-file"
sed "s/^/     | /" last.out
expect_rc 6 "an unreachable server" "$bin" acquire --server "https://127.0.0.1:1" --ca-file ca-chain.pem \
  --contract-id 00009876543 --pin-file pin --otp 123456
expect_in last.out "サーバーに接続できません" "unreachable message"
expect_rc 2 "http:// is refused" "$bin" acquire --server "http://127.0.0.1:1" --ca-file ca-chain.pem \
  --contract-id 00009876543 --pin-file pin

# --- no terminal: missing inputs fail at once, never wait --------------------------------
expect_rc 2 "no PIN and no terminal" timeout 10 "$bin" acquire --server "$url" --ca-file ca-chain.pem \
  --contract-id 00009876543 --user-id riyousya --nssdb "$work/db2"
expect_in last.out "--pin-file" "missing PIN message names --pin-file"
expect_rc 2 "no OTP and no terminal" timeout 10 "$bin" acquire --server "$url" --ca-file ca-chain.pem \
  --contract-id 00009876543 --user-id riyousya --pin-file pin --nssdb "$work/db2"
expect_in last.out "--otp" "missing OTP message names --otp"
expect_rc 2 "no PKCS#12 password and no terminal" timeout 10 "$bin" acquire --server "$url" --ca-file ca-chain.pem \
  --contract-id 00009876543 --pin-file pin --otp 123456 --p12 other.p12
[ ! -e other.p12 ] && pass "nothing written without a PKCS#12 password" || fail "other.p12 written"
[ ! -e "$work/db2" ] && pass "no NSS database made on failure" || fail "db2 made on failure"

echo "kakuin-cert offline: $passes passed, $failures failed"
[ "$failures" = 0 ]
