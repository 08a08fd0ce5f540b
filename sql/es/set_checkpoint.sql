-- Puts a subscriber's checkpoint at a position, wherever it was: for a projection rebuild
-- that has just swapped in tables built from the events up to there, in the same
-- transaction. Everyday consumers move theirs with es.advance_checkpoint instead.
CREATE OR REPLACE FUNCTION es.set_checkpoint(
    p_subscriber  text,
    p_source      text,
    p_xact_id     xid8,
    p_position    bigint
) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO es.checkpoints (subscriber, source, transaction_id, global_position)
    VALUES (p_subscriber, p_source, p_xact_id, p_position)
    ON CONFLICT (subscriber, source)
    DO UPDATE SET transaction_id = excluded.transaction_id, global_position = excluded.global_position, updated_at = now()
$$;
