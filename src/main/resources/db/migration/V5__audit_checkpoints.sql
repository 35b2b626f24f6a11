-- Signed checkpoints of each tenant's chain (audit/AuditCheckpoints): how far the chain had come and its hash
-- there, signed with a key kept outside the database. A tenant who keeps a copy can later show that the newest
-- events were deleted or rewritten, even together with the chain head.
create table audit_checkpoint (
    tenant_id  varchar(64) not null,
    seq        bigint      not null,
    hash       bytea       not null,
    created_at timestamptz not null,
    jws        text        not null,
    primary key (tenant_id, seq)
);
