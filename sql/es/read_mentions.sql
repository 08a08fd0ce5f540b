-- The events of one partition whose payload holds p_value under p_key, in commit order:
-- every stock movement of one order across the product streams, say. No index serves a
-- payload key, so it scans the partition: for occasional reads (an order's timeline),
-- never for a hot path. The key is looked up in the payload as today's code reads it
-- (es.payload_today); the rows come as stored, and their reader upcasts them.
CREATE OR REPLACE FUNCTION es.read_mentions(
    p_service  text,
    p_key      text,
    p_value    text
) RETURNS SETOF es.events
LANGUAGE sql STABLE AS $$
    SELECT *
      FROM es.events e
     WHERE e.service = p_service
       AND es.payload_today(e.event_type, e.schema_version, e.payload) ->> p_key = p_value
     ORDER BY e.transaction_id, e.global_position
$$;
