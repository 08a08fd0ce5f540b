-- A stream's current version: its last event's, 0 when it has none.
CREATE OR REPLACE FUNCTION es.stream_version(p_service text, p_stream_id text)
RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT coalesce(max(e.version), 0)
      FROM es.events e
     WHERE e.service = p_service AND e.stream_id = p_stream_id
$$;
