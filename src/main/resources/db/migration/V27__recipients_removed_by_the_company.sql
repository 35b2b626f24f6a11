-- A person the company removed from a link (the admin API) stays out: neither a recipient's share nor their allowed
-- domain brings them back on that link. A sharer's own withdrawal is not sticky: they may give access again.
alter table link_recipient add column removed_by_admin boolean not null default false;
