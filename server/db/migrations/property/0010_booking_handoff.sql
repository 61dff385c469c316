-- nocturn: rebuilds tables
-- A booking, event or dining request handed to staff gets its own reason, "booking", so the
-- inbox, the reports and the knowledge gaps can tell it from a question the assistant could not
-- answer. SQLite cannot change a CHECK constraint in place: the table is rebuilt (SQLite's
-- documented procedure, run with foreign keys off and checked before commit), with its indexes
-- and its report trigger.
create table conversations_next (
  id                      text primary key,
  guest_id                text not null references guests (id) on delete cascade,
  channel                 text not null check (channel in ('whatsapp', 'email', 'widget', 'test')),
  thread_bidx             text not null,
  status                  text not null check (status in ('ai', 'needs_human', 'human', 'resolved')),
  handoff_reason          text check (handoff_reason is null or handoff_reason in
                            ('low_confidence', 'no_knowledge', 'asked_for_person', 'complaint', 'refund', 'dispute', 'payment', 'ai_paused', 'no_model', 'rate_limited', 'staff', 'injection', 'backlog', 'booking')),
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

insert into conversations_next (id, guest_id, channel, thread_bidx, status, handoff_reason, assigned_to, language, message_count, ai_confidence_sum, ai_confidence_count, unread_count, after_hours, subject_enc, reply_to_enc, last_message_at, last_guest_message_at, first_response_at, resolved_at, created_at, updated_at)
  select id, guest_id, channel, thread_bidx, status, handoff_reason, assigned_to, language, message_count, ai_confidence_sum, ai_confidence_count, unread_count, after_hours, subject_enc, reply_to_enc, last_message_at, last_guest_message_at, first_response_at, resolved_at, created_at, updated_at from conversations;

drop table conversations;
alter table conversations_next rename to conversations;

create index conversations_inbox on conversations (status_rank, last_message_at desc, id);
create index conversations_thread on conversations (thread_bidx, status);
create index conversations_status_last on conversations (status, last_message_at);
create index conversations_last_message_at on conversations (last_message_at);
create index conversations_created_at on conversations (created_at);
create index conversations_guest on conversations (guest_id);

create trigger report_conversation_update after update on conversations
begin
  insert or ignore into report_dirty (conversation_id) values (new.id);
end;
