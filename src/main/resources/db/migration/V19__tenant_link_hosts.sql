-- A company's own link hosts (issue 28): links created for a tenant carry its host (docs.acme.be), and /l/{code} on
-- that host opens only that tenant's codes. A host belongs to one tenant at most (the primary key); the oldest is the
-- one new links carry. A tenant may also keep its links off the gateway's own host once it has one of its own.
create table tenant_link_host (
    host        varchar(253) primary key,
    tenant_id   varchar(64)  not null references tenant (id),
    created_at  timestamptz  not null
);
create index tenant_link_host_tenant on tenant_link_host (tenant_id, created_at);

alter table tenant add column links_on_gateway_host boolean not null default true;
