-- Only a link that gained (or revoked) recipients since its creation reads link_recipient (issue 31's follow-up): the
-- first open of every other link stays one plain indexed statement. A trigger sets the flag with the first row, in
-- its transaction, whatever inserts it (an instance of an older version during a rolling upgrade too).
alter table link add column recipient_rows boolean not null default false;
update link set recipient_rows = true where exists (select 1 from link_recipient r where r.link_id = link.id);

create function link_recipient_rows() returns trigger language plpgsql as $$
begin
    update link set recipient_rows = true where id = new.link_id and not recipient_rows;
    return new;
end;
$$;

create trigger link_recipient_rows after insert on link_recipient
    for each row execute function link_recipient_rows();
