-- Least privilege, enforced by PostgreSQL (`emporium migrate --create-roles`; run again after
-- a migration adds tables). One login role per process kind:
--
--   emporium_<service>  order, payment, delivery, inventory: its own schema's inbox (and the
--                       record of what it applied, inbox_done) and idempotency keys; appends to its own streams only: INSERT into its
--                       own partition (<service>_svc.events; the columns a writer names, not
--                       the position, time or transaction id, which their defaults set),
--                       es.append_events for batches, es.save_snapshot; reads every event.
--                       order and delivery also start sagas (saga.start_saga) and read the
--                       saga rows and the inboxes' depth (?wait, admission); delivery asks
--                       inventory to ship stock (inventory_svc.ship_stock).
--   emporium_saga       the saga rows; sends commands to the four inboxes (saga.send_commands);
--                       its checkpoint.
--   emporium_projector  owns the report tables of every version and the live views (rebuilds
--                       and version swaps replace them); its checkpoints.
--   emporium_gateway    reads: events, sagas, inboxes, reports, other sessions' activity
--                       (pg_read_all_stats). Writes nothing.
--
-- Nobody gets UPDATE, DELETE or TRUNCATE on es.events (the trigger refuses them even so),
-- nor may disable its trigger or set session_replication_role: that takes the owner or a
-- superuser. Roles are per cluster, grants per database; every statement is idempotent.
DO $roles$
DECLARE
    v_role text;
    v_service text;
    v_table text;
    v_schema text;
BEGIN
    -- The roles to create: ShopRole's list, handed over by the migrate tool (DatabaseRoles).
    IF coalesce(current_setting('emporium.roles', true), '') = '' THEN
        RAISE EXCEPTION 'create_roles: run it with emporium migrate --create-roles, which names the roles (emporium.roles)';
    END IF;
    FOREACH v_role IN ARRAY string_to_array(current_setting('emporium.roles'), ',') LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = v_role) THEN
            EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION', v_role);
        END IF;
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), v_role);
        EXECUTE format('GRANT USAGE ON SCHEMA es TO %I', v_role);
        EXECUTE format('GRANT SELECT ON es.events, es.snapshots, es.checkpoints TO %I', v_role);
        EXECUTE format('GRANT SELECT ON public.schema_migrations TO %I', v_role);
    END LOOP;

    -- The services: ShopRole's that have a partition, handed over as the roles are.
    FOREACH v_service IN ARRAY string_to_array(current_setting('emporium.services'), ',') LOOP
        v_role := 'emporium_' || v_service;
        -- A service whose migration waits behind a contract step (a rolling upgrade) has no
        -- schema yet: its grants come with the --create-roles run that brings the migration in.
        CONTINUE WHEN to_regnamespace(v_service || '_svc') IS NULL;
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', v_service || '_svc', v_role);
        EXECUTE format('GRANT SELECT, UPDATE, DELETE ON %I.inbox TO %I', v_service || '_svc', v_role);
        -- What it applied: recorded as its inbox row leaves (migration 0013).
        IF to_regclass(format('%I.inbox_done', v_service || '_svc')) IS NOT NULL THEN
            -- DELETE: what is older than the retention goes (the Retention loop).
            EXECUTE format('GRANT SELECT, INSERT, DELETE ON %I.inbox_done TO %I', v_service || '_svc', v_role);
            EXECUTE format('GRANT SELECT ON %I.inbox_done TO emporium_saga, emporium_gateway, emporium_order, emporium_delivery',
                           v_service || '_svc');
        END IF;
        IF to_regclass(format('%I.idempotency_keys', v_service || '_svc')) IS NOT NULL THEN
            EXECUTE format('GRANT SELECT, INSERT, UPDATE ON %I.idempotency_keys TO %I', v_service || '_svc', v_role);
        END IF;
        -- Its own partition, and no other: a row routed through es.events needs a grant on
        -- es.events, which no service has. The registration a row needs is the
        -- constraint events_appender_registered's to check (migration 0011).
        EXECUTE format('GRANT SELECT, INSERT (service, stream_id, version, event_id, event_type, schema_version, payload, metadata, '
                       'correlation_id, causation_id, command_id, traceparent) ON %I.events TO %I', v_service || '_svc', v_role);
        EXECUTE format('GRANT USAGE ON SEQUENCE es.global_position_seq TO %I', v_role);
        EXECUTE format('GRANT EXECUTE ON FUNCTION es.append_events(text, text, bigint, jsonb) TO %I', v_role);
        EXECUTE format('GRANT EXECUTE ON FUNCTION es.save_snapshot(text, text, bigint, text, jsonb) TO %I', v_role);
        -- The saga sends commands to every inbox (saga.send_commands); the gateway reads them
        -- (order history). INSERT stays granted while builds from before send_commands may run
        -- beside this one (a rolling upgrade); the release after drops it.
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO emporium_saga, emporium_gateway, emporium_order, emporium_delivery', v_service || '_svc');
        EXECUTE format('GRANT SELECT, INSERT ON %I.inbox TO emporium_saga', v_service || '_svc');
        EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA %I TO emporium_saga', v_service || '_svc');
        EXECUTE format('GRANT SELECT ON %I.inbox TO emporium_gateway, emporium_order, emporium_delivery', v_service || '_svc');
    END LOOP;

    GRANT USAGE ON SCHEMA saga TO emporium_order, emporium_delivery, emporium_saga, emporium_gateway;
    GRANT EXECUTE ON FUNCTION saga.start_saga(uuid, text, text, jsonb, jsonb, jsonb, double precision, text, uuid, text, jsonb)
        TO emporium_order, emporium_delivery;
    GRANT SELECT ON saga.order_sagas TO emporium_order, emporium_delivery, emporium_gateway;
    -- A delivery that starts asks the inventory service to ship its stock (that one command).
    GRANT EXECUTE ON FUNCTION inventory_svc.ship_stock(uuid, uuid, jsonb) TO emporium_delivery;
    -- DELETE: finished sagas older than the retention go (the Retention loop).
    GRANT SELECT, UPDATE, DELETE ON saga.order_sagas TO emporium_saga;
    GRANT EXECUTE ON FUNCTION saga.send_commands(text, uuid[], uuid[], text[], jsonb[]) TO emporium_saga;

    GRANT INSERT, UPDATE ON es.checkpoints TO emporium_saga, emporium_projector;
    -- The admin status names the transactions readers wait for (es.horizon_holders): their
    -- age and query, which pg_stat_activity shows another role only with this. Granted by a
    -- login that may (a superuser); without it the status lists them without their age.
    IF pg_has_role(current_user, 'pg_read_all_stats', 'MEMBER WITH ADMIN OPTION') THEN
        GRANT pg_read_all_stats TO emporium_gateway;
    ELSE
        RAISE NOTICE 'create_roles: % may not grant pg_read_all_stats; the admin status will list appending transactions without their age', current_user;
    END IF;

    -- The projector owns the report tables: a rebuild fills new ones in a scratch schema
    -- (CREATE on the database) and swaps them in.
    EXECUTE format('GRANT CREATE ON DATABASE %I TO emporium_projector', current_database());
    -- Its versions' schemas too (report_<name>_v<N>), and report_live, whose views it points
    -- at the live version when it swaps one in.
    FOR v_schema IN SELECT nspname FROM pg_namespace WHERE nspname = 'report' OR nspname LIKE 'report\_%' LOOP
        EXECUTE format('GRANT USAGE, CREATE ON SCHEMA %I TO emporium_projector', v_schema);
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO emporium_gateway', v_schema);
    END LOOP;
    FOR v_table IN SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE (n.nspname = 'report' OR n.nspname LIKE 'report\_%') AND c.relkind IN ('r', 'v') LOOP
        PERFORM report.hand_over(v_table::regclass);
    END LOOP;
END
$roles$;

-- A role's password, when the environment gives one (EMPORIUM_<ROLE>_PASSWORD): set by the
-- migrate tool with parameters, never spelled into SQL text.
CREATE OR REPLACE FUNCTION pg_temp.emporium_set_password(p_role text, p_password text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER ROLE %I PASSWORD %L', p_role, p_password);
END
$$;
