-- The verification mode per company (issue 29): off, address (the typed address must be a recipient's) or code (a
-- one-time code mailed to that address proves the mailbox). Today's boolean becomes off or address.
alter table tenant add column verification varchar(8) not null default 'address'
    check (verification in ('off', 'address', 'code'));
update tenant set verification = case when email_verification then 'address' else 'off' end;
alter table tenant drop column email_verification;

-- An e-mail code asked for on a link's prompt, bound to the browser that asked (a keyed hash of its form nonce).
-- Written alike for a recipient's address and for any other (recipient -1, and no mail is written), so that the
-- answer tells nothing. The code is kept only as a keyed hash over the row's id and the code; the typed address only
-- as a keyed hash (for the per-address limit) and sealed (for a resend). Rows stay a day, for the hourly limits.
create table link_code_challenge (
    id            varchar(40)  primary key,
    link_id       varchar(22)  not null references link (id) on delete cascade,
    browser       bytea        not null,
    client        varchar(64)  not null,
    address_mac   bytea        not null,
    recipient     integer      not null,
    code_hash     bytea        not null,
    sealed        bytea        not null,
    tries         integer      not null default 0,
    used          boolean      not null default false,
    expires_at    timestamptz  not null,
    created_at    timestamptz  not null
);
create index link_code_challenge_browser on link_code_challenge (link_id, browser, created_at);
create index link_code_challenge_address on link_code_challenge (link_id, address_mac, created_at);
create index link_code_challenge_client on link_code_challenge (client, created_at);
create index link_code_challenge_created on link_code_challenge (created_at);
