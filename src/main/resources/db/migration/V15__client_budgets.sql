-- Per-client budgets that hold across instances (issue 27): how many wrong addresses one client may type within
-- securelink.limits.wrong-addresses-period, whichever instance answers (an instance's own token buckets gave N
-- replicas N budgets). The client is its keyed hash (HMAC with the pepper) of an IPv4 address or an IPv6 /64, the
-- same key the per-link locks use; one fixed window per client and kind, reserved before anything is compared.
create table client_budget (
    client       varchar(64)  not null,
    kind         varchar(16)  not null,
    window_start timestamptz  not null,
    used         integer      not null,
    primary key (client, kind)
);
create index client_budget_window on client_budget (window_start);
