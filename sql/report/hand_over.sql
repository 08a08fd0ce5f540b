-- Gives a report table or view (any version's, or report_live's) to the projector role and
-- lets the gateway read it, when those roles exist (emporium migrate --create-roles): after
-- --create-roles, after a rebuild swaps a new table in and after a swap makes new views,
-- since a new relation has only its creator's rights.
CREATE OR REPLACE FUNCTION report.hand_over(p_table regclass) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'emporium_projector')
       AND (SELECT relowner::regrole::text FROM pg_class WHERE oid = p_table) <> 'emporium_projector' THEN
        EXECUTE format('ALTER TABLE %s OWNER TO emporium_projector', p_table);
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'emporium_gateway') THEN
        EXECUTE format('GRANT SELECT ON %s TO emporium_gateway', p_table);
    END IF;
END
$$;
