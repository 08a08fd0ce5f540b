-- The event store: one append-only table, partitioned by the service that owns each
-- stream, each partition in that service's own schema.

CREATE SCHEMA es;
CREATE SCHEMA order_svc;
CREATE SCHEMA payment_svc;
CREATE SCHEMA delivery_svc;
CREATE SCHEMA inventory_svc;

-- Taken before commit, so positions commit out of order: readers never rely on them
-- alone (see es.read_partitions).
CREATE SEQUENCE es.global_position_seq AS bigint;

CREATE TABLE es.events (
    global_position bigint      NOT NULL DEFAULT nextval('es.global_position_seq'),
    service         text        NOT NULL,
    stream_id       text        NOT NULL CHECK (stream_id <> ''),
    version         bigint      NOT NULL CHECK (version > 0),
    event_id        uuid        NOT NULL,
    event_type      text        NOT NULL CHECK (event_type <> ''),
    schema_version  integer     NOT NULL DEFAULT 1 CHECK (schema_version > 0),
    payload         jsonb       NOT NULL,
    metadata        jsonb       NOT NULL DEFAULT '{}',
    recorded_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- The appending transaction: with global_position, the gap-safe reading order.
    transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
    CONSTRAINT events_pkey PRIMARY KEY (service, global_position),
    -- Optimistic concurrency: one event per version of a stream.
    CONSTRAINT events_stream_version_key UNIQUE (service, stream_id, version),
    -- Idempotency: an event id is stored once per service.
    CONSTRAINT events_event_id_key UNIQUE (service, event_id)
) PARTITION BY LIST (service);

ALTER SEQUENCE es.global_position_seq OWNED BY es.events.global_position;

CREATE TABLE order_svc.events     PARTITION OF es.events FOR VALUES IN ('order');
CREATE TABLE payment_svc.events   PARTITION OF es.events FOR VALUES IN ('payment');
CREATE TABLE delivery_svc.events  PARTITION OF es.events FOR VALUES IN ('delivery');
CREATE TABLE inventory_svc.events PARTITION OF es.events FOR VALUES IN ('inventory');

-- The subscription read path: one partition in commit order.
CREATE INDEX events_commit_order_idx ON es.events (transaction_id, global_position);

-- An event is a fact: no UPDATE, DELETE or TRUNCATE, whoever asks.
CREATE FUNCTION es.refuse_event_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'es.events is append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END
$$;

CREATE TRIGGER events_append_only
    BEFORE UPDATE OR DELETE ON es.events
    FOR EACH ROW EXECUTE FUNCTION es.refuse_event_change();

CREATE TRIGGER events_no_truncate
    BEFORE TRUNCATE ON es.events
    FOR EACH STATEMENT EXECUTE FUNCTION es.refuse_event_change();
