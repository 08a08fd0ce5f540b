-- Whether some partitions hold committed events after one position and at or before
-- another, whether or not es.read_partitions returns them yet.
--
-- Up to a command's position, read-your-writes asks whether a projection at its
-- checkpoint has anything left to apply before it has seen that command.
CREATE OR REPLACE FUNCTION es.has_events_between(
    p_services        text[],
    p_after_xact_id   xid8,
    p_after_position  bigint,
    p_upto_xact_id    xid8,
    p_upto_position   bigint
) RETURNS boolean
LANGUAGE plpgsql STABLE
-- PL/pgSQL keeps the plan of its query for the session; as a plain SQL function (whose body
-- holds a sub-select, so it is never inlined) it was planned anew on every call, and the
-- planning, over four partitions, cost ten times the query (measured with pg_stat_statements).
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    RETURN EXISTS (
        SELECT 1
          FROM es.events e
         WHERE e.service = ANY (p_services)
           AND (e.transaction_id, e.global_position) > (p_after_xact_id, p_after_position)
           AND (e.transaction_id, e.global_position) <= (p_upto_xact_id, p_upto_position)
    );
END
$$;
