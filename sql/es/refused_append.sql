-- Why an append stored nothing, answered as es.append_events answers (its outcomes but
-- 'appended'): the event store's one-event append is a single INSERT into the stream's
-- partition whose conflicts the unique indexes catch (ON CONFLICT DO NOTHING, so nothing
-- is raised and the caller's transaction stays usable), and only when it stores nothing
-- does the store ask this, to tell the three apart:
--   duplicate    — every id is stored in this stream (a retry): stream_version and positions
--                  describe the stored events
--   id_conflict  — some ids are stored, but not all of them in this stream
--   conflict     — no id is stored: the stream is not at the expected version but at
--                  stream_version
-- Read-only, on the rare path: it looks the ids up on the parent table.
CREATE OR REPLACE FUNCTION es.refused_append(
    p_service   text,
    p_stream_id text,
    p_event_ids uuid[]
) RETURNS TABLE (outcome text, stream_version bigint, positions bigint[], xact_id xid8)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_here  integer;
    v_any   integer;
BEGIN
    SELECT count(*) FILTER (WHERE e.stream_id = p_stream_id), count(*) INTO v_here, v_any
      FROM es.events e
     WHERE e.service = p_service AND e.event_id = ANY (p_event_ids);
    IF v_here = cardinality(p_event_ids) THEN
        RETURN QUERY
            SELECT 'duplicate'::text, max(e.version), array_agg(e.global_position ORDER BY e.version), max(e.transaction_id)
              FROM es.events e
             WHERE e.service = p_service AND e.event_id = ANY (p_event_ids);
    ELSIF v_any > 0 THEN
        RETURN QUERY SELECT 'id_conflict'::text, NULL::bigint, NULL::bigint[], NULL::xid8;
    ELSE
        RETURN QUERY
            SELECT 'conflict'::text, coalesce(max(e.version), 0), NULL::bigint[], NULL::xid8
              FROM es.events e
             WHERE e.service = p_service AND e.stream_id = p_stream_id;
    END IF;
END
$$;
