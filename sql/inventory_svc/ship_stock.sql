-- Asks the inventory service to ship an order's reserved stock: the delivery desk calls this
-- when a delivery starts (30 DELIVERING), in the transaction that records it. The delivery
-- role may call this and write no other part of the inventory schema. SECURITY DEFINER with a
-- fixed search_path; it sends shipStock (through saga.send_commands) and nothing else.
CREATE OR REPLACE FUNCTION inventory_svc.ship_stock(
    p_command_id  uuid,
    p_correlation uuid,
    p_payload     jsonb
) RETURNS void
LANGUAGE sql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT saga.send_commands('inventory', ARRAY[p_command_id], ARRAY[p_correlation], ARRAY['shipStock'], ARRAY[p_payload])
$$;

REVOKE ALL ON FUNCTION inventory_svc.ship_stock(uuid, uuid, jsonb) FROM PUBLIC;
