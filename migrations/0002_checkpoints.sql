-- Where each subscriber (projector, saga, …) has read up to, per source.
-- Updated by compare-and-set in the subscriber's own transaction (es.advance_checkpoint).
CREATE TABLE es.checkpoints (
    subscriber      text        NOT NULL,
    -- The partition(s) read, e.g. 'order' or 'delivery+order+payment'.
    source          text        NOT NULL,
    transaction_id  xid8        NOT NULL,
    global_position bigint      NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (subscriber, source)
);
