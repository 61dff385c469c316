-- Group database: properties, their wrapped keys, the master-key check, the durable webhook inbox,
-- grouped unexpected errors, and group-wide settings.
create table properties (
  id              text primary key,
  slug            text not null unique check (length(slug) between 2 and 48 and slug not glob '*[^a-z0-9-]*'),
  name            text not null check (length(name) between 1 and 120),
  timezone        text not null check (length(timezone) between 1 and 64),
  currency        text not null default 'USD' check (length(currency) = 3 and currency not glob '*[^A-Z]*'),
  plan            text not null default 'standard' check (plan in ('trial', 'standard', 'premium')),
  active          integer not null default 1 check (active in (0, 1)),
  retention_days  integer not null default 90 check (retention_days between 1 and 3650),
  desk_hours      text not null check (json_valid(desk_hours)),
  closures        text not null default '[]' check (json_valid(closures)),
  created_at      text not null,
  updated_at      text not null
) strict;

create index properties_created_at on properties (created_at);

-- Per-property data key and blind-index key, each wrapped (AES-256-GCM) by the master key.
create table property_keys (
  property_id     text not null references properties (id) on delete cascade,
  version         integer not null check (version >= 1),
  wrapped_dek     blob not null,
  wrapped_bidx    blob not null,
  status          text not null default 'active' check (status in ('active', 'retired')),
  created_at      text not null,
  primary key (property_id, version)
) strict;

-- One row: a value encrypted under the master key, so a wrong key is detected at start-up,
-- and the scrypt salt when the master key comes from a passphrase.
create table master_key_check (
  id              integer primary key check (id = 1),
  kdf_salt        blob,
  check_value     blob not null,
  created_at      text not null
) strict;

-- Durable inbox: a webhook is acknowledged only after its row is committed here. The unique key
-- is the idempotency receipt (D4). The raw payload is encrypted with the property's data key.
create table inbox_events (
  id              integer primary key,
  property_id     text references properties (id) on delete cascade,
  provider        text not null check (provider in ('whatsapp', 'email', 'widget', 'test')),
  external_id     text not null check (length(external_id) between 1 and 512),
  event_type      text not null check (length(event_type) between 1 and 64),
  payload_enc     blob not null,
  status          text not null default 'pending' check (status in ('pending', 'processing', 'done', 'failed', 'dropped', 'stale')),
  attempts        integer not null default 0 check (attempts >= 0),
  next_attempt_at text not null,
  last_error      text,
  received_at     text not null,
  processed_at    text,
  unique (property_id, provider, external_id, event_type)
) strict;

create index inbox_events_due on inbox_events (status, next_attempt_at);
create index inbox_events_received_at on inbox_events (received_at);

-- Unexpected errors grouped by fingerprint, for the admin's system screen.
create table error_groups (
  fingerprint     text primary key,
  name            text not null,
  message         text not null,
  route           text,
  count           integer not null default 1 check (count >= 1),
  first_seen      text not null,
  last_seen       text not null
) strict;

create index error_groups_last_seen on error_groups (last_seen);

create table settings (
  key             text primary key,
  value           text not null check (json_valid(value)),
  updated_at      text not null
) strict;
