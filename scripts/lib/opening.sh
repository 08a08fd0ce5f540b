# The opening every script shares. Source it first, naming the script for its messages:
#   source "$(dirname "${BASH_SOURCE[0]}")/lib/opening.sh" chaos
# Then the script stops at its first failure (set -euo pipefail), runs in the repository's
# root, and has:
#   say MESSAGE…              "chaos: MESSAGE" on stderr
#   needs_postgres            PostgreSQL and libpq installed when missing (scripts/db install); sets $pgbin
#   psql ARGS…                PostgreSQL's psql, quiet, stopping at the first error
#   sql STATEMENT             one statement on $db_url, its rows as plain text
#   wait_healthy URL [TRIES]  returns once URL answers 2xx (every 0.1 s; 100 tries), else fails
#   needs_otlp_decoder        opentelemetry-proto (PyPI, pinned) installed when missing, for
#                             deploy/traces/receiver.py's decoding
set -euo pipefail
opening_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$opening_root"
script_name=${1:?scripts/lib/opening.sh takes the script\'s name}
say() { echo "$script_name: $*" >&2; }
needs_postgres() {
  scripts/db install
  pgbin=$(ls -d /usr/lib/postgresql/*/bin | tail -n 1)
}
needs_otlp_decoder() {
  python3 -c 'import opentelemetry.proto' 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check 'opentelemetry-proto==1.45.2' >&2
}
psql() { "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }
sql() { psql "$db_url" -tAc "$1"; }
wait_healthy() {
  local tries=${2:-100}
  for _ in $(seq 1 "$tries"); do
    curl -sf "$1" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}
