-- Audit events are written with one insert, without a lock, and sealed into their tenant's chain in the
-- background (audit/AuditSealer): seq is an event's place in the chain, given when it is sealed, in the order
-- the sealer sees the events (a later id may commit earlier; the chain follows seq, never id).
alter table access_event add column seq bigint;
-- Every existing row counts as sealed: chained (it has a hash) or, written before V3, outside any chain.
alter table access_event add column sealed boolean not null default true;
alter table access_event alter column sealed set default false;
alter table access_event_tombstone add column seq bigint;

-- The existing chains were ordered by id, tombstones in their places: that order becomes seq.
create temporary table chain_position on commit drop as
select id, row_number() over (partition by tenant_id order by id) as seq
from (select id, tenant_id from access_event where hash is not null
      union all
      select id, tenant_id from access_event_tombstone) chained;

update access_event e set seq = p.seq from chain_position p where e.id = p.id;
update access_event_tombstone t set seq = p.seq from chain_position p where t.id = p.id;
alter table access_event_tombstone alter column seq set not null;

-- Each tenant's chain head: what the next sealed event links to. It outlives any purge of the events it names,
-- so retention never changes what a later event links to.
create table audit_chain_head (
    tenant_id varchar(64) primary key,
    seq       bigint      not null,
    hash      bytea       not null,
    sealed_at timestamptz not null
);

insert into audit_chain_head (tenant_id, seq, hash, sealed_at)
select distinct on (tenant_id) tenant_id, seq, hash, now()
from (select tenant_id, seq, hash from access_event where seq is not null
      union all
      select tenant_id, seq, hash from access_event_tombstone) chained
order by tenant_id, seq desc;

create index access_event_unsealed on access_event (tenant_id, id) where not sealed;
create unique index access_event_chain on access_event (tenant_id, seq) where seq is not null;
