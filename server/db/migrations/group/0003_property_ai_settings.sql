-- Per-hotel assistant settings: the hand-off threshold, quiet hours for proactive messages,
-- an optional per-hotel cloud budget, and the country used to read local phone numbers.
alter table properties add column confidence_threshold real not null default 0.7 check (confidence_threshold >= 0 and confidence_threshold <= 1);
alter table properties add column quiet_hours_start text not null default '21:00' check (quiet_hours_start glob '[0-2][0-9]:[0-5][0-9]');
alter table properties add column quiet_hours_end text not null default '08:00' check (quiet_hours_end glob '[0-2][0-9]:[0-5][0-9]');
alter table properties add column cloud_budget_usd real check (cloud_budget_usd is null or cloud_budget_usd >= 0);
alter table properties add column country text not null default 'MY' check (length(country) = 2 and country not glob '*[^A-Z]*');
