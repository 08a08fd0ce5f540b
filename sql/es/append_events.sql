-- Appends a batch of events to one stream, atomically, if the stream is at the
-- expected version (-1: any, 0: no stream yet, n: exactly n).
--
-- p_events is a JSON array of {event_id, event_type, schema_version, payload, correlation_id,
-- causation_id, command_id, traceparent, metadata}: the metadata readers route on has columns
-- of its own (migration 0008); `metadata` holds the rest, if any.
-- Outcomes (nothing is raised, so a caller's transaction stays usable):
--   appended        — stored; stream_version is the new version, positions the new rows'
--   duplicate       — every event id is already in this stream (a retry): nothing stored,
--                     stream_version and positions describe the stored events
--   conflict        — the stream is at stream_version, not the expected one: nothing stored
--   id_conflict     — some ids are stored already, but not as this exact batch: nothing stored
CREATE OR REPLACE FUNCTION es.append_events(
    p_service          text,
    p_stream_id        text,
    p_expected_version bigint,
    p_events           jsonb
) RETURNS TABLE (outcome text, stream_version bigint, positions bigint[], xact_id xid8)
LANGUAGE plpgsql
-- Runs with its owner's rights (service roles may not INSERT into es.events themselves),
-- so it checks the caller itself and trusts no search_path.
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
-- The statements below name the partitioned parent. Planned per call (custom plans, which
-- the plan cache keeps preferring because a custom plan prunes to one partition at plan
-- time) they cost more than they run; generic plans prune at run time just as well.
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_count          integer := jsonb_array_length(p_events);
    -- An array, so the id lookups below are index probes whatever the table's statistics
    -- (a set-returning function here is estimated at 100 rows and invites a hash join
    -- over the whole partition).
    v_ids            uuid[];
    v_stored_here    integer;
    v_stored_any     integer;
BEGIN
    PERFORM es.require_own_service(p_service);

    IF v_count = 0 THEN
        RAISE EXCEPTION 'append_events: no events given' USING ERRCODE = 'invalid_parameter_value';
    END IF;

    -- Readers hold back only at registered transactions (es.append_horizon), so this one
    -- must have registered before its first write: after it, its transaction id may already
    -- lie below a horizon some reader has passed.
    IF current_setting('emporium.appending', true) IS DISTINCT FROM 'on' THEN
        IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
            RAISE EXCEPTION 'append_events: this transaction wrote before it registered to append (call es.begin_append() first)'
                USING ERRCODE = 'object_not_in_prerequisite_state';
        END IF;
        PERFORM es.begin_append();
    END IF;

    -- Writers of one stream take turns; the unique (service, stream_id, version) index
    -- stays the backstop.
    PERFORM pg_advisory_xact_lock(hashtextextended(p_service || '/' || p_stream_id, 0));

    -- A large batch (a seed, an import) leaves its ids to the unique index: one version
    -- check, then the rows (a retry of it is known by its first id). Probing every id first
    -- cost a third of such an append.
    IF v_count > 16 THEN
        RETURN QUERY SELECT * FROM es.append_large_batch(p_service, p_stream_id, p_expected_version, p_events,
                                                         (p_events->0->>'event_id')::uuid);
        RETURN;
    END IF;
    v_ids := ARRAY(SELECT (x->>'event_id')::uuid FROM jsonb_array_elements(p_events) x);

    SELECT count(*), count(*) FILTER (WHERE e.stream_id = p_stream_id)
      INTO v_stored_any, v_stored_here
      FROM es.events e
     WHERE e.service = p_service
       AND e.event_id = ANY (v_ids);

    IF v_stored_here = v_count THEN
        RETURN QUERY
            SELECT 'duplicate'::text, max(e.version), array_agg(e.global_position ORDER BY e.version), max(e.transaction_id)
              FROM es.events e
             WHERE e.service = p_service
               AND e.event_id = ANY (v_ids);
        RETURN;
    ELSIF v_stored_any > 0 THEN
        RETURN QUERY SELECT 'id_conflict'::text, NULL::bigint, NULL::bigint[], NULL::xid8;
        RETURN;
    END IF;


    RETURN QUERY SELECT * FROM es.insert_events(p_service, p_stream_id, p_expected_version, p_events);
END
$$;

-- Only the roles --create-roles grants it to (and the owner) may append.
REVOKE ALL ON FUNCTION es.append_events(text, text, bigint, jsonb) FROM PUBLIC;
