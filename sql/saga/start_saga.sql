-- Starts an order saga and sends its first command (saga.send_commands), for the desks that begin a flow (the
-- order and delivery services): they may call this, and nothing else of the saga schema or
-- of the other services' inboxes. SECURITY DEFINER with a fixed search_path, so the caller's
-- rights and search_path play no part. A second running flow for the order fails on
-- order_sagas_one_running_idx (the desk answers 409).
CREATE OR REPLACE FUNCTION saga.start_saga(
    p_saga_id     uuid,
    p_order_id    text,
    p_kind        text,
    p_state       jsonb,
    p_data        jsonb,
    p_history     jsonb,
    p_deadline_ms double precision,
    p_service     text,
    p_command_id  uuid,
    p_command     text,
    p_payload     jsonb
) RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO saga.order_sagas (saga_id, order_id, kind, status, state, data, pending_command_id, pending_command, deadline, history)
    VALUES (p_saga_id, p_order_id, p_kind, 'running', p_state, p_data, p_command_id, p_command,
            now() + make_interval(secs => p_deadline_ms / 1000), jsonb_build_array(p_history));
    PERFORM saga.send_commands(p_service, ARRAY[p_command_id], ARRAY[p_saga_id], ARRAY[p_command], ARRAY[p_payload]);
END
$$;

-- Only the roles --create-roles grants it to (and the owner) may start a saga.
REVOKE ALL ON FUNCTION saga.start_saga(uuid, text, text, jsonb, jsonb, jsonb, double precision, text, uuid, text, jsonb) FROM PUBLIC;
