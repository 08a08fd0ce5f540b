-- contract: drops indexes on columns that change as an order moves, so that those changes
-- are HOT updates (no new index entries; docs/BENCHMARKS.md, issue 28). Builds before 0.20
-- use them; from 0.20 nothing does. Apply with --contract once no build before 0.20 runs.
--
-- The saga rows: builds before 0.20 find the saga an answer moves by the command it waits
-- on (pending_command_id) and the overdue ones by their deadline; from 0.20 a saga is found
-- by its id, which every answer carries (its correlation id), and the overdue ones among the
-- running sagas (order_sagas_one_running_idx). Both columns change at every step.
ALTER TABLE saga.order_sagas DROP CONSTRAINT order_sagas_pending_command_id_key;
DROP INDEX saga.order_sagas_deadline_idx;

-- The orders report: builds before 0.20 find the row of a payment's change by its payment
-- id; from 0.20 by the order id the payment id carries (the key, as a payment's status
-- changes always were), so the payment's creation, which sets payment_id, changes the row
-- in place. Two indexes stay, each for a query that needs it: the delivery id's (a delivery's
-- later events name only it, and may name one created for another order) and the status's
-- (GET /api/v1/reports?status= lists by it; an order's status changes once or twice in its
-- life, not at each step).
DROP INDEX report.report_orders_payment_idx;
DROP INDEX report_orders_v2.report_orders_v2_payment_idx;
