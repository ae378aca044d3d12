#!/usr/bin/env bash
# `kakuin serve`: the plain-HTTP listener answers GET /crl and OCSP (POST and RFC 6960 A.1 GET)
# checked with openssl and curl; each listener serves only its routes; ports.json; SIGTERM.
source "$(dirname "$0")/lib.sh"
kk_init
kk_start

# ports.json names the three listeners, each bound to a real port.
for p in "$HTTPS_PORT" "$MTLS_PORT" "$HTTP_PORT"; do [ "$p" -gt 0 ] || fail "port $p"; done
grep -q "event=listening listener=http " "$T/server.log" || fail "bound ports are not logged"

# CRL over HTTP: DER, signed by the issuing CA, cached (same CRL number on a second GET).
code="$(curl -sS -o "$T/crl.der" -w '%{http_code} %{content_type}' "$PLAIN/crl")"
[ "$code" = "200 application/pkix-crl" ] || fail "GET /crl: $code"
openssl crl -inform DER -in "$T/crl.der" -CAfile "$D/ca/issuing.crt.pem" -verify -noout 2>&1 | grep -q "verify OK" \
  || fail "CRL signature"
n1="$(openssl crl -inform DER -in "$T/crl.der" -noout -crlnumber)"
curl -sS -o "$T/crl2.der" "$PLAIN/crl"
n2="$(openssl crl -inform DER -in "$T/crl2.der" -noout -crlnumber)"
[ "$n1" = "$n2" ] || fail "CRL regenerated on every request ($n1, $n2)"

# OCSP POST with openssl's own client: an unknown serial is "unknown", signed by the responder.
openssl ocsp -issuer "$D/ca/issuing.crt.pem" -serial 0x1234ABCD -url "$PLAIN/ocsp" \
  -VAfile "$D/ca/ocsp.crt.pem" -CAfile "$D/ca-chain.pem" >"$T/ocsp.out" 2>&1 || { cat "$T/ocsp.out"; fail "openssl ocsp -url"; }
grep -q "0x1234ABCD: unknown" "$T/ocsp.out" || { cat "$T/ocsp.out"; fail "OCSP status"; }
grep -q "Response verify OK" "$T/ocsp.out" || { cat "$T/ocsp.out"; fail "OCSP signature"; }

# OCSP GET: /ocsp/<url-encoded base64 of the DER request> (RFC 6960 appendix A.1).
openssl ocsp -issuer "$D/ca/issuing.crt.pem" -serial 0x42 -no_nonce -reqout "$T/req.der" >/dev/null 2>&1
b64="$(base64 -w0 "$T/req.der" | sed 's|+|%2B|g; s|/|%2F|g; s|=|%3D|g')"
code="$(curl -sS -o "$T/resp.der" -w '%{http_code} %{content_type}' "$PLAIN/ocsp/$b64")"
[ "$code" = "200 application/ocsp-response" ] || fail "GET /ocsp: $code"
openssl ocsp -respin "$T/resp.der" -resp_text -noverify >"$T/resp.txt" 2>&1
grep -q "Cert Status: unknown" "$T/resp.txt" || { cat "$T/resp.txt"; fail "GET OCSP status"; }
# Unescaped base64 with '/' in the path works too.
b64raw="$(base64 -w0 "$T/req.der")"
code="$(curl -sS -o /dev/null -w '%{http_code}' --path-as-is "$PLAIN/ocsp/$b64raw")"
[ "$code" = 200 ] || fail "GET /ocsp raw base64: $code"

# Bad input: not base64 -> problem ocsp_request_invalid; garbage POST -> malformedRequest.
code="$(curl -sS -o "$T/body" -w '%{http_code}' "$PLAIN/ocsp/not*base64")"
[ "$code" = 400 ] && grep -q ocsp_request_invalid "$T/body" || fail "bad base64: $code $(cat "$T/body")"
printf 'garbage' >"$T/garbage"
code="$(curl -sS -o "$T/bad.der" -w '%{http_code}' -H 'Content-Type: application/ocsp-request' --data-binary @"$T/garbage" "$PLAIN/ocsp")"
[ "$code" = 200 ] || fail "garbage OCSP POST: $code"
openssl ocsp -respin "$T/bad.der" -resp_text -noverify >"$T/bad.txt" 2>&1 || true
grep -qi "malformedrequest" "$T/bad.txt" || fail "garbage: not malformedRequest: $(cat "$T/bad.txt")"
# Over the size limit: refused before the body is read whole.
head -c 20000 /dev/zero >"$T/big"
code="$(curl -sS -o /dev/null -w '%{http_code}' -H 'Content-Type: application/ocsp-request' --data-binary @"$T/big" "$PLAIN/ocsp")"
[ "$code" = 413 ] || fail "oversized OCSP POST: $code"

# Each listener serves only its routes.
code="$(curl -sS -o /dev/null -w '%{http_code}' "$PLAIN/api/v1/users")"
[ "$code" = 404 ] || fail "API on :8080: $code"
code="$(curl -sS -o /dev/null -w '%{http_code}' --cacert "$D/ca-chain.pem" "$HTTPS/crl")"
[ "$code" = 404 ] || fail "/crl on https: $code"

# Graceful stop on SIGTERM: exit status 0 and a log line.
kill -TERM "$KK_PID"
wait "$KK_PID" || fail "serve exited non-zero after SIGTERM"
KK_PID=""
grep -q "event=stopped" "$T/server.log" || fail "no stop log"
echo "ok: server PKI endpoints"
