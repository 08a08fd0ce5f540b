-- Commands between services travel through PostgreSQL: each service has an inbox in its
-- own schema, which the saga (and only it) inserts into and the service's worker consumes.
-- A row is pending until processed_at is set, in the same transaction as its effects.

CREATE TABLE inventory_svc.inbox (
    seq            bigserial   PRIMARY KEY,
    command_id     uuid        NOT NULL UNIQUE,
    -- The saga (or request) the command belongs to; commands of one correlation are
    -- applied in order.
    correlation_id uuid        NOT NULL,
    command        text        NOT NULL,
    payload        jsonb       NOT NULL,
    enqueued_at    timestamptz NOT NULL DEFAULT now(),
    processed_at   timestamptz,
    outcome        text
);
CREATE INDEX inbox_pending_idx ON inventory_svc.inbox (seq) WHERE processed_at IS NULL;
CREATE INDEX inbox_correlation_idx ON inventory_svc.inbox (correlation_id, seq) WHERE processed_at IS NULL;

CREATE TABLE payment_svc.inbox  (LIKE inventory_svc.inbox INCLUDING ALL);
CREATE TABLE delivery_svc.inbox (LIKE inventory_svc.inbox INCLUDING ALL);
CREATE TABLE order_svc.inbox    (LIKE inventory_svc.inbox INCLUDING ALL);

-- Answers already given, per Idempotency-Key, per service that takes HTTP commands.
CREATE TABLE order_svc.idempotency_keys (
    key          text        PRIMARY KEY,
    request_hash text        NOT NULL,
    status       integer,
    response     jsonb,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE inventory_svc.idempotency_keys (LIKE order_svc.idempotency_keys INCLUDING ALL);
CREATE TABLE delivery_svc.idempotency_keys  (LIKE order_svc.idempotency_keys INCLUDING ALL);

-- The order saga's instances: where each flow is, and the command it waits on.
CREATE SCHEMA saga;
CREATE TABLE saga.order_sagas (
    saga_id            uuid        PRIMARY KEY,
    order_id           text        NOT NULL,
    kind               text        NOT NULL CHECK (kind IN ('create', 'update', 'delete')),
    status             text        NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'stuck')),
    state              jsonb       NOT NULL,
    data               jsonb       NOT NULL,
    pending_command_id uuid        UNIQUE,
    pending_command    text,
    deadline           timestamptz,
    -- Every command sent and answer taken, for people reading the flow.
    history            jsonb       NOT NULL DEFAULT '[]',
    started_at         timestamptz NOT NULL DEFAULT now(),
    finished_at        timestamptz,
    updated_at         timestamptz NOT NULL DEFAULT now()
);
-- One flow at a time per order: a second one is refused (409).
CREATE UNIQUE INDEX order_sagas_one_running_idx ON saga.order_sagas (order_id) WHERE status = 'running';
CREATE INDEX order_sagas_deadline_idx ON saga.order_sagas (deadline) WHERE status = 'running';
CREATE INDEX order_sagas_order_idx ON saga.order_sagas (order_id, started_at);
