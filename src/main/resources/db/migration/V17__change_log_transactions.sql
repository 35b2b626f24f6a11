-- The change feed's polling no longer looks back a fixed time (issue 27): a row is found by the transaction that
-- wrote it. tx is that transaction's id (64-bit, never wrapping); a poll reads every row whose transaction was
-- still running, or had not begun, when the previous poll took its snapshot (pg_snapshot_xmin), so a change whose
-- transaction commits long after it wrote its row, or a poll that comes late, misses nothing.
alter table change_log add column tx bigint not null default pg_current_xact_id()::text::bigint;
create index change_log_tx on change_log (tx);
