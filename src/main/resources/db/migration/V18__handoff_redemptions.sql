-- Documents on origins of their own (issue 28): a verified visitor is sent from the prompt's host to the document's
-- host with a handoff token, single-use across every instance: its id (a SHA-256, never the token) is stored here
-- when it is redeemed, and a second redemption finds it. Rows go once the token could no longer be redeemed anyway.
create table handoff_redemption (
    token_hash  bytea        primary key,
    expires_at  timestamptz  not null
);
create index handoff_redemption_expires on handoff_redemption (expires_at);
