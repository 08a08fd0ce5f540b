-- Several streams' events together, in commit order: an order's timeline across its
-- services, say. p_services[i] and p_stream_ids[i] name one stream. It returns what has
-- committed; it keeps no checkpoint, so unlike es.read_partitions it need not stop at the
-- oldest running transaction.
CREATE OR REPLACE FUNCTION es.read_streams(
    p_services    text[],
    p_stream_ids  text[]
) RETURNS SETOF es.events
LANGUAGE sql STABLE AS $$
    SELECT e.*
      FROM unnest(p_services, p_stream_ids) AS s(service, stream_id)
      JOIN es.events e ON e.service = s.service AND e.stream_id = s.stream_id
     ORDER BY e.transaction_id, e.global_position
$$;
