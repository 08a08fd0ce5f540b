-- What readers route and filter on leaves the metadata document for columns of their own:
-- the saga runner takes an answer by its command id, the history joins on it, and every
-- read used to decode a JSON document per event to find it. From here on es.append_events
-- fills these columns and keeps in `metadata` only what no column holds ('{}' today).
-- Events stored before keep their document and NULL columns: events never change, and
-- readers fall back to the document where the columns are NULL. Nullable columns without
-- a default: a change of the catalog only, however many events are stored.
ALTER TABLE es.events
    ADD COLUMN correlation_id uuid,
    ADD COLUMN causation_id   uuid,
    ADD COLUMN command_id     uuid,
    ADD COLUMN traceparent    text;

-- These two return the event columns by name: they come back from sql/ with the new ones.
DROP FUNCTION IF EXISTS es.load_stream(text, text, text, integer);
DROP FUNCTION IF EXISTS es.follow_partitions(text[], xid8, bigint, integer, boolean);
DELETE FROM public.schema_objects WHERE file_name IN ('load_stream.sql', 'follow_partitions.sql');
