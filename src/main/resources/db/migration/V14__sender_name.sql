-- The sender's name on the prompt (issue 19): a careful recipient can tell the gateway's page from a phishing page
-- when it names who sent the document. Plain text, shown escaped; nothing about the document itself.
alter table tenant add column display_name varchar(80);
alter table tenant add column show_sender_on_prompt boolean not null default true;
