-- The last saved state of a stream, so that deciding a command reads one row and the few
-- events after it, whatever the stream's length. Not a fact: a shortcut the deciding
-- transaction keeps, rebuilt from the events whenever it is missing or of another shape
-- (DELETE FROM es.snapshots loses nothing). Partitioned like the events, each service's
-- in its own schema.
CREATE TABLE es.snapshots (
    service       text        NOT NULL,
    stream_id     text        NOT NULL,
    -- The stream version the state includes.
    version       bigint      NOT NULL CHECK (version > 0),
    -- The state's shape, e.g. 'Product/2'; a snapshot of another shape is ignored.
    snapshot_type text        NOT NULL,
    state         jsonb       NOT NULL,
    saved_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service, stream_id)
) PARTITION BY LIST (service);

CREATE TABLE order_svc.snapshots     PARTITION OF es.snapshots FOR VALUES IN ('order');
CREATE TABLE payment_svc.snapshots   PARTITION OF es.snapshots FOR VALUES IN ('payment');
CREATE TABLE delivery_svc.snapshots  PARTITION OF es.snapshots FOR VALUES IN ('delivery');
CREATE TABLE inventory_svc.snapshots PARTITION OF es.snapshots FOR VALUES IN ('inventory');
