# Shared by scripts/backup, scripts/restore and scripts/restore-drill: where the cluster, the
# pgBackRest configuration and its repository are, and how to run pgbackrest on them.
pgdata=$(scripts/db dir)
port=${EMPORIUM_PG_PORT:-54329}
stanza=emporium
conf="$pgdata/pgbackrest/pgbackrest.conf"
repo=${EMPORIUM_BACKUP_REPO:-$pgdata/pgbackrest/repo}
# Looked up when used: on a fresh machine PostgreSQL is installed only by ensure_configured.
pgbin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -n 1; }

log() { echo "backup: $*" >&2; }
# Seconds (one decimal) since $1, a `date +%s.%N`.
seconds_since() { awk -v s="$1" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }'; }
# PostgreSQL (and so pgbackrest, which reads its files) runs as the postgres user under root.
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
backrest() { as_owner pgbackrest --config="$conf" --stanza="$stanza" "$@"; }
sql_on() { "$(pgbin)/psql" -X -q -v ON_ERROR_STOP=1 "postgresql://emporium@127.0.0.1:$1/postgres" -tAc "$2"; }

ensure_pgbackrest() {
  command -v pgbackrest >/dev/null && return
  log "installing pgbackrest"
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq pgbackrest >/dev/null 2>&1 \
    || { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq pgbackrest >/dev/null; }
}

# The configuration (written every time: it is derived from the paths above), WAL archiving
# and a Unix socket for pgbackrest (the cluster listens on 127.0.0.1 only otherwise; the
# socket is in a folder only its owner can enter), and the stanza. Setting up archiving
# restarts the cluster once.
ensure_configured() {
  ensure_pgbackrest
  scripts/db start
  mkdir -p "$pgdata/pgbackrest/log" "$pgdata/pgbackrest/lock" "$pgdata/pgbackrest/socket" "$repo"
  [ "$(id -u)" -eq 0 ] && chown -R postgres: "$pgdata/pgbackrest" "$repo"
  chmod 700 "$pgdata/pgbackrest/socket"
  cat > "$conf" <<CONF
# Written by scripts/backup; edits are overwritten.
[global]
repo1-path=$repo
repo1-retention-full=2
log-path=$pgdata/pgbackrest/log
lock-path=$pgdata/pgbackrest/lock
log-level-console=warn
log-level-file=info
compress-type=lz4
start-fast=y
process-max=2

[$stanza]
pg1-path=$pgdata/cluster
pg1-port=$port
pg1-socket-path=$pgdata/pgbackrest/socket
pg1-user=emporium
CONF
  [ "$(id -u)" -eq 0 ] && chown postgres: "$conf"
  local command="pgbackrest --config=$conf --stanza=$stanza archive-push %p"
  if [ "$(sql_on "$port" "SHOW archive_mode")" != on ] || [ "$(sql_on "$port" "SHOW archive_command")" != "$command" ]; then
    log "setting up WAL archiving (restarts the cluster once)"
    sql_on "$port" "ALTER SYSTEM SET archive_mode = on" >/dev/null
    sql_on "$port" "ALTER SYSTEM SET archive_command = '$command'" >/dev/null
    # At most a minute of commits only in a WAL segment not yet archived: the recovery point.
    sql_on "$port" "ALTER SYSTEM SET archive_timeout = '60s'" >/dev/null
    sql_on "$port" "ALTER SYSTEM SET unix_socket_directories = '$pgdata/pgbackrest/socket'" >/dev/null
    # Commit times, so that a drill can say which orders a point in time keeps.
    sql_on "$port" "ALTER SYSTEM SET track_commit_timestamp = on" >/dev/null
    as_owner "$(pgbin)/pg_ctl" -D "$pgdata/cluster" -m fast -w -t 120 -l "$pgdata/postgres.log" -o "-p $port" restart >/dev/null \
      || { tail -n 30 "$pgdata/postgres.log" >&2; exit 1; }
  fi
  if ! backrest --output=json info 2>/dev/null | grep -qE '"status":\{"code":(0|2),'; then
    backrest stanza-create >/dev/null
    backrest check >/dev/null
  fi
}
