# PostgreSQL helpers for the integration tests. Source it AFTER lib.sh:
#   pg_start      # a throwaway cluster (scripts/pg-test-cluster); $PG_URL set
#   pg_new_db N   # prints the URL of a new empty database named N
# The cluster stops on exit (success or failure) together with lib.sh's cleanup.
PG_DIR=""
PG_URL=""
pg_stop() {
  if [ -n "$PG_DIR" ]; then "$KAKUIN_SOURCE_DIR/scripts/pg-test-cluster" stop "$PG_DIR" || true; fi
  PG_DIR=""
}
pg_cleanup() { kk_cleanup; pg_stop; }
trap pg_cleanup EXIT

pg_start() {
  local out
  out="$("$KAKUIN_SOURCE_DIR/scripts/pg-test-cluster" start --owner-pid $$)" || fail "pg-test-cluster start"
  PG_URL="$(sed -n 's/^KAKUIN_PG_URL=//p' <<<"$out")"
  PG_DIR="$(sed -n 's/^KAKUIN_PG_DIR=//p' <<<"$out")"
  [ -n "$PG_URL" ] && [ -n "$PG_DIR" ] || fail "pg-test-cluster printed: $out"
}

pg_new_db() {
  psql -q -X -v ON_ERROR_STOP=1 "$PG_URL" -c "CREATE DATABASE $1" >/dev/null || fail "CREATE DATABASE $1"
  printf '%s\n' "${PG_URL%/*}/$1"
}

# pg_use_store DIR URL: points DIR/kakuin.toml's store.url at URL.
pg_use_store() {
  sed -i -E "s|^url = \"sqlite:[^\"]*\"|url = \"$2\"|" "$1/kakuin.toml"
  grep -q "^url = \"$2\"" "$1/kakuin.toml" || fail "could not set store.url in $1"
}
