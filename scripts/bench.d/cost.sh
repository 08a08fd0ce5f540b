# Sourced by scripts/bench: the CPU and the context switches a run costs, per process, read
# from /proc around it, so that a figure per order names where the time went.
#
#   cost_mark SERVER_PID            prints "server_ticks server_switches pg_ticks pg_switches"
#   cost_per_order BEFORE AFTER N   prints "server_ms pg_ms server_switches pg_switches" per order
#
# The server's switches are the sum over every thread (/proc/PID/task/*/status: the
# process's own status counts its main thread only). PostgreSQL's are the postmaster's
# children's (the backends, which live as long as the pool's connections), and its CPU
# includes the children that ended meanwhile (the postmaster's cutime and cstime).

ticks_of() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
switches_of() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ { s += $2 } END { print s + 0 }'; }

postmaster_pid() {
  head -n 1 "$(psql -tA "$DATABASE_URL" -c "SHOW data_directory")/postmaster.pid"
}

cost_mark() {
  local server=$1 pm ticks=0 switches=0 child
  pm=$(postmaster_pid)
  for child in $(cat /proc/"$pm"/task/*/children 2>/dev/null); do
    ticks=$((ticks + $(ticks_of "$child")))
    switches=$((switches + $(switches_of "$child")))
  done
  ticks=$((ticks + $(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$pm/stat")))
  echo "$(ticks_of "$server") $(switches_of "$server") $ticks $switches"
}

cost_per_order() {
  local hz
  hz=$(getconf CLK_TCK)
  awk -v b="$1" -v a="$2" -v n="$3" -v hz="$hz" 'BEGIN {
    split(b, x, " "); split(a, y, " ")
    if (n + 0 == 0) { print "0 0 0 0"; exit }
    printf "%.2f %.2f %.0f %.0f\n", (y[1] - x[1]) * 1000 / hz / n, (y[3] - x[3]) * 1000 / hz / n, (y[2] - x[2]) / n, (y[4] - x[4]) / n
  }'
}
