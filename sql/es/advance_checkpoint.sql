-- Compare-and-set of a subscriber's checkpoint, meant to run in the subscriber's own
-- transaction so its effects and its checkpoint commit together. When the checkpoint is
-- not where the caller read from — another instance got there first — it raises SQLSTATE
-- ES409, and the caller's transaction rolls back. Raising (rather than returning false)
-- lets the caller send it with its COMMIT, in the same round trip.
CREATE OR REPLACE FUNCTION es.advance_checkpoint(
    p_subscriber    text,
    p_source        text,
    p_from_xact_id  xid8,
    p_from_position bigint,
    p_to_xact_id    xid8,
    p_to_position   bigint
) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE es.checkpoints c
       SET transaction_id = p_to_xact_id, global_position = p_to_position, updated_at = now()
     WHERE c.subscriber = p_subscriber AND c.source = p_source
       AND c.transaction_id = p_from_xact_id AND c.global_position = p_from_position;
    IF FOUND THEN
        RETURN true;
    END IF;
    IF p_from_xact_id = '0'::xid8 AND p_from_position = 0 THEN
        INSERT INTO es.checkpoints (subscriber, source, transaction_id, global_position)
        VALUES (p_subscriber, p_source, p_to_xact_id, p_to_position)
        ON CONFLICT DO NOTHING;
        IF FOUND THEN
            RETURN true;
        END IF;
    END IF;
    RAISE EXCEPTION 'checkpoint of % on % was moved by someone else', p_subscriber, p_source
        USING ERRCODE = 'ES409';
END
$$;
