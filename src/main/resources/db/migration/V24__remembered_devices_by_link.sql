-- Deleting a link (the retention purge) deletes the browsers remembered on it: without this index each deleted link
-- would scan the whole table.
create index remembered_device_link on remembered_device (link_id);
