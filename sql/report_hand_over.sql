-- Gives a report table to the projector role and lets the gateway read it, when those roles
-- exist (emporium migrate --create-roles): after --create-roles, and after a rebuild swaps a
-- new table in, since a new table has only its creator's rights.
CREATE OR REPLACE FUNCTION report.hand_over(p_table regclass) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'emporium_projector')
       AND (SELECT tableowner FROM pg_tables WHERE format('%I.%I', schemaname, tablename)::regclass = p_table) <> 'emporium_projector' THEN
        EXECUTE format('ALTER TABLE %s OWNER TO emporium_projector', p_table);
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'emporium_gateway') THEN
        EXECUTE format('GRANT SELECT ON %s TO emporium_gateway', p_table);
    END IF;
END
$$;
