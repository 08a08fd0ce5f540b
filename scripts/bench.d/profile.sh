# Sourced by scripts/bench: with EMPORIUM_BENCH_PROFILE=1, where the server's CPU goes during
# the 16-client run (issue 28's profile), from perf's samples of its process.
#
#   profile_start SERVER_PID SECONDS  starts `perf record -F 999 -g` on the server (installs
#                                     linux-perf when missing); a no-op without the variable
#   profile_report                    waits for it, then prints the top ten frames by their own
#                                     samples and each thread's share (the pollers, the
#                                     cooperative pool, NIO); the data stays in
#                                     $TMPDIR/emporium-bench-server.perf for `perf report -i`

profile_data="${TMPDIR:-/tmp}/emporium-bench-server.perf"
profile_pid=

profile_start() {
  [ "${EMPORIUM_BENCH_PROFILE:-0}" = 1 ] || return 0
  if ! command -v perf >/dev/null; then
    say "installing linux-perf (EMPORIUM_BENCH_PROFILE)"
    if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq linux-perf >/dev/null 2>&1 \
      || { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq linux-perf >/dev/null; }
  fi
  perf record -F 999 -g -p "$1" -o "$profile_data" -- sleep "$2" 2>"$profile_data.err" &
  profile_pid=$!
}

profile_report() {
  [ -n "$profile_pid" ] || return 0
  wait "$profile_pid" || { say "perf record failed: $(tail -1 "$profile_data.err")"; return 0; }
  say "the server's top ten frames by their own samples ($profile_data):"
  # awk reads perf's whole report and prints the first lines (head would end perf early).
  perf report -i "$profile_data" --no-children --sort symbol --stdio 2>/dev/null \
    | awk '/^ +[0-9.]+%/ && n++ < 10 { print "  " $1, substr($3, 1, 110) }' >&2
  say "the server's samples by thread:"
  perf report -i "$profile_data" --no-children --sort comm --stdio 2>/dev/null \
    | awk '/^ +[0-9.]+%/ && n++ < 6 { print "  " $1, $2 }' >&2
}
