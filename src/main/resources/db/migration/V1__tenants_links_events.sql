-- Secrets are never stored in clear: a link's code only as its SHA-256 (the lookup key), recipients only as
-- HMAC-SHA256(pepper, normalized address), 32 bytes each, concatenated.

create table tenant (
    id                   varchar(64) primary key,
    email_verification   boolean     not null default true,
    support_access       boolean     not null default false,
    support_access_until timestamptz,
    settings_version     bigint      not null default 1,
    created_at           timestamptz not null,
    updated_at           timestamptz not null
);

create table link (
    id             varchar(22)  primary key,
    tenant_id      varchar(64)  not null references tenant (id),
    document       varchar(1024) not null,
    rights         varchar(8)[] not null,
    code_hash      bytea        not null unique check (octet_length(code_hash) = 32),
    recipient_macs bytea        not null check (octet_length(recipient_macs) between 32 and 320
                                                and octet_length(recipient_macs) % 32 = 0),
    locale         varchar(8),
    created_at     timestamptz  not null,
    expires_at     timestamptz  not null,
    revoked_at     timestamptz,
    session_epoch  integer      not null default 0
);

-- Cursor paging of a tenant's links, newest first.
create index link_tenant_created on link (tenant_id, created_at desc, id desc);

-- Failed e-mail checks per link: one row, updated atomically, so every instance sees the same count.
create table link_attempt (
    link_id      varchar(22) primary key references link (id) on delete cascade,
    failures     integer     not null default 0,
    window_start timestamptz not null,
    lock_count   integer     not null default 0,
    locked_until timestamptz
);

-- Append-only audit trail: no code, no e-mail; the client IP only as a keyed hash.
create table access_event (
    id          bigserial   primary key,
    tenant_id   varchar(64) not null,
    link_id     varchar(22),
    type        varchar(32) not null,
    outcome     varchar(32) not null,
    actor       varchar(255),
    client      varchar(64),
    occurred_at timestamptz not null
);

create index access_event_tenant on access_event (tenant_id, id);
create index access_event_link on access_event (link_id, id);
