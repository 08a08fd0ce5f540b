-- Points report_live's views of a projection's tables at p_live_schema, the live version's
-- tables, with the columns of p_newest_schema's (the newest version this build knows): a
-- column the live version lacks reads NULL, one only it has is left out. Called by the swap
-- that makes a version live and by a rebuild that replaces the live version's tables, in
-- their transactions, so a query sees the old view or the new one.
CREATE OR REPLACE FUNCTION report.show_live(p_tables text[], p_live_schema text, p_newest_schema text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_table text;
    v_columns text;
BEGIN
    FOREACH v_table IN ARRAY p_tables LOOP
        SELECT string_agg(CASE WHEN l.attname IS NOT NULL THEN quote_ident(n.attname)
                               ELSE format('NULL::%s AS %I', format_type(n.atttypid, n.atttypmod), n.attname) END,
                          ', ' ORDER BY n.attnum)
          INTO v_columns
          FROM pg_attribute n
          LEFT JOIN pg_attribute l ON l.attrelid = format('%I.%I', p_live_schema, v_table)::regclass
                                  AND l.attname = n.attname AND l.attnum > 0 AND NOT l.attisdropped
         WHERE n.attrelid = format('%I.%I', p_newest_schema, v_table)::regclass AND n.attnum > 0 AND NOT n.attisdropped;
        EXECUTE format('DROP VIEW IF EXISTS report_live.%I', v_table);
        EXECUTE format('CREATE VIEW report_live.%I AS SELECT %s FROM %I.%I', v_table, v_columns, p_live_schema, v_table);
        PERFORM report.hand_over(format('report_live.%I', v_table)::regclass);
    END LOOP;
END
$$;
