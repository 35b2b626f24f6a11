-- Webhook endpoints (issue 16): where a tenant's events are delivered. The signing secret is kept encrypted
-- (AES-256-GCM, the endpoint id as associated data) under a key the database never sees; a rotated-out secret stays
-- usable for signing until previous_secret_until.
create table webhook_endpoint (
    id                     varchar(32)   primary key,
    tenant_id              varchar(64)   not null references tenant (id),
    url                    varchar(2048) not null,
    event_types            text[]        not null,
    enabled                boolean       not null,
    description            varchar(500),
    secret                 bytea         not null,
    previous_secret        bytea,
    previous_secret_until  timestamptz,
    created_at             timestamptz   not null,
    updated_at             timestamptz   not null
);
create index webhook_endpoint_tenant on webhook_endpoint (tenant_id, created_at, id);
