-- Registers the current transaction as one that appends events, before its first write.
-- Readers hold back only at registered transactions (es.append_horizon): a transaction that
-- never registers — in another database, a psql session, a projection — delays no reader.
-- The registration is a shared advisory lock (visible to every reader in pg_locks) and a
-- transaction-local flag es.append_events checks. It ends with the transaction.
CREATE OR REPLACE FUNCTION es.begin_append() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    -- Keys: 4542208 ('EMP' in hex), 1 = appending. Any transaction may take it at once.
    PERFORM pg_advisory_xact_lock_shared(4542208, 1);
    PERFORM set_config('emporium.appending', 'on', true);
END
$$;
