#!/usr/bin/env bash
# `kakuin init`, `kakuin ca crl` and `kakuin ca ocsp` on a fresh data directory, checked with
# independent tools (openssl, GnuTLS certtool).
set -euo pipefail
KAKUIN="${KAKUIN_BIN:?}"
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
D="$T/data"

"$KAKUIN" init --data "$D" >"$T/init.out"
for f in kakuin.toml kakuin.db ca-chain.pem ca/root.crt.pem ca/issuing.crt.pem ca/ocsp.crt.pem \
         ca/tls-server.crt.pem secrets/ca.pass; do
  [ -s "$D/$f" ] || fail "init did not write $f"
done
for k in "$D"/ca/*.key.pem "$D/secrets/ca.pass" "$D/kakuin.toml"; do
  [ "$(stat -c %a "$k")" = 600 ] || fail "$k is not mode 0600"
done
for k in "$D"/ca/*.key.pem; do
  grep -q "BEGIN ENCRYPTED PRIVATE KEY" "$k" || fail "$k is not encrypted"
  if openssl pkey -in "$k" -passin pass:wrong -noout 2>/dev/null; then fail "$k opens with a wrong passphrase"; fi
  openssl pkey -in "$k" -passin "file:$D/secrets/ca.pass" -noout || fail "$k does not open with the passphrase"
done
grep -q "passphrase" "$D/kakuin.toml"
if grep -q "$(cat "$D/secrets/ca.pass")" "$D/kakuin.toml"; then fail "the passphrase is in the config"; fi

# The chain and the TLS server certificate verify with independent tools.
openssl verify -x509_strict -CAfile "$D/ca/root.crt.pem" "$D/ca/issuing.crt.pem" >/dev/null
openssl verify -x509_strict -purpose sslserver -CAfile "$D/ca-chain.pem" "$D/ca/tls-server.crt.pem" >/dev/null \
  || fail "TLS server certificate does not verify"
openssl x509 -in "$D/ca/tls-server.crt.pem" -noout -ext subjectAltName | grep -q "DNS:localhost" \
  || fail "TLS server certificate lacks DNS:localhost"
cat "$D/ca/tls-server.crt.pem" "$D/ca/issuing.crt.pem" "$D/ca/root.crt.pem" >"$T/tls-chain.pem"
certtool --verify-chain --infile "$T/tls-chain.pem" >"$T/certtool.out" 2>&1 || { cat "$T/certtool.out"; fail "certtool"; }

# A second init refuses and changes nothing.
before="$(sha256sum "$D/kakuin.toml" "$D/ca/root.crt.pem")"
if "$KAKUIN" init --data "$D" 2>"$T/init2.err"; then fail "second init succeeded"; fi
grep -q "初期化済み" "$T/init2.err" || fail "second init: no clear message"
[ "$before" = "$(sha256sum "$D/kakuin.toml" "$D/ca/root.crt.pem")" ] || fail "second init changed files"

# CRL: signed by the issuing CA, empty, CRL numbers increase.
"$KAKUIN" ca crl --data "$D" --out "$T/crl1.der" >/dev/null
"$KAKUIN" ca crl --data "$D" --out "$T/crl2.der" >/dev/null
openssl crl -inform DER -in "$T/crl1.der" -CAfile "$D/ca/issuing.crt.pem" -verify -noout 2>&1 | grep -q "verify OK" \
  || fail "CRL signature"
openssl crl -inform DER -in "$T/crl1.der" -noout -text >"$T/crl1.txt"
grep -q "No Revoked Certificates" "$T/crl1.txt" || fail "fresh CRL is not empty"
n1="$(openssl crl -inform DER -in "$T/crl1.der" -noout -crlnumber | sed 's/.*=//')"
n2="$(openssl crl -inform DER -in "$T/crl2.der" -noout -crlnumber | sed 's/.*=//')"
[ $((n2)) -gt $((n1)) ] || fail "CRL number did not increase ($n1 -> $n2)"
certtool --crl-info --inder --infile "$T/crl1.der" >/dev/null || fail "certtool --crl-info"

# OCSP: an unknown serial is "unknown", the response verifies with the OCSP signer.
openssl ocsp -issuer "$D/ca/issuing.crt.pem" -serial 0x1234ABCD -reqout "$T/req.der" >/dev/null 2>&1
"$KAKUIN" ca ocsp --data "$D" --request "$T/req.der" --out "$T/resp.der" >/dev/null
# (-serial makes openssl build a new request with a fresh nonce: -no_nonce, and the echo of
# our request's nonce is compared below.)
openssl ocsp -no_nonce -respin "$T/resp.der" -issuer "$D/ca/issuing.crt.pem" -serial 0x1234ABCD \
  -VAfile "$D/ca/ocsp.crt.pem" -CAfile "$D/ca-chain.pem" >"$T/ocsp.out" 2>&1 || { cat "$T/ocsp.out"; fail "OCSP verify"; }
grep -q "Response verify OK" "$T/ocsp.out" || fail "OCSP response did not verify"
grep -q "0x1234ABCD: unknown" "$T/ocsp.out" || { cat "$T/ocsp.out"; fail "unknown serial not unknown"; }
req_nonce="$(openssl ocsp -reqin "$T/req.der" -req_text 2>/dev/null | grep -A1 "OCSP Nonce" | tail -1 | tr -d ' ')"
resp_nonce="$(openssl ocsp -respin "$T/resp.der" -resp_text -noverify 2>/dev/null | grep -A1 "OCSP Nonce" | tail -1 | tr -d ' ')"
[ -n "$req_nonce" ] && [ "$req_nonce" = "$resp_nonce" ] || fail "nonce not echoed ($req_nonce / $resp_nonce)"

# Bad input: garbage OCSP request gets a malformedRequest answer, a missing file a clear error.
head -c 100 /dev/urandom >"$T/garbage.der"
"$KAKUIN" ca ocsp --data "$D" --request "$T/garbage.der" --out "$T/bad.der" >/dev/null
openssl ocsp -respin "$T/bad.der" -resp_text >"$T/bad.txt" 2>&1 || true
grep -qi "malformedrequest" "$T/bad.txt" || fail "garbage request not malformedRequest"
if "$KAKUIN" ca ocsp --data "$D" --request "$T/missing.der" --out "$T/x.der" 2>"$T/missing.err"; then fail "missing file"; fi
grep -q "invalid_request" "$T/missing.err" || fail "missing file: no error code"

# A data directory without a config is a clear error, not a crash.
if "$KAKUIN" ca crl --data "$T/nowhere" --out "$T/x.der" 2>"$T/nocfg.err"; then fail "crl without config"; fi
grep -q "config_invalid" "$T/nocfg.err" || fail "crl without config: no error code"
echo "cli init/ca: ok"
