-- Idempotent sign and pay submissions (issue 17): one row per link, action and Idempotency-Key (its SHA-256: the key
-- is the client's choice), reserved before the submission is forwarded, so that a duplicate on any instance meets
-- it. In flight, the row turns a duplicate away (409); done, it holds the answer to replay (status, headers without
-- Set-Cookie, body up to 64 KB). A 5xx, a gateway page or an answer too large to keep deletes it, so that a retry
-- is forwarded again. Rows expire after securelink.upstream.idempotency-ttl; an in-flight row older than twice the
-- response timeout is taken to be abandoned (its instance died).
create table idempotency_record (
    link_id      varchar(22)  not null references link (id) on delete cascade,
    action       varchar(8)   not null,
    key_hash     bytea        not null,
    fingerprint  bytea        not null,
    state        varchar(10)  not null check (state in ('in_flight', 'done')),
    status       integer,
    headers      text,
    body         bytea,
    created_at   timestamptz  not null,
    expires_at   timestamptz  not null,
    primary key (link_id, action, key_hash)
);
create index idempotency_record_expires on idempotency_record (expires_at);
