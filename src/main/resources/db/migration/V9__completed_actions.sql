-- Completed actions (issue 17): the invoicing application marks a link's payment or signature done (its payment
-- provider told it); the gateway then shows that instead of the pay or sign pages and forwards no submission.
alter table link add column completed varchar(8)[] not null default '{}';
