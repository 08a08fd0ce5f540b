-- es.append_events for a batch of more than 16 events, called only by it (after its checks
-- of the caller, the registration and the stream's lock): one version check per batch,
-- and the event ids left to the unique index instead of one probe each.
--
-- A retry of a stored batch is known by its first id and answered 'duplicate' when the
-- whole batch is there as it was. Any other id already stored surfaces as the unique
-- index's violation, caught here (the insert runs in a subtransaction, which a batch this
-- size amortizes) and answered 'id_conflict': nothing stored, the caller's transaction usable.
CREATE OR REPLACE FUNCTION es.append_large_batch(
    p_service          text,
    p_stream_id        text,
    p_expected_version bigint,
    p_events           jsonb,
    p_first_id         uuid
) RETURNS TABLE (outcome text, stream_version bigint, positions bigint[], xact_id xid8)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_count   integer := jsonb_array_length(p_events);
    v_first   es.events;
BEGIN
    SELECT * INTO v_first FROM es.events e WHERE e.service = p_service AND e.event_id = p_first_id;
    IF FOUND THEN
        IF v_first.stream_id = p_stream_id
           AND (SELECT count(*) FROM es.events e
                 WHERE e.service = p_service AND e.stream_id = p_stream_id
                   AND e.event_id = ANY (ARRAY(SELECT (x->>'event_id')::uuid FROM jsonb_array_elements(p_events) x))) = v_count THEN
            RETURN QUERY
                SELECT 'duplicate'::text, max(e.version), array_agg(e.global_position ORDER BY e.version), max(e.transaction_id)
                  FROM es.events e
                 WHERE e.service = p_service AND e.stream_id = p_stream_id
                   AND e.event_id = ANY (ARRAY(SELECT (x->>'event_id')::uuid FROM jsonb_array_elements(p_events) x));
        ELSE
            RETURN QUERY SELECT 'id_conflict'::text, NULL::bigint, NULL::bigint[], NULL::xid8;
        END IF;
        RETURN;
    END IF;


    BEGIN
        RETURN QUERY SELECT * FROM es.insert_events(p_service, p_stream_id, p_expected_version, p_events);
    EXCEPTION WHEN unique_violation THEN
        -- The stream's lock is ours, so only an event id can collide here.
        RETURN QUERY SELECT 'id_conflict'::text, NULL::bigint, NULL::bigint[], NULL::xid8;
    END;
END
$$;

-- Only es.append_events (its owner's function) calls it.
REVOKE ALL ON FUNCTION es.append_large_batch(text, text, bigint, jsonb, uuid) FROM PUBLIC;
