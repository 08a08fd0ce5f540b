-- The read side: denormalized report tables, built only from events by projections,
-- disposable and rebuildable at any time.
CREATE SCHEMA report;

-- One row per order: the order, its payment and its delivery, as the reference's report.
CREATE TABLE report.orders (
    order_id          text        PRIMARY KEY,
    user_id           text        NOT NULL,
    order_datetime    timestamptz NOT NULL,
    order_status      text        NOT NULL,
    total_order_amt   bigint      NOT NULL,
    order_details     jsonb       NOT NULL,
    payment_id        text,
    total_payment_amt bigint,
    payment_status    text,
    payment_details   jsonb,
    delivery_id       text,
    delivery_status   text,
    -- The last thing that happened to the order: the saga's current step.
    saga_step         text        NOT NULL,
    -- The order as it was before an update in flight (to show it again if reverted).
    previous_details  jsonb,
    previous_total    bigint,
    -- Commit-order position of the last event applied, for read-your-writes.
    last_position     text        NOT NULL,
    updated_at        timestamptz NOT NULL DEFAULT now()
);
-- Keyset pagination in order time, alone or filtered by user or status.
CREATE INDEX report_orders_time_idx ON report.orders (order_datetime, order_id);
CREATE INDEX report_orders_user_idx ON report.orders (user_id, order_datetime, order_id);
CREATE INDEX report_orders_status_idx ON report.orders (order_status, order_datetime, order_id);

-- Per product: units ordered and revenue of completed orders, units shipped.
CREATE TABLE report.product_sales (
    product_id    text   PRIMARY KEY,
    units_ordered bigint NOT NULL DEFAULT 0,
    units_shipped bigint NOT NULL DEFAULT 0,
    revenue       bigint NOT NULL DEFAULT 0
);
-- The sales projection's memory of each order's lines: those counted, those pending.
CREATE TABLE report.sales_orders (
    order_id       text  PRIMARY KEY,
    lines          jsonb NOT NULL,
    previous_lines jsonb,
    counted_lines  jsonb NOT NULL DEFAULT '[]'
);

-- Per product: stock on hand, reserved for orders, shipped.
CREATE TABLE report.inventory (
    product_id   text   PRIMARY KEY,
    product_name text   NOT NULL,
    unit_price   bigint NOT NULL,
    on_hand      bigint NOT NULL,
    reserved     bigint NOT NULL DEFAULT 0,
    shipped      bigint NOT NULL DEFAULT 0
);

-- Each projection's state as the runner last saw it; a failure names the event.
CREATE TABLE report.projection_status (
    name              text        PRIMARY KEY,
    state             text        NOT NULL CHECK (state IN ('running', 'failed', 'stopped')),
    failed_position   text,
    failed_event_type text,
    last_error        text,
    updated_at        timestamptz NOT NULL DEFAULT now()
);
