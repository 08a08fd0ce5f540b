-- Projections are versioned, and a new version is built beside the live one and swapped in
-- (blue/green) when it has caught up; docs/patterns/cqrs.md, "A projection that changes".
--
-- Version 1 of each projection keeps its tables in `report`, where builds before versions
-- wrote them; version N > 1 has a schema of its own, report_<name>_v<N>, made by the
-- migration that brings it (an expand step: builds that do not know it never look there).
-- Nothing renames a table from one version to another, so a build of an older version still
-- running during a rolling deploy writes only its own version's tables.
CREATE TABLE report.projection_versions (
    name        text        NOT NULL,
    version     integer     NOT NULL CHECK (version > 0),
    -- building: filled and followed beside the live one; live: what queries read;
    -- retired: a version swapped out (its tables stay until a contract migration drops them).
    state       text        NOT NULL CHECK (state IN ('building', 'live', 'retired')),
    schema_name text        NOT NULL,
    -- Its checkpoint's subscriber (version 1: the projection's name, as before versions).
    subscriber  text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    live_since  timestamptz,
    PRIMARY KEY (name, version)
);
CREATE UNIQUE INDEX projection_versions_one_live ON report.projection_versions (name) WHERE state = 'live';

INSERT INTO report.projection_versions (name, version, state, schema_name, subscriber, live_since) VALUES
    ('orders', 1, 'live', 'report', 'orders', now()),
    ('sales', 1, 'live', 'report', 'sales', now()),
    ('inventory', 1, 'live', 'report', 'inventory', now());

-- What queries read: one view per report table, over the live version's table. The swap
-- points them at the new version in the transaction that makes it live. A view has the
-- newest known version's columns (report.show_live): those the live version lacks read
-- NULL, so that a reader of the new build can run before the new version is live.
CREATE SCHEMA report_live;
CREATE VIEW report_live.orders AS SELECT *, NULL::text AS currency FROM report.orders;
CREATE VIEW report_live.product_sales AS SELECT * FROM report.product_sales;
CREATE VIEW report_live.sales_orders AS SELECT * FROM report.sales_orders;
CREATE VIEW report_live.inventory AS SELECT * FROM report.inventory;

-- The orders projection, version 2: each order's currency (OrderPlaced v2).
CREATE SCHEMA report_orders_v2;
CREATE TABLE report_orders_v2.orders (LIKE report.orders INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
ALTER TABLE report_orders_v2.orders ADD PRIMARY KEY (order_id);
ALTER TABLE report_orders_v2.orders ADD COLUMN currency text NOT NULL;
CREATE INDEX report_orders_v2_time_idx ON report_orders_v2.orders (order_datetime, order_id);
CREATE INDEX report_orders_v2_user_idx ON report_orders_v2.orders (user_id, order_datetime, order_id);
CREATE INDEX report_orders_v2_status_idx ON report_orders_v2.orders (order_status, order_datetime, order_id);
CREATE INDEX report_orders_v2_payment_idx ON report_orders_v2.orders (payment_id) WHERE payment_id IS NOT NULL;
CREATE INDEX report_orders_v2_delivery_idx ON report_orders_v2.orders (delivery_id) WHERE delivery_id IS NOT NULL;

-- A version being built, and one swapped out, say so in the status.
ALTER TABLE report.projection_status DROP CONSTRAINT projection_status_state_check;
ALTER TABLE report.projection_status ADD CONSTRAINT projection_status_state_check
    CHECK (state IN ('running', 'failed', 'stopped', 'building', 'retired'));
