-- The events of some partitions after a checkpoint, in commit order, gap-safe: for one-shot
-- reads (a rebuild, tools, tests). What es.follow_partitions reads with the registration
-- check — below the append horizon, so only a transaction that registered to append holds
-- it back — without the row that only names what is held back.
CREATE OR REPLACE FUNCTION es.read_partitions(
    p_services        text[],
    p_after_xact_id   xid8,
    p_after_position  bigint,
    p_limit           integer
) RETURNS SETOF es.events
LANGUAGE sql STABLE AS $$
    SELECT global_position, service, stream_id, version, event_id, event_type, schema_version, payload, metadata,
           recorded_at, transaction_id, correlation_id, causation_id, command_id, traceparent
      FROM es.follow_partitions(p_services, p_after_xact_id, p_after_position, p_limit, true)
     WHERE global_position IS NOT NULL
$$;
