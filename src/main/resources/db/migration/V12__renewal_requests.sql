-- "Ask for a new link" (issue 17): a recipient stuck on an expired or locked link types the address the document was
-- sent to, and the invoicing application is told (link.renewal_requested, with the recipient's index in the creating
-- request: never the address, which is stored nowhere). One row per link and recipient holds when that recipient
-- last asked, so that at most one request per 24 hours becomes an event; the rest are answered the same and dropped.
create table renewal_request (
    link_id       varchar(22)  not null references link (id) on delete cascade,
    recipient     smallint     not null,
    requested_at  timestamptz  not null,
    primary key (link_id, recipient)
);
-- The tenant decides: self-service renewal on by default; revoked links only when it opts in (a revocation is usually
-- meant).
alter table tenant add column self_service_renewal boolean not null default true;
alter table tenant add column renewal_for_revoked boolean not null default false;
