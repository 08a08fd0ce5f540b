-- Fixtures at scale, for `emporium-bench seed`: stores the same events in many new streams at
-- once. Streams p_prefix || n, for n from p_from to p_to, each get p_events (the JSON array
-- es.append_events takes) in order, with every "{stream}" in a payload replaced by the
-- stream's id, and new event ids. Set-based: a million events in seconds, where one append
-- per stream would take minutes. It registers as an appender (es.begin_append), as every
-- writer of es.events does. No role is granted it: the owner runs it.
CREATE OR REPLACE FUNCTION es.seed_streams(
    p_service text,
    p_prefix  text,
    p_from    integer,
    p_to      integer,
    p_events  jsonb
) RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_count bigint;
BEGIN
    PERFORM es.begin_append();
    INSERT INTO es.events (service, stream_id, version, event_id, event_type, schema_version, payload, metadata)
    SELECT p_service, p_prefix || n, x.ord, gen_random_uuid(), x.e->>'event_type', coalesce((x.e->>'schema_version')::integer, 1),
           replace((x.e->'payload')::text, '{stream}', p_prefix || n)::jsonb, '{}'::jsonb
      FROM generate_series(p_from, p_to) AS n, jsonb_array_elements(p_events) WITH ORDINALITY AS x(e, ord)
     ORDER BY n, x.ord;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END
$$;

REVOKE ALL ON FUNCTION es.seed_streams(text, text, integer, integer, jsonb) FROM PUBLIC;
