-- The mail outbox (issue 29): a mail (today the e-mail code) is written here in the transaction of the audit event
-- that asks for it, and sent by workers on every instance the way webhook deliveries are (FOR UPDATE SKIP LOCKED, a
-- lease, a retry schedule, dead letters). The recipient's address and the code are kept only sealed (AES-256-GCM under
-- a key of the mail outbox's own, the row's id as associated data) and only until the mail is settled: sent, failed
-- for good, or expired (past expires_at a mail is pointless, its code no longer works, and it is never sent).
create table mail_delivery (
    id               varchar(40)  primary key,
    tenant_id        varchar(64)  not null references tenant (id),
    kind             varchar(16)  not null,
    locale           varchar(8)   not null,
    sealed           bytea,
    status           varchar(16)  not null check (status in ('pending', 'sent', 'failed', 'expired')),
    attempts         integer      not null default 0,
    next_attempt_at  timestamptz,
    lease            varchar(32),
    last_error       varchar(32),
    expires_at       timestamptz  not null,
    created_at       timestamptz  not null,
    updated_at       timestamptz  not null,
    check (status = 'pending' or sealed is null)
);
create index mail_delivery_due on mail_delivery (next_attempt_at) where status = 'pending';
create index mail_delivery_created on mail_delivery (created_at);
