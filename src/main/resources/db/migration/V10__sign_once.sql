-- signOnce (issue 17): after the upstream accepted a signature (2xx), the link's signature counts as done, so a
-- double click, a browser retry or a second tab never signs twice. Existing links keep the default: on.
alter table link add column sign_once boolean not null default true;
