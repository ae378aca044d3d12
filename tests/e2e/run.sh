#!/usr/bin/env bash
# The web screens in Debian's Chromium (playwright-core, headless) against the real server:
# the seeds' walkthroughs incl. certificate login with kakuin-cert-acquired certificates.
#   tests/e2e/run.sh [BUILD_DIR]      (default build/; needs web/dist and tests/e2e/node_modules)
# Screenshots of every step: test-output/e2e/. KAKUIN_E2E_DOCS=1 also refreshes docs/screens/.
# E2E_ONLY=bank,renewal,expiry runs only those of issue #5's flows after the seeds' steps.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build}"
export KAKUIN_BIN="$build/src/cli/kakuin" KAKUIN_BUILD_DIR="$build"
[ -f "$root/web/dist/index.html" ] || { echo "e2e: web/dist missing (scripts/build builds it)"; exit 1; }
[ -x /usr/bin/chromium ] || { echo "e2e: /usr/bin/chromium missing (scripts/setup installs it)"; exit 1; }
[ -d "$root/tests/e2e/node_modules/playwright-core" ] || { echo "e2e: run scripts/setup (npm ci)"; exit 1; }
export KAKUIN_WEB_DIR="$root/web/dist"
source "$root/tests/integration/lib.sh"

# Fixed free ports (the screens link :8443 <-> :8444 by the configured ports).
read -r P_HTTPS P_MTLS P_HTTP P_BANK < <(python3 -c '
import socket
ss=[socket.socket() for _ in range(4)]
for s in ss: s.bind(("127.0.0.1",0))
print(*[s.getsockname()[1] for s in ss])
for s in ss: s.close()')

POLICY_DIR=/etc/chromium/policies/managed
POLICY="$POLICY_DIR/kakuin-e2e-$$.json"
# renewal.mjs restarts the server (restartServer in lib.mjs): then stop its one.
e2e_cleanup() {
  rm -f "$POLICY"
  if [ -s "$T/e2e-server.pid" ]; then
    wait "$KK_PID" 2>/dev/null || true
    KK_PID="$(cat "$T/e2e-server.pid")"
  fi
  kk_cleanup
}
trap e2e_cleanup EXIT

kk_init
sed -i -E "s/^https = \"127\.0\.0\.1:0\"/https = \"127.0.0.1:$P_HTTPS\"/; s/^mtls = \"127\.0\.0\.1:0\"/mtls = \"127.0.0.1:$P_MTLS\"/; s/^http = \"127\.0\.0\.1:0\"/http = \"127.0.0.1:$P_HTTP\"/" "$D/kakuin.toml"
grep -q "^https = \"127.0.0.1:$P_HTTPS\"" "$D/kakuin.toml" || fail "could not set the ports"
# The back office's listener (issue #5); its staff (an operator and an approver) come from
# `kakuin demo` (demo-credentials.json "staff").
E2E_BANK_PORT=""
if grep -qE '^bank = "127\.0\.0\.1:[0-9]+"' "$D/kakuin.toml"; then
  sed -i -E "s/^bank = \"127\.0\.0\.1:[0-9]+\"/bank = \"127.0.0.1:$P_BANK\"/" "$D/kakuin.toml"
  E2E_BANK_PORT="$P_BANK"
else
  echo "e2e: no bank listener in the configuration: the back office steps are skipped"
fi
# A second contract with ID/PIN login (seed 004's administrator logs on by ID and PIN),
# registered through four eyes (lib.sh's staff kkop requests, kkap approves; the walkthrough's
# staff, madoguchi1 and shounin1 from kakuin demo, stay unused until the browser logs them on).
if grep -qE '^bank = ' "$D/kakuin.toml"; then
  kk_bank_staff
  kk_bank_apply contract create --contract-id 00001234567 --name "とちぎ商会株式会社" \
    --name-kana "ﾄﾁｷﾞｼｮｳｶｲ(ｶ" --login-method id-pin >"$T/idpin-contract.out" || fail "four-eyes contract create"
  # A certificate contract whose administrator only renewal.mjs uses (acquires in the past, renews).
  kk_bank_apply contract create --contract-id 00001234568 --name "こうしん工業株式会社" \
    --name-kana "ｺｳｼﾝｺｳｷﾞｮｳ(ｶ" --login-method certificate >"$T/renew-contract.out" || fail "four-eyes contract create (certificate)"
else
  "$KAKUIN" bank contract create --data "$D" --contract-id 00001234567 --name "とちぎ商会株式会社" \
    --name-kana "ﾄﾁｷﾞｼｮｳｶｲ(ｶ" --login-method id-pin >"$T/idpin-contract.out"
fi

# Chromium picks the certificate without a dialog on the certificate listener.
mkdir -p "$POLICY_DIR"
printf '{"AutoSelectCertificateForUrls": ["{\\"pattern\\":\\"https://127.0.0.1:%s\\",\\"filter\\":{}}"]}\n' "$P_MTLS" >"$POLICY"

# kakuin demo creates the demo contract; the test then serves it with the test clock (the
# server-side idle timeout at the end).
kk_start_demo
kk_stop
sed -i -E 's/^test_clock_allowed = false/test_clock_allowed = true/' "$D/kakuin.toml"
# The bank's own wording (configuration [wording]) replaces a standard screen text.
sed -i -E 's/^\[wording\]$/[wording]\nbankName = "お取引金融機関"/' "$D/kakuin.toml"
grep -q '^bankName = "お取引金融機関"' "$D/kakuin.toml" || fail "could not set the wording"
kk_start --test-clock
[ "$HTTPS_PORT" = "$P_HTTPS" ] && [ "$MTLS_PORT" = "$P_MTLS" ] || fail "ports differ from the configuration"
# renewal.mjs restarts it with --test-clock-offset, which needs --test-clock.
if "$KAKUIN" serve --data "$D" --test-clock-offset=-60 >"$T/offset.out" 2>&1; then fail "--test-clock-offset without --test-clock accepted"; fi
grep -q -- "--test-clock-offset needs --test-clock" "$T/offset.out" || fail "--test-clock-offset refusal: $(cat "$T/offset.out")"

out="$root/test-output/e2e"
rm -rf "$out"; mkdir -p "$out"
export E2E_DATA="$D" E2E_TMP="$T" E2E_OUT="$out" E2E_ROOT="$root" KAKUIN_CERT
export E2E_SERVER_PID="$KK_PID"
export E2E_HTTPS_PORT="$HTTPS_PORT" E2E_MTLS_PORT="$MTLS_PORT" E2E_HTTP_PORT="$HTTP_PORT" E2E_BANK_PORT
node "$root/tests/e2e/walkthrough.mjs" || fail "e2e walkthrough failed (screenshots in $out)"
if [ "${KAKUIN_E2E_DOCS:-0}" = 1 ]; then
  mkdir -p "$root/docs/screens"
  for f in "$out"/doc-*.png; do cp "$f" "$root/docs/screens/$(basename "$f" | sed 's/^doc-//')"; done
fi
echo "e2e: ok ($(ls "$out" | wc -l) screenshots in test-output/e2e)"
