-- Appends go straight into their service's partition (order_svc.events, …) as one INSERT,
-- not through es.append_events, whose per-call role check, id probe and generic plans over
-- the partitioned parent cost about half of every append (docs/BENCHMARKS.md, issue 28).
-- Who may write where moves from that function's checks into the database's grants
-- (sql/roles/create_roles.sql: each service's role may INSERT into its own partition only),
-- and the one promise no grant can keep, that a writer registered before its first write
-- (es.begin_append, invariant 4), becomes this constraint: it holds for every writer of
-- every partition, the owner and superusers included, whichever way the row comes in.
--
-- NOT VALID: the rows stored before are not checked (they were written registered), and a
-- dump restores its data before a NOT VALID constraint, so pg_dump still round-trips.
-- es.append_events registers itself, so a build from before this one appends as it did.
ALTER TABLE es.events ADD CONSTRAINT events_appender_registered
    CHECK (current_setting('emporium.appending', true) = 'on') NOT VALID;
