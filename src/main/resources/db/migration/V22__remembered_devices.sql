-- "Remember this device" (issue 29): a company may let a verified recipient's browser skip the prompt on its later
-- links to the same recipient for 7 or 30 days. remember_device_since is when the option was last switched on:
-- devices remembered before it (under an earlier "on") do not count, so switching it off ends them all.
alter table tenant add column remember_device_days integer not null default 0
    check (remember_device_days in (0, 7, 30));
alter table tenant add column remember_device_since timestamptz;

-- A remembered browser: the SHA-256 of the token its cookie holds (never the token), the keyed hash of the recipient's
-- address (as links store it), how it was verified (address or code), and the link it was remembered on (revoking
-- that link ends it).
create table remembered_device (
    token_hash   bytea        primary key,
    tenant_id    varchar(64)  not null references tenant (id),
    link_id      varchar(22)  not null references link (id) on delete cascade,
    address_mac  bytea        not null,
    method       varchar(8)   not null check (method in ('address', 'code')),
    created_at   timestamptz  not null,
    expires_at   timestamptz  not null
);
create index remembered_device_address on remembered_device (tenant_id, address_mac);
create index remembered_device_expires on remembered_device (expires_at);
