-- Audit events are hash-chained per tenant: hash = SHA-256(prev_hash || canonical form of the event), so an
-- altered or removed event breaks the chain at the next one. Events written before this migration carry no
-- hash and are not part of any chain.
alter table access_event add column detail text;
alter table access_event add column prev_hash bytea;
alter table access_event add column hash bytea;

-- Retention deletes old events but keeps their place in the chain: id and hashes only, no content.
create table access_event_tombstone (
    id        bigint      primary key,
    tenant_id varchar(64) not null,
    prev_hash bytea,
    hash      bytea       not null
);

-- Who used the admin API for a tenant: the company's "who has access" view.
create table admin_principal (
    tenant_id varchar(64)  not null,
    subject   varchar(255) not null,
    name      varchar(255),
    roles     varchar(255) not null default '',
    mfa       boolean      not null default false,
    last_seen timestamptz  not null,
    primary key (tenant_id, subject)
);

create index link_expires on link (expires_at);
