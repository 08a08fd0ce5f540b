-- The events of some partitions after a checkpoint, in commit order, gap-safe.
--
-- global_position is taken before commit, so a reader going by position alone skips a
-- row whose transaction commits after a later one was read. Instead only rows of
-- transactions older than every transaction still running are returned: those can
-- no longer be joined by an earlier row. Ordered by (transaction_id, global_position),
-- which is also the checkpoint. No gap timers.
CREATE OR REPLACE FUNCTION es.read_partitions(
    p_services        text[],
    p_after_xact_id   xid8,
    p_after_position  bigint,
    p_limit           integer
) RETURNS SETOF es.events
LANGUAGE sql STABLE AS $$
    SELECT *
      FROM es.events e
     WHERE e.service = ANY (p_services)
       AND (e.transaction_id, e.global_position) > (p_after_xact_id, p_after_position)
       AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
     ORDER BY e.transaction_id, e.global_position
     LIMIT p_limit
$$;
