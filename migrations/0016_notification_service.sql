-- The notification service (0.21): customers are told their order is confirmed, the create
-- flow's fifth step (flow version 2). Its schema is shaped as the other services' are today:
-- a partition of the events and of the snapshots, an inbox and the record of what it
-- applied, copied from the inventory's (columns, defaults, indexes). It takes no HTTP
-- commands, so it has no idempotency keys. Only adds: builds before it run on beside it.
CREATE SCHEMA notification_svc;
CREATE TABLE notification_svc.events PARTITION OF es.events FOR VALUES IN ('notification');
CREATE TABLE notification_svc.snapshots PARTITION OF es.snapshots FOR VALUES IN ('notification');
CREATE TABLE notification_svc.inbox (LIKE inventory_svc.inbox INCLUDING ALL);
CREATE TABLE notification_svc.inbox_done (LIKE inventory_svc.inbox_done INCLUDING ALL);
