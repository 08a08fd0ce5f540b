-- es.stream_version had no caller: appends find the version inside es.append_events.
-- Its file left sql/, so its function and its record go too.
DROP FUNCTION IF EXISTS es.stream_version(text, text);
DELETE FROM public.schema_objects WHERE file_name = 'stream_version.sql';
