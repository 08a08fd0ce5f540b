-- An applied command leaves its inbox instead of being marked there: the worker deletes its
-- row and records it here, in the transaction that applies it. The inbox then holds only
-- what waits (and what was parked), and no row is ever updated on the way through: marking
-- processed_at was an update of a column both partial indexes name, never a HOT one, four
-- times an order (docs/BENCHMARKS.md, issue 28).
--
-- This is what the inbox row served once applied: the command's name for an order's history
-- (InboxReads), and the duplicate check on command_id — a command applied twice would
-- record itself twice, which the key refuses, rolling back the second application whole.
-- Rows that builds before 0.20 marked processed stay in the inbox, and are read as before.
CREATE TABLE inventory_svc.inbox_done (
    command_id   uuid        PRIMARY KEY,
    command      text        NOT NULL,
    outcome      text        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE payment_svc.inbox_done  (LIKE inventory_svc.inbox_done INCLUDING ALL);
CREATE TABLE delivery_svc.inbox_done (LIKE inventory_svc.inbox_done INCLUDING ALL);
CREATE TABLE order_svc.inbox_done    (LIKE inventory_svc.inbox_done INCLUDING ALL);
