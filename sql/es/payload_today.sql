-- A stored payload in today's shape, for SQL that reads payload fields (es.read_mentions):
-- the same steps as the event types' upcasters in Swift (`DomainEvent.upcasters`), which
-- UpcastingTests hold it to, type by type. Pure: a payload of today's version, or of a type
-- without steps, comes back as it is.
CREATE OR REPLACE FUNCTION es.payload_today(p_type text, p_version integer, p_payload jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        -- OrderPlaced v1 → v2: the currency named, KRW for orders placed before it was.
        WHEN p_type = 'OrderPlaced' AND p_version < 2 AND NOT p_payload ? 'currency'
            THEN p_payload || jsonb_build_object('currency', 'KRW')
        ELSE p_payload
    END
$$;
