-- A stream as a deciding transaction needs it, in one round trip: its snapshot of the given
-- shape, if any, and up to p_limit events after it, in version order. Every row carries the
-- snapshot (NULLs without one); the event columns are NULL on the one row there is when no
-- event follows the snapshot. A caller that gets p_limit events reads on with es.read_stream.
-- A snapshot of another shape (saved by a build whose state differed) is not returned: its
-- shape is, in other_snapshot_type, and the events are read from the stream's first.
DROP FUNCTION IF EXISTS es.load_stream(text, text, text, integer);  -- other_snapshot_type added
CREATE FUNCTION es.load_stream(
    p_service        text,
    p_stream_id      text,
    p_snapshot_type  text,
    p_limit          integer
) RETURNS TABLE (
    snapshot_version bigint, snapshot jsonb, other_snapshot_type text,
    global_position bigint, service text, stream_id text, version bigint, event_id uuid, event_type text,
    schema_version integer, payload jsonb, metadata jsonb, recorded_at timestamptz, transaction_id xid8,
    correlation_id uuid, causation_id uuid, command_id uuid, traceparent text
)
LANGUAGE sql STABLE AS $$
    WITH snap AS (
        SELECT s.version, s.state, s.snapshot_type = p_snapshot_type AS fits, s.snapshot_type
          FROM es.snapshots s
         WHERE s.service = p_service AND s.stream_id = p_stream_id
    )
    SELECT CASE WHEN snap.fits THEN snap.version END, CASE WHEN snap.fits THEN snap.state END,
           CASE WHEN NOT snap.fits THEN snap.snapshot_type END,
           e.global_position, e.service, e.stream_id, e.version, e.event_id, e.event_type,
           e.schema_version, e.payload, e.metadata, e.recorded_at, e.transaction_id,
           e.correlation_id, e.causation_id, e.command_id, e.traceparent
      FROM (SELECT 1) AS one
      LEFT JOIN snap ON true
      LEFT JOIN LATERAL (
          SELECT x.*
            FROM es.events x
           WHERE x.service = p_service AND x.stream_id = p_stream_id
             AND x.version > CASE WHEN snap.fits THEN snap.version ELSE 0 END
           ORDER BY x.version
           LIMIT p_limit
      ) e ON true
     ORDER BY e.version NULLS FIRST
$$;
