-- Webhook deliveries (issue 16): the outbox. A delivery row is written, for each enabled endpoint that subscribes to
-- the event's type, in the transaction that seals the audit event it reports (so only a committed event is ever
-- delivered, and its payload carries the event's chain hash); a checkpoint's in the transaction that stores it; a
-- test event's by the admin request. Workers on every instance claim due rows with FOR UPDATE SKIP LOCKED and a
-- lease (next_attempt_at moved past the attempt's timeout), so a worker that dies mid-attempt hands its row back.
create table webhook_delivery (
    id               varchar(40)  primary key,
    endpoint_id      varchar(32)  not null references webhook_endpoint (id) on delete cascade,
    tenant_id        varchar(64)  not null references tenant (id),
    message_id       varchar(40)  not null,
    event_type       varchar(64)  not null,
    event_id         bigint,
    body             text         not null,
    status           varchar(16)  not null check (status in ('pending', 'succeeded', 'failed')),
    attempts         integer      not null default 0,
    next_attempt_at  timestamptz,
    lease            varchar(32),
    last_error       varchar(32),
    created_at       timestamptz  not null,
    updated_at       timestamptz  not null,
    unique (endpoint_id, message_id)
);
create index webhook_delivery_due on webhook_delivery (next_attempt_at) where status = 'pending';
create index webhook_delivery_endpoint on webhook_delivery (endpoint_id, created_at desc, id desc);
create index webhook_delivery_created on webhook_delivery (created_at);

-- Each attempt: when, how it ended, how long it took and the first kilobyte of the answer.
create table webhook_attempt (
    delivery_id  varchar(40)  not null references webhook_delivery (id) on delete cascade,
    attempt      integer      not null,
    started_at   timestamptz  not null,
    duration_ms  integer      not null,
    status_code  integer,
    error        varchar(32),
    response     text,
    primary key (delivery_id, attempt)
);

-- An endpoint that keeps failing is disabled after securelink.webhooks.disable-after; why is shown to the tenant.
alter table webhook_endpoint add column failing_since timestamptz;
alter table webhook_endpoint add column disabled_reason varchar(32);

-- link.expired is emitted within a minute of a link's expiry: the link package records an audit event "expired" once
-- per link and marks it here. Links already expired when this migration runs are not announced after the fact.
alter table link add column expiry_recorded boolean not null default false;
update link set expiry_recorded = true where expires_at <= now();
create index link_expiry_due on link (expires_at) where not expiry_recorded;
