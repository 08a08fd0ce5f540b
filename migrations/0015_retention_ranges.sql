-- Applied commands and finished sagas are kept for the retention (`emporium serve
-- --retention`, 7 days by default), then deleted in batches (the Retention loop). Each
-- batch asks for the rows older than a cutoff: these BRIN indexes answer that by skipping
-- every block range written later, where a plain scan would read the whole table each
-- time only to find nothing. Rows are written in time order, so the ranges stay narrow;
-- a BRIN index costs an insert next to nothing, and no update of these columns was a HOT
-- one before (an inbox_done row is never updated; a saga's finished_at is set by the move
-- that also changes its status, which a partial index names).
--
-- No build requires it: on a database that has not taken contract step 0014, `migrate`
-- stops there (an older build still runs) and this waits with it; until then a pass reads
-- the tables whole, which is slower, not wrong.
CREATE INDEX inbox_done_processed_at_brin ON inventory_svc.inbox_done USING brin (processed_at);
CREATE INDEX inbox_done_processed_at_brin ON payment_svc.inbox_done USING brin (processed_at);
CREATE INDEX inbox_done_processed_at_brin ON delivery_svc.inbox_done USING brin (processed_at);
CREATE INDEX inbox_done_processed_at_brin ON order_svc.inbox_done USING brin (processed_at);
CREATE INDEX order_sagas_finished_at_brin ON saga.order_sagas USING brin (finished_at);
