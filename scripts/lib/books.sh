# The books of a shop's database after a run (scripts/chaos, scripts/restore-drill). Needs
# $db_url, $bin (the emporium binary), $work (a scratch folder), and psql() / sql() defined.

# How many projections have events left to apply.
projections_behind() { "$bin" projections list --database-url "$db_url" --log-level error | awk 'NR > 1 && $4 != 0' | wc -l; }

# Until every projection has caught up (2 min at most).
wait_caught_up() {
  for _ in $(seq 1 240); do [ "$(projections_behind)" = 0 ] && return 0; sleep 0.5; done
  return 1
}

# Until nothing runs: no saga running, no command waiting, every projection caught up (2 min at most).
wait_idle() {
  local busy
  for _ in $(seq 1 240); do
    busy=$(sql "SELECT (SELECT count(*) FROM saga.order_sagas WHERE status = 'running')
                     + (SELECT count(*) FROM inventory_svc.inbox WHERE processed_at IS NULL AND parked_at IS NULL)
                     + (SELECT count(*) FROM payment_svc.inbox WHERE processed_at IS NULL AND parked_at IS NULL)
                     + (SELECT count(*) FROM delivery_svc.inbox WHERE processed_at IS NULL AND parked_at IS NULL)
                     + (SELECT count(*) FROM order_svc.inbox WHERE processed_at IS NULL AND parked_at IS NULL)")
    [ "$busy" = 0 ] && [ "$(projections_behind)" = 0 ] && return 0
    sleep 0.5
  done
  return 1
}

# Orders, payments, deliveries, reservations or sagas that exist twice.
count_duplicates() {
  sql "SELECT
    (SELECT count(*) FROM (SELECT 1 FROM es.events WHERE service = 'order' AND event_type = 'OrderPlaced' GROUP BY stream_id HAVING count(*) > 1) d)
  + (SELECT count(*) FROM (SELECT 1 FROM es.events WHERE service = 'payment' AND event_type = 'PaymentCreated' GROUP BY stream_id HAVING count(*) > 1) d)
  + (SELECT count(*) FROM (SELECT 1 FROM es.events WHERE service = 'delivery' AND event_type = 'DeliveryCreated' GROUP BY stream_id HAVING count(*) > 1) d)
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
      FROM report.orders o, jsonb_array_elements(o.order_details) AS l
     WHERE o.order_status = '30' GROUP BY 1
  )
  SELECT count(*) FILTER (WHERE m.reserved <> coalesce(h.units, 0) OR m.reserved < 0 OR m.on_hand < m.reserved
                                OR i.on_hand IS DISTINCT FROM m.on_hand OR i.reserved IS DISTINCT FROM m.reserved)
    FROM moves m LEFT JOIN held h USING (product_id) LEFT JOIN report.inventory i USING (product_id)"
}

dump_reports() {
  for table in orders inventory product_sales sales_orders; do
    psql "$db_url" -c "COPY (SELECT * FROM report.$table ORDER BY 1) TO STDOUT"
  done > "$1"
}

# Whether every report equals a rebuild of it from the events (the rebuild replaces them).
reports_equal_rebuild() {
  dump_reports "$work/reports.before"
  "$bin" projections rebuild --all --database-url "$db_url" --log-level error >/dev/null
  dump_reports "$work/reports.after"
  cmp -s "$work/reports.before" "$work/reports.after"
}
