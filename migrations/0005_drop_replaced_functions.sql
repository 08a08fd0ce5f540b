-- Functions whose files left sql/: es.stream_version had no caller (appends find the
-- version inside es.append_events), and es.has_events_after is es.has_events_between up
-- to the end of the log. The functions go, and so do their records.
DROP FUNCTION IF EXISTS es.stream_version(text, text);
DROP FUNCTION IF EXISTS es.has_events_after(text[], xid8, bigint);
DELETE FROM public.schema_objects WHERE file_name IN ('stream_version.sql', 'has_events_after.sql');
