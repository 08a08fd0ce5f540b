-- The transactions registered as appending in this database (es.begin_append), oldest
-- first: what es.append_horizon waits for. A reader is held back at the oldest one until it
-- ends, so one open for seconds is what an operator wants named — by pid, age and query.
CREATE OR REPLACE FUNCTION es.horizon_holders()
RETURNS TABLE (pid int, transaction_age_ms bigint, state text, application_name text, query text)
LANGUAGE sql STABLE AS $$
    SELECT a.pid,
           (extract(epoch FROM clock_timestamp() - a.xact_start) * 1000)::bigint,
           a.state, a.application_name, left(a.query, 500)
      FROM pg_locks l
      JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.classid = 4542208 AND l.objid = 1 AND l.objsubid = 2 AND l.granted
       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND a.pid <> pg_backend_pid()
     ORDER BY a.xact_start
$$;
