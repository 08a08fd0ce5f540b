-- Whether some partitions hold committed events after one position and at or before
-- another: what a consumer at the first has still to apply before it has seen the second
-- (read-your-writes waits until this is false).
CREATE OR REPLACE FUNCTION es.has_events_between(
    p_services        text[],
    p_after_xact_id   xid8,
    p_after_position  bigint,
    p_upto_xact_id    xid8,
    p_upto_position   bigint
) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1
          FROM es.events e
         WHERE e.service = ANY (p_services)
           AND (e.transaction_id, e.global_position) > (p_after_xact_id, p_after_position)
           AND (e.transaction_id, e.global_position) <= (p_upto_xact_id, p_upto_position)
    )
$$;
