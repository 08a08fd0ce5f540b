-- Keeps a stream's state as of p_version, in the deciding transaction. An older state
-- never replaces a newer one; one of the same version does (it replaces a damaged row).
CREATE OR REPLACE FUNCTION es.save_snapshot(
    p_service        text,
    p_stream_id      text,
    p_version        bigint,
    p_snapshot_type  text,
    p_state          jsonb
) RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM es.require_own_service(p_service);
    INSERT INTO es.snapshots (service, stream_id, version, snapshot_type, state)
    VALUES (p_service, p_stream_id, p_version, p_snapshot_type, p_state)
    ON CONFLICT (service, stream_id) DO UPDATE
       SET version = excluded.version, snapshot_type = excluded.snapshot_type, state = excluded.state, saved_at = now()
     WHERE es.snapshots.version <= excluded.version OR es.snapshots.snapshot_type <> excluded.snapshot_type;
END
$$;

REVOKE ALL ON FUNCTION es.save_snapshot(text, text, bigint, text, jsonb) FROM PUBLIC;
