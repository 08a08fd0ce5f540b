-- Rows that change at every step of an order change in place (HOT updates: no new index
-- entries, no index pages dirtied), which needs room on their page for the new version:
-- the saga row grows a history line at each of its four moves, the live report row gains
-- its payment and delivery. New pages keep that room; pages filled before stay as they are.
-- (The indexes that made those updates not HOT go in 0014, a contract step.)
ALTER TABLE saga.order_sagas SET (fillfactor = 50);
ALTER TABLE report.orders SET (fillfactor = 70);
ALTER TABLE report_orders_v2.orders SET (fillfactor = 70);
