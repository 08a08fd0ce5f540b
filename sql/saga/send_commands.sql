-- Puts commands in one service's inbox, in the order given: the one statement that inserts
-- inbox rows. `Inbox.enqueue` (the saga runner), saga.start_saga (a desk starting a flow) and
-- inventory_svc.ship_stock (the delivery desk) all send through it, so how a command enters
-- an inbox is written in this one file. SECURITY DEFINER
-- with a fixed search_path: the caller's rights and search_path play no part; a caller may
-- send only when granted EXECUTE (the saga role) or through a function that calls it.
-- Written by scripts/generate-sql, a branch per service of `emporium roles`: change its
-- template, not this file (CI fails when they differ).
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
    -- Static statements, one per inbox, so PL/pgSQL plans each once per session (EXECUTE
    -- would plan every call, and this runs for every command of every saga).
    CASE p_service
        WHEN 'order' THEN
            INSERT INTO order_svc.inbox (command_id, correlation_id, command, payload)
            SELECT c.id, c.correlation, c.command, c.payload FROM unnest(p_command_ids, p_correlations, p_commands, p_payloads)
                   WITH ORDINALITY AS c(id, correlation, command, payload, n) ORDER BY c.n;
        WHEN 'payment' THEN
            INSERT INTO payment_svc.inbox (command_id, correlation_id, command, payload)
            SELECT c.id, c.correlation, c.command, c.payload FROM unnest(p_command_ids, p_correlations, p_commands, p_payloads)
                   WITH ORDINALITY AS c(id, correlation, command, payload, n) ORDER BY c.n;
        WHEN 'delivery' THEN
            INSERT INTO delivery_svc.inbox (command_id, correlation_id, command, payload)
            SELECT c.id, c.correlation, c.command, c.payload FROM unnest(p_command_ids, p_correlations, p_commands, p_payloads)
                   WITH ORDINALITY AS c(id, correlation, command, payload, n) ORDER BY c.n;
        WHEN 'inventory' THEN
            INSERT INTO inventory_svc.inbox (command_id, correlation_id, command, payload)
            SELECT c.id, c.correlation, c.command, c.payload FROM unnest(p_command_ids, p_correlations, p_commands, p_payloads)
                   WITH ORDINALITY AS c(id, correlation, command, payload, n) ORDER BY c.n;
        WHEN 'notification' THEN
            INSERT INTO notification_svc.inbox (command_id, correlation_id, command, payload)
            SELECT c.id, c.correlation, c.command, c.payload FROM unnest(p_command_ids, p_correlations, p_commands, p_payloads)
                   WITH ORDINALITY AS c(id, correlation, command, payload, n) ORDER BY c.n;
        ELSE
            RAISE EXCEPTION 'send_commands: unknown service %', p_service USING ERRCODE = 'invalid_parameter_value';
    END CASE;
END
$$;

REVOKE ALL ON FUNCTION saga.send_commands(text, uuid[], uuid[], text[], jsonb[]) FROM PUBLIC;
