-- Staff accounts, grants, sessions, login throttling, the tamper-evident audit log and the AI kill switch.
create table users (
  id                  text primary key,
  email               text not null unique collate nocase check (length(email) between 3 and 254 and email like '%_@_%'),
  display_name        text not null check (length(display_name) between 1 and 120),
  password_hash       text not null,
  role                text not null check (role in ('admin', 'manager', 'agent')),
  all_properties      integer not null default 0 check (all_properties in (0, 1)),
  active              integer not null default 1 check (active in (0, 1)),
  totp_secret_enc     blob,
  totp_enabled        integer not null default 0 check (totp_enabled in (0, 1)),
  password_changed_at text not null,
  created_at          text not null,
  updated_at          text not null
) strict;

create table user_grants (
  user_id             text not null references users (id) on delete cascade,
  property_id         text not null references properties (id) on delete cascade,
  primary key (user_id, property_id)
) strict;

create index user_grants_property on user_grants (property_id);

-- Server-side sessions: the cookie carries a random token; only its SHA-256 is stored.
create table sessions (
  token_hash          text primary key,
  user_id             text not null references users (id) on delete cascade,
  csrf_token          text not null,
  created_at          text not null,
  last_seen_at        text not null,
  expires_at          text not null,
  address             text,
  user_agent          text,
  revoked_at          text,
  revoked_reason      text
) strict;

create index sessions_user on sessions (user_id);
create index sessions_expires_at on sessions (expires_at);

-- Login throttling per account and per address; survives restarts.
create table login_throttle (
  key                 text primary key,
  failures            integer not null default 0 check (failures >= 0),
  locked_until        text,
  last_failure_at     text
) strict;

-- Append-only, hash-chained audit log: each row stores the previous row's hash and its own.
create table audit_log (
  seq                 integer primary key,
  at                  text not null,
  actor_id            text,
  actor_role          text,
  actor_label         text,
  action              text not null check (length(action) between 1 and 64),
  target              text,
  property_id         text,
  request_id          text,
  address             text,
  before_json         text check (before_json is null or json_valid(before_json)),
  after_json          text check (after_json is null or json_valid(after_json)),
  prev_hash           text not null,
  hash                text not null
) strict;

create index audit_log_at on audit_log (at);
create index audit_log_property_at on audit_log (property_id, at);
create index audit_log_action_at on audit_log (action, at);
create index audit_log_actor_at on audit_log (actor_id, at);

create trigger audit_log_no_update before update on audit_log
begin
  select raise(abort, 'the audit log is append-only');
end;

create trigger audit_log_no_delete before delete on audit_log
begin
  select raise(abort, 'the audit log is append-only');
end;

-- The AI kill switch: scope 'group' pauses every hotel; a property id pauses one.
create table ai_switches (
  scope               text primary key,
  paused              integer not null check (paused in (0, 1)),
  reason              text,
  changed_by          text,
  changed_at          text not null
) strict;
