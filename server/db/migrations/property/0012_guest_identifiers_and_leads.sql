-- Finding a guest everywhere (B6) and counting only real leads (F2).
--
-- guest_identifiers: blind indexes (HMAC, the hotel's blind-index key) of every phone number and
-- email address a guest wrote in a message or that a lead holds, so an access or erasure request
-- finds her by either even when her guest record holds only one. Filled by catching up on new
-- messages and leads before each lookup (server/features/guests/guest-identifier.repository.ts);
-- rows go with the guest (foreign key).
create table guest_identifiers (
  bidx                    text not null,
  guest_id                text not null references guests (id) on delete cascade,
  source                  text not null check (source in ('message', 'lead', 'conversation')),
  -- The message, lead or conversation (its reply-to address) the identifier was read from.
  ref_id                  text not null,
  primary key (bidx, ref_id)
) strict, without rowid;

create index guest_identifiers_guest on guest_identifiers (guest_id);
create index leads_updated_at on leads (updated_at);

-- A conversation is a lead when it shows booking, event or dining intent, left contact details for
-- a follow-up (a way to reach the guest other than the channel they wrote on), or was converted.
-- Everything else is an inquiry. This column is the one definition; reports and the Leads screen read it.
alter table leads add column contact_given integer not null default 0 check (contact_given in (0, 1));
alter table leads add column is_lead integer generated always as (intent <> 'other' or contact_given = 1 or status = 'converted') virtual;

-- The report facts copy it; only real leads are summed into the daily lead rollups. Facts of
-- deleted conversations keep what their intent and status said.
alter table report_leads add column is_lead integer not null default 1 check (is_lead in (0, 1));
update report_leads set is_lead = (intent <> 'other' or status = 'converted');
delete from report_daily_leads;
insert into report_daily_leads (day, channel, intent, leads, after_hours_leads, conversions, booking_value, after_hours_conversions, recovered_value)
select day, channel, intent, sum(captured), sum(captured * after_hours), sum(converted), total(converted * coalesce(booking_value, 0)),
       sum(converted * after_hours), total(converted * after_hours * coalesce(booking_value, 0))
from (
  select day, channel, intent, after_hours, booking_value, 1 as captured, case when converted_day = day then 1 else 0 end as converted
    from report_leads where is_lead = 1
  union all
  select converted_day, channel, intent, after_hours, booking_value, 0, 1 from report_leads where is_lead = 1 and converted_day is not null and converted_day <> day
) group by day, channel, intent;
