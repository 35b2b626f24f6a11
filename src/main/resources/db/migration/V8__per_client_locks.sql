-- Locks per client (issue 17): wrong addresses lock a link's e-mail check for the client that typed them (its keyed
-- hash, as the audit trail keeps it: never an IP address), so that one holder of the code cannot lock the real
-- recipients out. link_attempt now counts every client's wrong addresses against the per-link ceiling
-- (securelink.limits.link-ceiling within .link-ceiling-window) and holds the lock for everyone that the ceiling sets;
-- its rows carry over (a lock in force stays in force, for everyone).
create table link_client_attempt (
    link_id       varchar(22)  not null references link (id) on delete cascade,
    client        varchar(32)  not null,
    failures      integer      not null,
    window_start  timestamptz  not null,
    lock_count    integer      not null,
    locked_until  timestamptz,
    primary key (link_id, client)
);
