#!/usr/bin/env bash
# Holds kakuin_pki's certificates, CRLs and OCSP responses against independent
# implementations: OpenSSL, GnuTLS certtool and NSS certutil.
# Needs KAKUIN_PKI_TESTTOOL (set by ctest) or a build dir in KAKUIN_BUILD_DIR.
set -euo pipefail

tool="${KAKUIN_PKI_TESTTOOL:-${KAKUIN_BUILD_DIR:-build}/tests/integration/pki_testtool}"
[ -x "$tool" ] || { echo "FAIL: pki_testtool not found at $tool (build target pki_testtool)" >&2; exit 1; }
tool="$(realpath "$tool")"
for t in openssl certtool certutil; do
  command -v "$t" >/dev/null || { echo "FAIL: $t is not installed (scripts/setup installs it)" >&2; exit 1; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
export KAKUIN_CA_PASSPHRASE="interop test passphrase"

failures=0
passes=0
pass() { passes=$((passes + 1)); echo "ok   $*"; }
fail() { failures=$((failures + 1)); echo "FAIL $*" >&2; }
# check DESCRIPTION COMMAND...: runs the command, its output kept in $work/last.out.
check() {
  local what="$1"; shift
  if "$@" >"$work/last.out" 2>&1; then pass "$what"; else fail "$what"; sed 's/^/     | /' "$work/last.out" >&2; fi
}
# expect_in FILE PATTERN DESCRIPTION: FILE must contain the (extended regex) PATTERN.
expect_in() {
  if grep -Eq -- "$2" "$1"; then pass "$3"; else fail "$3 (no /$2/ in output)"; sed 's/^/     | /' "$1" >&2; fi
}

ca="$work/ca"
check "create CA hierarchy" "$tool" init "$ca" --org "Kakuin Interop Bank"
[ "$(stat -c %a "$ca/issuing.key.pem")" = 600 ] && pass "issuing key is mode 0600" || fail "issuing key mode"
if openssl pkey -in "$ca/issuing.key.pem" -passin pass:wrong -noout >/dev/null 2>&1; then
  fail "issuing key opened with a wrong passphrase"
else
  pass "issuing key needs its passphrase"
fi
check "openssl decrypts the key with the passphrase" \
  openssl pkey -in "$ca/issuing.key.pem" -passin env:KAKUIN_CA_PASSPHRASE -noout
check "issuing CA verifies against root" openssl verify -x509_strict -CAfile "$ca/root.crt.pem" "$ca/issuing.crt.pem"
check "OCSP signer verifies" openssl verify -x509_strict -purpose ocsphelper -CAfile "$ca/root.crt.pem" \
  -untrusted "$ca/issuing.crt.pem" "$ca/ocsp.crt.pem"
check "TLS server cert verifies for sslserver" openssl verify -x509_strict -purpose sslserver \
  -CAfile "$ca/root.crt.pem" "$ca/tls-server.crt.pem"

nss="$work/nssdb"
mkdir "$nss"
check "NSS db" certutil -N --empty-password -d "sql:$nss"
check "NSS trusts root" certutil -A -d "sql:$nss" -n kakuin-root -t "CT,C,C" -i "$ca/root.crt.pem"
check "NSS trusts issuing CA" certutil -A -d "sql:$nss" -n kakuin-issuing -t "CT,C,C" -i "$ca/issuing.crt.pem"

n=0
for kt in rsa2048 rsa3072 rsa4096 p256 p384; do
  n=$((n + 1))
  case "$kt" in
    rsa*) keyopt=(-newkey "rsa:${kt#rsa}") ;;
    p256) keyopt=(-newkey ec -pkeyopt ec_paramgen_curve:P-256) ;;
    p384) keyopt=(-newkey ec -pkeyopt ec_paramgen_curve:P-384) ;;
  esac
  # The CSR asks for a CA certificate in another name: both must be ignored.
  openssl req -new "${keyopt[@]}" -nodes -keyout "$kt.key" -out "$kt.csr" -subj "/CN=Evil CA/O=Evil" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "subjectAltName=DNS:evil.example" 2>/dev/null
  cn="00009876543 user${n} 100${n}"
  serial="0A0${n}"
  check "$kt: issue" "$tool" issue "$ca" "$kt.csr" "$kt.pem" --cn "$cn" --serial "$serial" --days 365
  openssl x509 -in "$kt.pem" -noout -text >"$kt.txt"
  expect_in "$kt.txt" "Subject: O ?= ?Kakuin Interop Bank, OU ?= ?user, CN ?= ?$cn" "$kt: subject from the request"
  expect_in "$kt.txt" "Serial Number: ?(0A:0${n}|$((16#0A0${n})) \\(0x)" "$kt: serial"
  if grep -q -e "Evil" -e "CA:TRUE" -e "evil.example" "$kt.txt"; then fail "$kt: CSR subject/extensions leaked"; else pass "$kt: CSR subject/extensions ignored"; fi
  expect_in "$kt.txt" "TLS Web Client Authentication" "$kt: clientAuth"
  expect_in "$kt.txt" "URI:http://localhost:8080/crl" "$kt: CRL distribution point"
  expect_in "$kt.txt" "OCSP - URI:http://localhost:8080/ocsp" "$kt: OCSP AIA"

  check "$kt: openssl verify -x509_strict -purpose sslclient" openssl verify -x509_strict -purpose sslclient \
    -CAfile "$ca/root.crt.pem" -untrusted "$ca/issuing.crt.pem" "$kt.pem"
  cat "$kt.pem" "$ca/issuing.crt.pem" "$ca/root.crt.pem" >"$kt.chain.pem"
  check "$kt: certtool --verify-chain" certtool --verify-chain --infile "$kt.chain.pem"
  expect_in "$work/last.out" "Chain verification output: Verified" "$kt: GnuTLS says Verified"
  check "$kt: NSS import" certutil -A -d "sql:$nss" -n "leaf-$kt" -t ",," -i "$kt.pem"
  check "$kt: certutil -V -u C" certutil -V -u C -n "leaf-$kt" -d "sql:$nss"
  expect_in "$work/last.out" "certificate is valid" "$kt: NSS says valid"
done

# Refused CSRs come back with their own error codes.
openssl req -new -newkey rsa:1024 -nodes -keyout weak.key -out weak.csr -subj "/CN=x" 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:secp256k1 -nodes -keyout k1.key -out k1.csr -subj "/CN=x" 2>/dev/null
{ cat p256.csr; echo "junk"; } >trailing.csr
head -c 3000 /dev/urandom >garbage.csr
for case in "weak.csr key_too_weak" "k1.csr key_not_allowed" "trailing.csr csr_trailing_data" "garbage.csr csr_invalid"; do
  set -- $case
  if "$tool" issue "$ca" "$1" bad.pem --cn x --serial 0F >bad.out 2>&1; then
    fail "$1 was accepted"
  else
    expect_in bad.out "error: $2:" "$1 refused with $2"
  fi
done

# CRL: exactly the revoked serials with their reasons.
cat >revoked.txt <<'LIST'
0A01 keyCompromise
0A02 superseded
0A03 unspecified
0A04 privilegeWithdrawn
0A05 cessationOfOperation
7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF affiliationChanged
LIST
check "make CRL" "$tool" crl "$ca" revoked.txt crl.der --number 17
openssl crl -inform DER -in crl.der -text -noout >crl.txt
awk '/Serial Number:/ {s=$3} /CRL Reason Code/ {getline; gsub(/^ +| +$/, ""); r[s]=$0}
     /Serial Number:/ {seen[s]=1}
     END {for (k in seen) print k, (k in r ? r[k] : "-")}' crl.txt | sort >crl.got
cat >crl.want <<'WANT'
0A01 Key Compromise
0A02 Superseded
0A03 -
0A04 Privilege Withdrawn
0A05 Cessation Of Operation
7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF Affiliation Changed
WANT
if diff -u crl.want crl.got >crl.diff; then pass "CRL lists exactly the revoked serials and reasons"; else fail "CRL entries"; cat crl.diff >&2; fi
expect_in crl.txt "X509v3 CRL Number: *$" "CRL has a CRL number"
grep -A1 "X509v3 CRL Number" crl.txt | grep -q "^ *17$" && pass "CRL number is 17" || fail "CRL number"
expect_in crl.txt "Version 2" "CRL is v2"
expect_in crl.txt "Issuer: O ?= ?Kakuin Interop Bank, CN ?= ?Kakuin Interop Bank Issuing CA 1" "CRL issuer is the issuing CA"
check "openssl crl -verify" openssl crl -inform DER -in crl.der -noout -verify -CAfile "$ca/issuing.crt.pem"
expect_in "$work/last.out" "verify OK" "openssl says the CRL signature is OK"
check "certtool --crl-info" certtool --crl-info --inder --infile crl.der
expect_in "$work/last.out" "Revoked certificates \\(6\\)" "certtool counts 6 revoked"
openssl crl -inform DER -in crl.der -out crl.pem
check "certtool --verify-crl" certtool --verify-crl --load-ca-certificate "$ca/issuing.crt.pem" --infile crl.pem
check "openssl verify -crl_check with the CRL (0A01 is revoked)" bash -c \
  "! openssl verify -crl_check -CAfile '$ca/root.crt.pem' -untrusted '$ca/issuing.crt.pem' -CRLfile crl.pem rsa2048.pem"
expect_in "$work/last.out" "certificate revoked" "openssl reports rsa2048 cert revoked by the CRL"

# OCSP: good, revoked (with reason and time), unknown; nonce echoed when sent.
revtime=$(( $(date +%s) - 3600 ))
cat >status.txt <<STATUS
0A04 good
0A05 revoked keyCompromise $revtime
STATUS
ocsp_case() {  # NAME CERT EXPECT NONCE(nonce|no_nonce) DIGEST(sha1|sha256)
  local name="$1" cert="$2" want="$3" nonce="$4" md="$5"
  local reqflags=()
  [ "$nonce" = no_nonce ] && reqflags+=(-no_nonce)
  # openssl wants the CertID digest before -cert.
  check "OCSP $name: request" openssl ocsp -"$md" -issuer "$ca/issuing.crt.pem" -cert "$cert" -reqout "$name.req" "${reqflags[@]}"
  check "OCSP $name: answer" "$tool" ocsp "$ca" "$name.req" "$name.resp" status.txt
  # With -reqin (and no -cert, which would make openssl build a new request) openssl checks the nonce.
  check "OCSP $name: openssl ocsp -VAfile verifies (nonce checked)" openssl ocsp -reqin "$name.req" -respin "$name.resp" \
    -VAfile "$ca/ocsp.crt.pem" -CAfile "$ca/chain.pem"
  expect_in "$work/last.out" "Response verify OK" "OCSP $name: signature verified"
  if [ "$nonce" = nonce ]; then
    if grep -q "WARNING" "$work/last.out"; then fail "OCSP $name: nonce not echoed"; sed 's/^/     | /' "$work/last.out" >&2; else pass "OCSP $name: nonce echoed"; fi
  else
    openssl ocsp -respin "$name.resp" -resp_text -noverify >"$name.text" 2>&1 || true
    if grep -q "OCSP Nonce" "$name.text"; then fail "OCSP $name: nonce in response though none was asked"; else pass "OCSP $name: no nonce when none was asked"; fi
  fi
  check "OCSP $name: status" openssl ocsp -respin "$name.resp" -VAfile "$ca/ocsp.crt.pem" -CAfile "$ca/chain.pem" \
    -no_nonce -"$md" -issuer "$ca/issuing.crt.pem" -cert "$cert"
  cp "$work/last.out" "$name.out"
  expect_in "$name.out" "$cert: $want" "OCSP $name: status $want"
  # Without -VAfile: OpenSSL checks the delegated responder chain (EKU OCSPSigning, issued by the CA).
  check "OCSP $name: delegated responder verifies" openssl ocsp -respin "$name.resp" \
    -CAfile "$ca/root.crt.pem" -verify_other "$ca/issuing.crt.pem" -no_nonce -"$md" -issuer "$ca/issuing.crt.pem" -cert "$cert"
  expect_in "$work/last.out" "Response verify OK" "OCSP $name: delegated signature verified"
  expect_in "$work/last.out" "$cert: $want" "OCSP $name: delegated status $want"
}
ocsp_case good p256.pem good nonce sha1
ocsp_case good-nononce p256.pem good no_nonce sha1
ocsp_case revoked p384.pem revoked nonce sha1
expect_in revoked.out "Reason: keyCompromise" "OCSP revoked: reason keyCompromise"
expect_in revoked.out "Revocation Time: $(LC_ALL=C TZ=UTC date -d "@$revtime" '+%b %e %H:%M:%S %Y GMT' | sed 's/  / +/')" "OCSP revoked: revocation time"
ocsp_case unknown rsa2048.pem unknown nonce sha1
ocsp_case sha256 p256.pem good nonce sha256

# A malformed request gets a malformedRequest response, not a crash.
head -c 100 /dev/urandom >garbage.req
check "OCSP malformed: answer" "$tool" ocsp "$ca" garbage.req garbage.resp status.txt
openssl ocsp -respin garbage.resp -resp_text -noverify >garbage.out 2>&1 || true
expect_in garbage.out "malformedrequest" "OCSP malformed: malformedRequest status"

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
