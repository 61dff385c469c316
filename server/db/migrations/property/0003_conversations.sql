-- Conversations, messages and leads of one hotel. Bodies and lead details are encrypted with the
-- hotel's data key. State machines are documented in server/features/conversations/README.md.
alter table guests add column opted_out_at text;
alter table guests add column opted_out_channel text;

create table conversations (
  id                      text primary key,
  guest_id                text not null references guests (id) on delete cascade,
  channel                 text not null check (channel in ('whatsapp', 'email', 'widget', 'test')),
  thread_bidx             text not null,
  status                  text not null check (status in ('ai', 'needs_human', 'human', 'resolved')),
  handoff_reason          text check (handoff_reason is null or handoff_reason in
                            ('low_confidence', 'no_knowledge', 'asked_for_person', 'complaint', 'refund', 'dispute', 'payment', 'ai_paused', 'no_model', 'rate_limited', 'staff', 'injection', 'backlog')),
  assigned_to             text,
  language                text not null default 'en',
  message_count           integer not null default 0 check (message_count >= 0),
  ai_confidence_sum       real not null default 0 check (ai_confidence_sum >= 0),
  ai_confidence_count     integer not null default 0 check (ai_confidence_count >= 0),
  unread_count            integer not null default 0 check (unread_count >= 0),
  after_hours             integer not null default 0 check (after_hours in (0, 1)),
  subject_enc             blob,
  -- Where replies go (WhatsApp id, email address and thread headers, widget session), encrypted.
  reply_to_enc            blob,
  last_message_at         text not null,
  last_guest_message_at   text,
  first_response_at       text,
  resolved_at             text,
  created_at              text not null,
  updated_at              text not null,
  -- Inbox order: needs a person first, then AI-handled, then staff-held, then resolved.
  status_rank             integer generated always as (case status when 'needs_human' then 0 when 'ai' then 1 when 'human' then 2 else 3 end) virtual
) strict;

create index conversations_inbox on conversations (status_rank, last_message_at desc, id);
create index conversations_thread on conversations (thread_bidx, status);
create index conversations_status_last on conversations (status, last_message_at);
create index conversations_last_message_at on conversations (last_message_at);
create index conversations_created_at on conversations (created_at);
create index conversations_guest on conversations (guest_id);

create table messages (
  id                      text primary key,
  conversation_id         text not null references conversations (id) on delete cascade,
  role                    text not null check (role in ('guest', 'assistant', 'staff', 'system')),
  body_enc                blob not null,
  external_id             text,
  author_id               text,
  provider                text check (provider is null or provider in ('ollama', 'cloud', 'knowledge', 'template')),
  model                   text,
  confidence              real check (confidence is null or (confidence >= 0 and confidence <= 1)),
  cited_item_ids          text not null default '[]' check (json_valid(cited_item_ids)),
  input_tokens            integer check (input_tokens is null or input_tokens >= 0),
  output_tokens           integer check (output_tokens is null or output_tokens >= 0),
  latency_ms              integer check (latency_ms is null or latency_ms >= 0),
  cost_usd                real check (cost_usd is null or cost_usd >= 0),
  flags                   text not null default '[]' check (json_valid(flags)),
  delivery_status         text check (delivery_status is null or delivery_status in ('pending', 'queued', 'sent', 'delivered', 'read', 'failed', 'held')),
  created_at              text not null
) strict;

create index messages_conversation on messages (conversation_id);
create index messages_created_at on messages (created_at);
create unique index messages_external on messages (external_id) where external_id is not null;

create table leads (
  id                      text primary key,
  conversation_id         text not null unique references conversations (id) on delete cascade,
  guest_id                text not null references guests (id) on delete cascade,
  intent                  text not null check (intent in ('room_booking', 'event', 'dining', 'other')),
  status                  text not null default 'new' check (status in ('new', 'contacted', 'converted', 'lost')),
  details_enc             blob not null,
  check_in                text,
  check_out               text,
  party_size              integer check (party_size is null or party_size between 1 and 1000),
  source_channel          text not null check (source_channel in ('whatsapp', 'email', 'widget', 'test')),
  after_hours             integer not null default 0 check (after_hours in (0, 1)),
  booking_value           real check (booking_value is null or booking_value >= 0),
  lost_reason             text,
  converted_at            text,
  created_at              text not null,
  updated_at              text not null,
  check (status <> 'converted' or booking_value is not null)
) strict;

create index leads_status_created on leads (status, created_at);
create index leads_created_at on leads (created_at);
create index leads_guest on leads (guest_id);

-- Cloud model spend per hotel day (hotel time zone), for the daily budget (C8).
create table cloud_spend (
  day                     text primary key check (day glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  spent_usd               real not null default 0 check (spent_usd >= 0)
) strict;
