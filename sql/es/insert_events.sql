-- Stores a batch of events (the JSON array es.append_events takes) if the stream is at
-- p_expected_version, and answers as es.append_events does: 'appended' with the new version,
-- the rows' positions and the transaction id, or 'conflict' with the stream's version.
-- Called only by es.append_events and es.append_large_batch, after their checks (the caller,
-- the registration, the stream's lock, the ids), and runs under their settings (search_path,
-- generic plans): the one version check and the one INSERT into es.events.
CREATE OR REPLACE FUNCTION es.insert_events(
    p_service   text,
    p_stream_id text,
    p_expected_version bigint,
    p_events    jsonb
) RETURNS TABLE (outcome text, stream_version bigint, positions bigint[], xact_id xid8)
LANGUAGE plpgsql AS $$
DECLARE
    v_current bigint;
BEGIN
    SELECT coalesce(max(e.version), 0) INTO v_current
      FROM es.events e
     WHERE e.service = p_service AND e.stream_id = p_stream_id;
    IF p_expected_version >= 0 AND v_current <> p_expected_version THEN
        RETURN QUERY SELECT 'conflict'::text, v_current, NULL::bigint[], NULL::xid8;
        RETURN;
    END IF;

    RETURN QUERY
    WITH inserted AS (
        INSERT INTO es.events (service, stream_id, version, event_id, event_type, schema_version, payload, metadata,
                               correlation_id, causation_id, command_id, traceparent)
        SELECT p_service, p_stream_id, v_current + x.ord,
               x.event_id, x.event_type, coalesce(x.schema_version, 1), x.payload, coalesce(x.metadata, '{}'::jsonb),
               x.correlation_id, x.causation_id, x.command_id, x.traceparent
          -- Each element's fields taken in one pass (a third of the time of one lookup each).
          FROM ROWS FROM (jsonb_to_recordset(p_events) AS (event_id uuid, event_type text, schema_version integer, payload jsonb,
                                                           metadata jsonb, correlation_id uuid, causation_id uuid, command_id uuid,
                                                           traceparent text))
               WITH ORDINALITY AS x(event_id, event_type, schema_version, payload, metadata, correlation_id, causation_id, command_id,
                                    traceparent, ord)
         ORDER BY x.ord
        RETURNING global_position AS pos, version AS ver, transaction_id AS xid
    )
    SELECT 'appended'::text, v_current + jsonb_array_length(p_events), array_agg(i.pos ORDER BY i.ver), max(i.xid)
      FROM inserted i;
END
$$;

-- Not a way in for anyone else (without the owner's rights it could not insert anyway).
REVOKE ALL ON FUNCTION es.insert_events(text, text, bigint, jsonb) FROM PUBLIC;
