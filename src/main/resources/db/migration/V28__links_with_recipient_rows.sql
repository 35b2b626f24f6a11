-- Only a link that gained (or revoked) recipients since its creation reads link_recipient (issue 31's follow-up): the
-- first open of every other link stays one plain indexed statement. Set with the first row, in its transaction.
alter table link add column recipient_rows boolean not null default false;
update link set recipient_rows = true where exists (select 1 from link_recipient r where r.link_id = link.id);
