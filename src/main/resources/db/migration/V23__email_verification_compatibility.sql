-- A rolling upgrade runs the previous release beside this one for a while, and that release reads and writes
-- tenant.email_verification, which V21 replaced with tenant.verification. The column is back for one release, kept in
-- step both ways by a trigger: a write of this release (verification) sets it; a write of the old release
-- (email_verification alone) moves verification as the settings API maps the boolean (false is off; true keeps a
-- mode that is on, off becomes address). A later release drops the column and the trigger.
alter table tenant add column email_verification boolean not null default true;
update tenant set email_verification = (verification <> 'off');

create function tenant_verification_compatibility() returns trigger language plpgsql as $$
begin
    if tg_op = 'UPDATE' and new.verification is not distinct from old.verification
            and new.email_verification is distinct from old.email_verification then
        -- Only the old release's column moved.
        new.verification := case when not new.email_verification then 'off'
                                 when old.verification = 'off' then 'address'
                                 else old.verification end;
    elsif tg_op = 'INSERT' and not new.email_verification and new.verification <> 'off' then
        -- The old release inserted a tenant with the check off (verification took its default).
        new.verification := 'off';
    end if;
    new.email_verification := (new.verification <> 'off');
    return new;
end
$$;

create trigger tenant_verification_compatibility before insert or update on tenant
    for each row execute function tenant_verification_compatibility();
