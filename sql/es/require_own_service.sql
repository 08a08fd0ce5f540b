-- Refuses (42501) a caller that is a service's role (emporium migrate --create-roles)
-- writing to another service's streams: emporium_order appends only to order streams.
-- Callers that are no service's role — the owner, a superuser, a shop run as one role —
-- pass. session_user, not current_user: inside a SECURITY DEFINER function current_user
-- is the function's owner.
CREATE OR REPLACE FUNCTION es.require_own_service(p_service text) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_other text;
BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) THEN
        RETURN;
    END IF;
    -- The services' roles, one per partition of es.events (<service>_svc.events), so a
    -- service added by a migration is known here without a list to keep.
    SELECT r.rolname INTO v_other
      FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_roles r ON r.rolname = 'emporium_' || left(n.nspname, -4)
     WHERE i.inhparent = 'es.events'::regclass
       AND n.nspname LIKE '%\_svc'
       AND r.rolname <> 'emporium_' || p_service
       AND pg_has_role(session_user, r.oid, 'MEMBER')
     LIMIT 1;
    IF v_other IS NOT NULL THEN
        RAISE EXCEPTION 'role % may not write to the % service''s streams', session_user, p_service
            USING ERRCODE = 'insufficient_privilege', HINT = 'each service appends to its own streams only';
    END IF;
END
$$;
