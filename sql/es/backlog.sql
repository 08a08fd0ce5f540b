-- How far a consumer is behind: the committed events of some partitions after its
-- checkpoint, and how many milliseconds the oldest of them has waited (0 when none).
-- An index range scan from the checkpoint on (events_commit_order_idx).
CREATE OR REPLACE FUNCTION es.backlog(
    p_services        text[],
    p_after_xact_id   xid8,
    p_after_position  bigint
) RETURNS TABLE (events bigint, oldest_age_ms bigint)
LANGUAGE sql STABLE AS $$
    SELECT count(*),
           coalesce((extract(epoch FROM now() - min(e.recorded_at)) * 1000)::bigint, 0)
      FROM es.events e
     WHERE e.service = ANY (p_services)
       AND (e.transaction_id, e.global_position) > (p_after_xact_id, p_after_position)
$$;
