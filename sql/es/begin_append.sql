-- Registers the current transaction as one that appends events, before its first write.
-- Readers hold back only at registered transactions (es.append_horizon): a transaction that
-- never registers — in another database, a psql session, a projection — delays no reader.
-- The registration is a shared advisory lock (visible to every reader in pg_locks) and a
-- transaction-local flag that es.events' constraint events_appender_registered requires of
-- every row written. It ends with the transaction.
--
-- Refused once the transaction has a transaction id: a reader may already have passed over
-- that id as a non-appender, and an event written under it now could be skipped.
CREATE OR REPLACE FUNCTION es.begin_append() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('emporium.appending', true) = 'on' THEN
        RETURN;
    END IF;
    IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
        RAISE EXCEPTION 'begin_append: this transaction wrote before it registered to append (register first)'
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    -- Keys: 4542208 ('EMP' in hex), 1 = appending. Any transaction may take it at once.
    PERFORM pg_advisory_xact_lock_shared(4542208, 1);
    PERFORM set_config('emporium.appending', 'on', true);
END
$$;
