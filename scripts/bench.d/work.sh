# Sourced by scripts/bench: the work PostgreSQL does, counted by PostgreSQL itself, read
# before and after a run and divided by the orders it completed. Counts are not noisy the
# way timings are: the same order costs the same statements on any machine.
#
#   work_ready DB               resets pg_stat_statements (the extension made in DB if missing)
#   work_mark DB                prints "statements xacts wal_records wal_bytes wal_fpi ins upd hot idx_scans"
#   work_per_order BEFORE AFTER N
#                               prints the same per order (wal_bytes in bytes)
#   work_top DB N               the N statements that took the most time since work_ready
#
# Statements come from pg_stat_statements with track = all (statements inside functions
# count, BEGIN and COMMIT too), so it needs shared_preload_libraries: scripts/bench gives
# itself a cluster of its own for that (work_cluster), and the shop never needs it.
# Transactions are pg_stat_database.xact_commit; WAL is pg_stat_wal (the cluster's, which
# is the benchmark's alone); rows and index scans are pg_stat_user_tables. Backends report
# those last three when they go idle, at most once a second, so a mark waits for that.

# Loads pg_stat_statements into the running cluster (restarting it once) unless it is loaded.
work_cluster() {
  local url=$1
  if ! psql -tA "$url" -c "SHOW shared_preload_libraries" | grep -q pg_stat_statements; then
    say "loading pg_stat_statements into the benchmark's cluster (one restart)"
    psql "$url" -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'" >/dev/null
    scripts/db stop >/dev/null 2>&1
    scripts/db start
  fi
  # Its settings exist once it is loaded.
  if [ "$(psql -tA "$url" -c "SHOW pg_stat_statements.track")" != all ]; then
    psql "$url" -c "ALTER SYSTEM SET pg_stat_statements.track = 'all'" -c "SELECT pg_reload_conf()" >/dev/null
  fi
}

work_ready() {
  psql "$server/$1" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" -c "SELECT pg_stat_statements_reset()" >/dev/null
}

work_mark() {
  sleep 1.5  # the backends' pending counters reach the shared ones when idle, at most once a second
  psql -tA -F' ' "$server/$1" -c "
    SELECT (SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE dbid = d.oid),
           (SELECT xact_commit FROM pg_stat_database WHERE datid = d.oid),
           w.wal_records, w.wal_bytes, w.wal_fpi,
           (SELECT coalesce(sum(n_tup_ins), 0) FROM pg_stat_user_tables),
           (SELECT coalesce(sum(n_tup_upd), 0) FROM pg_stat_user_tables),
           (SELECT coalesce(sum(n_tup_hot_upd), 0) FROM pg_stat_user_tables),
           (SELECT coalesce(sum(idx_scan), 0) FROM pg_stat_user_tables)
      FROM pg_database d, pg_stat_wal w WHERE d.datname = current_database()"
}

work_per_order() {
  awk -v b="$1" -v a="$2" -v n="$3" 'BEGIN {
    split(b, x, " "); split(a, y, " ")
    if (n + 0 == 0) { print "0 0 0 0 0 0 0 0 0"; exit }
    for (i = 1; i <= 9; i++) printf "%.1f%s", (y[i] - x[i]) / n, (i < 9 ? " " : "\n")
  }'
}

work_top() {
  psql "$server/$1" -c "
    SELECT calls, round(total_exec_time::numeric, 0) AS total_ms, round(mean_exec_time::numeric, 3) AS mean_ms,
           left(regexp_replace(query, '\s+', ' ', 'g'), 110) AS query
      FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
     ORDER BY total_exec_time DESC LIMIT $2"
}
