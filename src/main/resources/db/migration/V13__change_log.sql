-- The change feed's fallback (issue 18). Every change that ChangeNotifier announces with NOTIFY is also written here,
-- in the same transaction, so that an instance whose LISTEN connection hears nothing (behind a transaction-pooling
-- PgBouncer, LISTEN silently stops) polls this table instead: one indexed query per interval. Rows older than an
-- hour are deleted by the instances themselves.
create table change_log (
    id          bigserial    primary key,
    payload     text         not null,
    created_at  timestamptz  not null default clock_timestamp()
);
create index change_log_created on change_log (created_at);
