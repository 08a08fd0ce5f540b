-- contract: builds before 0.20 find the saga an answer moves by the command it waits on
-- (pending_command_id), and the overdue ones by their deadline; from 0.20 a saga is found by
-- its id, which every answer carries (its correlation id), and the overdue ones among the
-- running sagas. Both columns change at every step, so while an index holds them no update
-- of a saga row is a HOT one. Apply with --contract once no build before 0.20 runs.
ALTER TABLE saga.order_sagas DROP CONSTRAINT order_sagas_pending_command_id_key;
DROP INDEX saga.order_sagas_deadline_idx;
