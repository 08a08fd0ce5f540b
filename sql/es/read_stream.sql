-- One stream's events from a version on, in version order.
CREATE OR REPLACE FUNCTION es.read_stream(
    p_service     text,
    p_stream_id   text,
    p_from_version bigint,
    p_limit       integer
) RETURNS SETOF es.events
LANGUAGE sql STABLE AS $$
    SELECT *
      FROM es.events e
     WHERE e.service = p_service
       AND e.stream_id = p_stream_id
       AND e.version >= p_from_version
     ORDER BY e.version
     LIMIT p_limit
$$;
