-- Who acted: the signed-in subject (the token's `sub`) whose request an event follows from,
-- a customer or a member of staff, carried by every command the request's flow sends
-- (issue 32). A service decides who may see its part of an order from its own stream: the
-- subject of the event that began it (the create flow acts for the customer who placed the
-- order). NULL without sign-in, and in every event stored before: events never change.
-- Nullable without a default: a change of the catalog only, however many events are stored.
-- Only adds: builds before it run on beside it (their INSERTs name their columns).
ALTER TABLE es.events ADD COLUMN subject text;

-- es.load_stream and es.follow_partitions return it too: their files in sql/ replace them
-- (a function's columns change only by dropping it); builds before read columns by name.
