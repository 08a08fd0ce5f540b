# The shop for a script's run (scripts/chaos, scripts/restore-drill, scripts/exhaust). Needs
# scripts/lib/opening.sh, $bin (the emporium binary), $http (its port on 127.0.0.1), $work (a
# scratch folder) and $db_url.

# start_server [URL [SERVE-OPTIONS…]]: serves URL (default: $db_url), logging to
# $work/server.log, and returns once /health answers; sets server_pid.
start_server() {
  "$bin" serve --database-url "${1:-$db_url}" --port "$http" --log-level error "${@:2}" >>"$work/server.log" 2>&1 &
  server_pid=$!
  wait_healthy "http://127.0.0.1:$http/health" && return 0
  say "the server did not start"; tail -n 30 "$work/server.log" >&2; exit 1
}

stop_server() { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; server_pid=; }
