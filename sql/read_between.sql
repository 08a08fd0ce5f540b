-- The events of some partitions after one position and at or before another, in commit
-- order. For a range that ends at a position some gap-safe read has already passed (the
-- start of a process's EventFeed window, say): every event there has committed and no
-- other can still join it, so no horizon is needed.
CREATE OR REPLACE FUNCTION es.read_between(
    p_services        text[],
    p_after_xact_id   xid8,
    p_after_position  bigint,
    p_upto_xact_id    xid8,
    p_upto_position   bigint,
    p_limit           integer
) RETURNS SETOF es.events
LANGUAGE plpgsql STABLE
-- Planned once per session (a generic plan prunes partitions at run time).
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    RETURN QUERY
    SELECT *
      FROM es.events e
     WHERE e.service = ANY (p_services)
       AND (e.transaction_id, e.global_position) > (p_after_xact_id, p_after_position)
       AND (e.transaction_id, e.global_position) <= (p_upto_xact_id, p_upto_position)
     ORDER BY e.transaction_id, e.global_position
     LIMIT p_limit;
END
$$;
