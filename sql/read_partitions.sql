-- The events of some partitions after a checkpoint, in commit order, gap-safe.
--
-- global_position is taken before commit, so a reader going by position alone skips a
-- row whose transaction commits after a later one was read. Instead only rows below the
-- append horizon (es.append_horizon) are returned: no earlier row can still join them.
-- The horizon is computed once per read, from this statement's snapshot, and applied to
-- every row alike: computed per row (as an index condition on each partition) it could
-- differ between rows as the lock table changes, and a read could return a later row
-- while passing over an earlier one. Ordered by (transaction_id, global_position), which
-- is also the checkpoint. No gap timers.
CREATE OR REPLACE FUNCTION es.read_partitions(
    p_services        text[],
    p_after_xact_id   xid8,
    p_after_position  bigint,
    p_limit           integer
) RETURNS SETOF es.events
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_horizon xid8 := es.append_horizon();
BEGIN
    RETURN QUERY
    SELECT *
      FROM es.events e
     WHERE e.service = ANY (p_services)
       AND (e.transaction_id, e.global_position) > (p_after_xact_id, p_after_position)
       AND e.transaction_id < v_horizon
     ORDER BY e.transaction_id, e.global_position
     LIMIT p_limit;
END
$$;
