-- Whether some partitions hold committed events after a checkpoint that es.read_partitions
-- does not return yet, because a transaction older than them is still running (anywhere
-- in the cluster: the snapshot horizon is cluster-wide). A reader that gets true reads
-- again shortly instead of waiting for the next notification; nothing is ever skipped.
CREATE OR REPLACE FUNCTION es.events_held_back(
    p_services        text[],
    p_after_xact_id   xid8,
    p_after_position  bigint
) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1
          FROM es.events e
         WHERE e.service = ANY (p_services)
           AND (e.transaction_id, e.global_position) > (p_after_xact_id, p_after_position)
           AND e.transaction_id >= pg_snapshot_xmin(pg_current_snapshot())
    )
$$;
