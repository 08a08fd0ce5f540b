# The books of a shop's database after a run (scripts/chaos, scripts/restore-drill,
# deploy/ha/test, scripts/crash-points). Needs
# $db_url, $bin (the emporium binary), $work (a scratch folder), and psql() / sql() defined.

# How many projections have events left to apply.
# "unknown" when the list cannot be had: never taken for 0.
projections_behind() {
  local list
  list=$("$bin" projections list --database-url "$db_url" --log-level error) || { echo unknown; return 1; }
  echo "$list" | awk 'NR > 1 && $7 != 0' | wc -l
}

# Until every projection has caught up (2 min at most).
wait_caught_up() {
  for _ in $(seq 1 240); do [ "$(projections_behind)" = 0 ] && return 0; sleep 0.5; done
  return 1
}

# One query over table $1 of every service's schema that has one, as the database lists them
# (a service added is read without a change here): `SELECT $2 FROM a_svc.$1 [WHERE $3]
# UNION ALL SELECT $2 FROM b_svc.$1 …`, for use as a subquery.
every_service() {
  sql "SELECT string_agg(format('SELECT %s FROM %I.%I ${3:+WHERE $3}', '$2', n.nspname, c.relname), ' UNION ALL ' ORDER BY n.nspname)
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relname = '$1' AND c.relkind IN ('r', 'p') AND n.nspname LIKE '%\_svc'"
}

# The rows of table $1 in every service's schema; $2, if given, is a WHERE condition.
rows_in_every_service() { sql "SELECT count(*) FROM ($(every_service "$1" 1 "${2:-}")) t"; }

# Commands waiting in the services' inboxes (not parked).
inboxes_waiting() { rows_in_every_service inbox "processed_at IS NULL AND parked_at IS NULL"; }

# Until nothing runs: no saga running, no command waiting, every projection caught up (2 min at most).
wait_idle() {
  for _ in $(seq 1 240); do
    [ "$(sql "SELECT count(*) FROM saga.order_sagas WHERE status = 'running'")" = 0 ] && [ "$(inboxes_waiting)" = 0 ] \
      && [ "$(projections_behind)" = 0 ] && return 0
    sleep 0.5
  done
  return 1
}

# check WHAT GOT EXPECTED: a failure (in the caller's $failures) when GOT is not EXPECTED.
check() { if [ "$2" != "$3" ]; then failures+=("$1: $2, expected $3"); fi; }

# The orders callers were told of (202; the ids in file $1, one per line) against the books:
# each is there and its saga ended, every saga ended, and no order is there that no caller
# was told of. Sets $accepted, $lost (accepted, not there) and $not_final.
check_accepted() {
  psql "$db_url" -c "DROP TABLE IF EXISTS public.run_accepted" -c "CREATE TABLE public.run_accepted (order_id text)" \
    -c "\copy public.run_accepted FROM '$1'"
  accepted=$(sql "SELECT count(*) FROM public.run_accepted")
  lost=$(sql "SELECT count(*) FROM public.run_accepted a WHERE NOT EXISTS (SELECT 1 FROM es.events e WHERE e.service = 'order' AND e.stream_id = a.order_id)")
  not_final=$(sql "SELECT count(*) FROM public.run_accepted a LEFT JOIN saga.order_sagas s ON s.order_id = a.order_id
                    WHERE s.status IS NULL OR s.status NOT IN ('completed', 'failed')")
  check "accepted orders lost" "$lost" 0
  check "accepted orders without a final status" "$not_final" 0
  check "sagas not ended" "$(sql "SELECT count(*) FROM saga.order_sagas WHERE status NOT IN ('completed', 'failed')")" 0
  check "orders no caller was told of" "$(sql "SELECT count(DISTINCT stream_id) FROM es.events e WHERE service = 'order' AND event_type = 'OrderPlaced'
                                                AND NOT EXISTS (SELECT 1 FROM public.run_accepted a WHERE a.order_id = e.stream_id)")" 0
}

# Orders, payments, deliveries, reservations, customers told or sagas that exist twice; and,
# for every service alike (one added is checked without a change here), a command whose
# answer a stream holds twice: one command applied twice.
count_duplicates() {
  sql "SELECT
    (SELECT count(*) FROM (SELECT 1 FROM es.events WHERE command_id IS NOT NULL
                            GROUP BY service, stream_id, event_type, command_id HAVING count(*) > 1) d)
  + (SELECT count(*) FROM (SELECT 1 FROM es.events WHERE service = 'order' AND event_type = 'OrderPlaced' GROUP BY stream_id HAVING count(*) > 1) d)
  + (SELECT count(*) FROM (SELECT 1 FROM es.events WHERE service = 'payment' AND event_type = 'PaymentCreated' GROUP BY stream_id HAVING count(*) > 1) d)
  + (SELECT count(*) FROM (SELECT 1 FROM es.events WHERE service = 'delivery' AND event_type = 'DeliveryCreated' GROUP BY stream_id HAVING count(*) > 1) d)
  + (SELECT count(*) FROM (SELECT 1 FROM es.events WHERE service = 'notification' AND event_type = 'CustomerNotified' GROUP BY stream_id HAVING count(*) > 1) d)
  + (SELECT count(*) FROM (SELECT 1 FROM es.events WHERE service = 'inventory' AND event_type = 'StockReserved'
                            GROUP BY stream_id, payload->>'orderId' HAVING count(*) > 1) d)
  + (SELECT count(*) FROM (SELECT order_id FROM saga.order_sagas GROUP BY order_id HAVING count(*) > 1) d)"
}

# Products (ids LIKE $1) whose stock does not add up: from their streams, against the orders
# that hold stock and against the report.
count_stock_off() {
  sql "WITH moves AS (
    SELECT stream_id AS product_id,
           sum(CASE event_type WHEN 'ProductRegistered' THEN (payload->>'inventoryQty')::bigint
                               WHEN 'StockShipped' THEN -(payload->>'qty')::bigint ELSE 0 END) AS on_hand,
           sum(CASE event_type WHEN 'StockReserved' THEN (payload->>'qty')::bigint
                               WHEN 'StockReleased' THEN -(payload->>'qty')::bigint
                               WHEN 'StockShipped' THEN -(payload->>'qty')::bigint ELSE 0 END) AS reserved
      FROM es.events WHERE service = 'inventory' AND stream_id LIKE '$1' GROUP BY stream_id
  ), held AS (
    SELECT l->>'productId' AS product_id, sum((l->>'qty')::bigint) AS units
      FROM report_live.orders o, jsonb_array_elements(o.order_details) AS l
     WHERE o.order_status = '30' GROUP BY 1
  )
  SELECT count(*) FILTER (WHERE m.reserved <> coalesce(h.units, 0) OR m.reserved < 0 OR m.on_hand < m.reserved
                                OR i.on_hand IS DISTINCT FROM m.on_hand OR i.reserved IS DISTINCT FROM m.reserved)
    FROM moves m LEFT JOIN held h USING (product_id) LEFT JOIN report_live.inventory i USING (product_id)"
}

dump_reports() {
  for table in orders inventory product_sales sales_orders; do
    psql "$db_url" -c "COPY (SELECT * FROM report_live.$table ORDER BY 1) TO STDOUT"
  done > "$1"
}

# Whether every report equals a rebuild of it from the events (the rebuild replaces them).
reports_equal_rebuild() {
  dump_reports "$work/reports.before"
  # A rebuild that fails leaves the reports as they were: that is no proof.
  "$bin" projections rebuild --all --database-url "$db_url" --log-level error >/dev/null || return 1
  dump_reports "$work/reports.after"
  cmp -s "$work/reports.before" "$work/reports.after"
}
