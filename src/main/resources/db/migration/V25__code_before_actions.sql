-- A code before sign and pay (issue 29): a session verified by an address alone reaches a sign or pay page only after
-- an e-mail code, asked on a gateway page and remembered for that session.
alter table tenant add column code_before_actions boolean not null default false;
