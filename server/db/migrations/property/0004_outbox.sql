-- Outbound messages of one hotel: every AI and staff reply, and proactive messages, are sent from
-- here with retries and backoff; failures end as dead letters that staff can see and retry (D5).
create table outbox (
  id                      text primary key,
  conversation_id         text references conversations (id) on delete cascade,
  message_id              text references messages (id) on delete cascade,
  channel                 text not null check (channel in ('whatsapp', 'email', 'widget', 'test')),
  kind                    text not null default 'reply' check (kind in ('reply', 'proactive')),
  payload_enc             blob not null,
  status                  text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'held', 'dead', 'blocked')),
  attempts                integer not null default 0 check (attempts >= 0),
  next_attempt_at         text not null,
  last_error              text,
  provider_message_id     text,
  override_by             text,
  created_at              text not null,
  sent_at                 text
) strict;

create index outbox_due on outbox (status, next_attempt_at);
create index outbox_created_at on outbox (created_at);
create index outbox_message on outbox (message_id);
create unique index outbox_provider_message on outbox (provider_message_id) where provider_message_id is not null;
