-- Poison commands: a command whose handling keeps failing (not for a business reason — those
-- are answered with a rejection — but with an error) is tried a few times, then parked with
-- its last error, so it cannot hold its inbox up for ever. Parked, it is answered with a
-- rejection when that can still be done (processed_at set: its saga compensates), or left
-- for an operator (`emporium inbox list|retry|drop`); `outcome = 'dropped'` once dropped.
ALTER TABLE inventory_svc.inbox ADD COLUMN attempts integer NOT NULL DEFAULT 0,
                                ADD COLUMN last_error text, ADD COLUMN parked_at timestamptz;
ALTER TABLE payment_svc.inbox   ADD COLUMN attempts integer NOT NULL DEFAULT 0,
                                ADD COLUMN last_error text, ADD COLUMN parked_at timestamptz;
ALTER TABLE delivery_svc.inbox  ADD COLUMN attempts integer NOT NULL DEFAULT 0,
                                ADD COLUMN last_error text, ADD COLUMN parked_at timestamptz;
ALTER TABLE order_svc.inbox     ADD COLUMN attempts integer NOT NULL DEFAULT 0,
                                ADD COLUMN last_error text, ADD COLUMN parked_at timestamptz;
