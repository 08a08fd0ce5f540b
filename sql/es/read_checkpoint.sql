-- A subscriber's checkpoint for one source; the start (0, 0) when it has none.
CREATE OR REPLACE FUNCTION es.read_checkpoint(p_subscriber text, p_source text)
RETURNS TABLE (xact_id xid8, global_position bigint)
LANGUAGE sql STABLE AS $$
    SELECT coalesce(max(c.transaction_id), '0'::xid8), coalesce(max(c.global_position), 0)
      FROM es.checkpoints c
     WHERE c.subscriber = p_subscriber AND c.source = p_source
$$;
