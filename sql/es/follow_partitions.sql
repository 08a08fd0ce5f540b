-- What a follower (a subscription) reads: the events of some partitions after its
-- checkpoint, in commit order, gap-safe, and the first committed event it may not read yet.
--
-- The steady path looks at no lock table. Every transaction id below the snapshot's xmin
-- has ended, so no event below it can still appear: the rows below xmin are final. A
-- transaction still running above them holds the rest back — usually an appender a
-- millisecond from its commit (whose NOTIFY wakes the follower), sometimes a stranger: a
-- transaction in another database, a psql session left open, a projection's write.
-- So each row also names the first event held back (held_xact_id, held_position; NULL
-- when none): a follower that sees the same event held back past a short bound asks again
-- with p_check_registrations, which reads below es.append_horizon instead — that passes
-- over every running transaction that never registered to append (the lock-table look)
-- and holds back only at the appenders. Nothing is skipped either way: both horizons are
-- final, and every row is compared with the one horizon of this statement's snapshot.
--
-- When no event is readable but one is held back, one row comes back with the event
-- columns NULL, so that the follower still learns of it in the same round trip.
CREATE OR REPLACE FUNCTION es.follow_partitions(
    p_services             text[],
    p_after_xact_id        xid8,
    p_after_position       bigint,
    p_limit                integer,
    p_check_registrations  boolean
) RETURNS TABLE (
    held_xact_id    xid8,
    held_position   bigint,
    global_position bigint,
    service         text,
    stream_id       text,
    version         bigint,
    event_id        uuid,
    event_type      text,
    schema_version  integer,
    payload         jsonb,
    metadata        jsonb,
    recorded_at     timestamptz,
    transaction_id  xid8,
    correlation_id  uuid,
    causation_id    uuid,
    command_id      uuid,
    traceparent     text
)
LANGUAGE plpgsql STABLE
-- Generic plans prune partitions at run time; custom plans re-planned four partitions per call.
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_horizon   xid8 := CASE WHEN p_check_registrations THEN es.append_horizon()
                             ELSE pg_snapshot_xmin(pg_current_snapshot()) END;
    v_held_xact xid8;
    v_held_pos  bigint;
BEGIN
    -- The first committed event at or above the horizon: an index probe on the newest rows.
    SELECT e.transaction_id, e.global_position INTO v_held_xact, v_held_pos
      FROM es.events e
     WHERE e.service = ANY (p_services)
       AND e.transaction_id >= v_horizon
       AND (e.transaction_id, e.global_position) > (p_after_xact_id, p_after_position)
     ORDER BY e.transaction_id, e.global_position
     LIMIT 1;

    RETURN QUERY
    SELECT v_held_xact, v_held_pos, e.global_position, e.service, e.stream_id, e.version, e.event_id,
           e.event_type, e.schema_version, e.payload, e.metadata, e.recorded_at, e.transaction_id,
           e.correlation_id, e.causation_id, e.command_id, e.traceparent
      FROM es.events e
     WHERE e.service = ANY (p_services)
       AND (e.transaction_id, e.global_position) > (p_after_xact_id, p_after_position)
       AND e.transaction_id < v_horizon
     ORDER BY e.transaction_id, e.global_position
     LIMIT p_limit;

    IF NOT FOUND AND v_held_xact IS NOT NULL THEN
        RETURN QUERY SELECT v_held_xact, v_held_pos, NULL::bigint, NULL::text, NULL::text, NULL::bigint, NULL::uuid,
                            NULL::text, NULL::integer, NULL::jsonb, NULL::jsonb, NULL::timestamptz, NULL::xid8,
                            NULL::uuid, NULL::uuid, NULL::uuid, NULL::text;
    END IF;
END
$$;
