-- Honest forwarding (issue 31): a verified recipient shares the document with a colleague, who becomes a recipient of
-- the same link under an index of their own, and verifies with their own address.
--
-- The company caps what may be shared: off, view (the default), view+sign or full. A link may set a stricter value.
alter table tenant add column recipient_sharing varchar(16) not null default 'view'
    check (recipient_sharing in ('off', 'view', 'view+sign', 'full'));
alter table link add column sharing varchar(16)
    check (sharing in ('off', 'view', 'view+sign', 'full'));
-- An organisation as audience (code mode only): any verified mailbox at one of these registrable domains.
alter table link add column allow_domains varchar(253)[];

-- The recipients a link gained after its creation: people a recipient shared it with (added_by: the sharer's index)
-- and people of an allowed domain who proved their mailbox (added_by null). Only the keyed hash of the address is
-- stored. Indexes continue after the creating request's recipients and are never reused; a removed person keeps the
-- row with removed_at, so that the evidence and a second removal still name them.
create table link_recipient (
    link_id       varchar(22)  not null references link (id) on delete cascade,
    recipient     smallint     not null check (recipient >= 0),
    address_mac   bytea        not null check (octet_length(address_mac) = 32),
    added_by      smallint,
    rights        varchar(8)[] not null,
    depth         smallint     not null check (depth >= 0),
    added_at      timestamptz  not null,
    removed_at    timestamptz,
    primary key (link_id, recipient)
);

-- One live entry per person and link.
create unique index link_recipient_live on link_recipient (link_id, address_mac) where removed_at is null;
