-- "opened" is audited once per session, whichever instance serves its first document request.
alter table access_event add column session_id varchar(32);

create unique index access_event_opened on access_event (link_id, session_id) where type = 'opened';
