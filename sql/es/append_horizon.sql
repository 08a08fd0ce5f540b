-- The transaction id below which every event a reader can see now is final: no event with
-- a smaller transaction id can still appear. es.read_partitions reads only below it.
--
-- Within the caller's statement snapshot, a transaction still in progress is passed over
-- only when it provably never appends here: it holds the lock on its own transaction id,
-- its backend holds no registration lock in this database (es.begin_append, taken before
-- any write), and it is still in progress. Every other transaction of the snapshot holds
-- readers back: one that registered here; one whose id is not mapped to a backend yet (a
-- backend takes the lock on its id a moment after the id appears in snapshots); one that
-- has committed since the snapshot (its events, if any, are not visible in it). One that
-- has rolled back since is passed over: nobody will ever see its events. So a
-- transaction in another database (appending there or not), a psql session left open, a
-- migration or a projection's write delays nobody, and nothing is ever skipped. With
-- nothing held back, the horizon is the snapshot's xmax.
CREATE OR REPLACE FUNCTION es.append_horizon() RETURNS xid8
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_snapshot      pg_snapshot := pg_current_snapshot();
    v_unregistered  xid[];
    -- Only this database's appenders can add events here: one appending elsewhere in the
    -- cluster counts as not appending.
    v_database      oid := (SELECT oid FROM pg_database WHERE datname = current_database());
    v_horizon       xid8;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_snapshot_xip(v_snapshot)) THEN
        RETURN pg_snapshot_xmax(v_snapshot);
    END IF;
    -- The lock table once (one consistent picture), before any status is looked at: a
    -- transaction seen unregistered here and still in progress below had not begun to end.
    WITH locks AS MATERIALIZED (
        SELECT locktype, database, classid, objid, objsubid, transactionid, mode, pid, granted FROM pg_locks
    )
    SELECT array_agg(l.transactionid) INTO v_unregistered
      FROM locks l
     WHERE l.locktype = 'transactionid' AND l.mode = 'ExclusiveLock' AND l.granted
       AND NOT EXISTS (SELECT 1 FROM locks a
                        WHERE a.pid = l.pid AND a.locktype = 'advisory' AND a.database = v_database
                          AND a.classid = 4542208 AND a.objid = 1 AND a.objsubid = 2 AND a.granted);
    SELECT min(x) INTO v_horizon
      FROM pg_snapshot_xip(v_snapshot) AS x
     WHERE NOT ((xid(x) = ANY (coalesce(v_unregistered, '{}')) AND pg_xact_status(x) = 'in progress')
                -- One that rolled back since has no events anyone will ever see.
                OR pg_xact_status(x) = 'aborted');
    RETURN coalesce(v_horizon, pg_snapshot_xmax(v_snapshot));
END
$$;
