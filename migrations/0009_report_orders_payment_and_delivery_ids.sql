-- The orders projection finds a row by its payment id (a payment's update) and by its
-- delivery id (every delivery event after the first). Without an index each of those
-- statements read the whole table: about 50 ms an event at half a million orders, the
-- projection falling behind as the shop grows. Partial: a row without the id is never
-- looked up by it (`payment_id = $1` implies it is not NULL), and a rebuild builds them
-- over the rows that have one. Built in the migration's transaction, which holds the
-- projector back while it runs (about a second per million orders).
CREATE INDEX report_orders_payment_idx ON report.orders (payment_id) WHERE payment_id IS NOT NULL;
CREATE INDEX report_orders_delivery_idx ON report.orders (delivery_id) WHERE delivery_id IS NOT NULL;
