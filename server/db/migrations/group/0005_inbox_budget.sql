-- Poison events (D5): when an event was last claimed, and how many times a restart cut its
-- processing short, so a per-event time budget and an attempt limit can move it to the dead
-- letters (status 'failed', with the reason in last_error) and its hotel's lane goes on.
alter table inbox_events add column claimed_at text;
alter table inbox_events add column interruptions integer not null default 0 check (interruptions >= 0);

create index inbox_events_dead on inbox_events (property_id, status, processed_at);

-- One-time data conversions run in code at start-up (they need a hotel's keys), recorded once
-- done: 'provider-ids-hashed:<property id>' turns that hotel's inbox receipts into keyed hashes.
create table data_conversions (
  name            text primary key check (length(name) between 1 and 200),
  done_at         text not null
) strict;
