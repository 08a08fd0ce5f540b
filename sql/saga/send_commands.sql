-- Puts commands in one service's inbox, in the order given: the one statement that inserts
-- inbox rows. `Inbox.enqueue` (the saga runner), saga.start_saga (a desk starting a flow) and
-- inventory_svc.ship_stock (the delivery desk) all send through it, so the column list and
-- the rule "a service's commands go to its own inbox" are written once. SECURITY DEFINER
-- with a fixed search_path: the caller's rights and search_path play no part; a caller may
-- send only when granted EXECUTE (the saga role) or through a function that calls it.
CREATE OR REPLACE FUNCTION saga.send_commands(
    p_service      text,
    p_command_ids  uuid[],
    p_correlations uuid[],
    p_commands     text[],
    p_payloads     jsonb[]
) RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF p_service IS NULL OR p_service NOT IN ('order', 'payment', 'delivery', 'inventory') THEN
        RAISE EXCEPTION 'send_commands: unknown service %', p_service USING ERRCODE = 'invalid_parameter_value';
    END IF;
    EXECUTE format($sql$
        INSERT INTO %I.inbox (command_id, correlation_id, command, payload)
        SELECT c.id, c.correlation, c.command, c.payload
          FROM unnest($1, $2, $3, $4) WITH ORDINALITY AS c(id, correlation, command, payload, n)
         ORDER BY c.n
        $sql$, p_service || '_svc')
    USING p_command_ids, p_correlations, p_commands, p_payloads;
END
$$;

REVOKE ALL ON FUNCTION saga.send_commands(text, uuid[], uuid[], text[], jsonb[]) FROM PUBLIC;
