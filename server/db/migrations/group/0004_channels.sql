-- Which WhatsApp number, inbound email address and widget key belongs to which hotel (A2: no
-- fallback), with the channel's secrets encrypted under the master key; and the public listener's
-- rate-limit buckets, kept here so limits survive a restart.
create table channel_bindings (
  id              text primary key,
  property_id     text not null references properties (id) on delete cascade,
  channel         text not null check (channel in ('whatsapp', 'email', 'widget')),
  routing_key     text not null check (length(routing_key) between 1 and 320),
  secrets_enc     blob not null,
  settings        text not null default '{}' check (json_valid(settings)),
  active          integer not null default 1 check (active in (0, 1)),
  created_at      text not null,
  updated_at      text not null,
  unique (channel, routing_key),
  unique (property_id, channel)
) strict;

create table rate_limits (
  key             text primary key,
  tokens          real not null,
  updated_at_ms   integer not null
) strict;
