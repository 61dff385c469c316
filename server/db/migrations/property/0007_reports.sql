-- Manager reports (F2) and knowledge gaps (F5) of one hotel.
--
-- report_conversations and report_leads hold one row of figures per conversation and per lead:
-- channel, status, times and counts, never a name, a contact detail or a message text. They are
-- refreshed from the raw rows whenever a conversation or lead changes, can be rebuilt from the raw
-- rows, and are kept when retention or erasure deletes those rows (B5, B6): for old periods they
-- are the source of truth. The report_daily* tables are their sums per hotel day (hotel time zone)
-- and are what the summaries and trends read. No foreign keys to the raw tables, on purpose.
create table report_conversations (
  conversation_id         text primary key,
  -- Hotel-local date and hour the conversation started.
  day                     text not null check (day glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  hour                    integer not null check (hour between 0 and 23),
  started_at              text not null,
  channel                 text not null check (channel in ('whatsapp', 'email', 'widget', 'test')),
  after_hours             integer not null check (after_hours in (0, 1)),
  status                  text not null check (status in ('ai', 'needs_human', 'human', 'resolved')),
  -- Set when a person was asked for or stepped in; 'staff' when staff took over unasked.
  handoff_reason          text,
  handed_off              integer not null check (handed_off in (0, 1)),
  ai_resolved             integer not null check (ai_resolved in (0, 1)),
  guest_messages          integer not null check (guest_messages >= 0),
  ai_replies              integer not null check (ai_replies >= 0),
  staff_replies           integer not null check (staff_replies >= 0),
  -- Seconds from the guest's first message to the first AI reply / the first staff reply.
  ai_first_response_s     real check (ai_first_response_s is null or ai_first_response_s >= 0),
  staff_first_response_s  real check (staff_first_response_s is null or staff_first_response_s >= 0),
  cost_usd                real not null default 0 check (cost_usd >= 0),
  feedback_up             integer not null default 0 check (feedback_up >= 0),
  feedback_down           integer not null default 0 check (feedback_down >= 0),
  updated_at              text not null,
  check (handed_off = 1 or handoff_reason is null)
) strict;

create index report_conversations_day on report_conversations (day, started_at);
-- Covering indexes for the response-time percentiles of a period.
create index report_conversations_ai_frt on report_conversations (day, ai_first_response_s) where ai_first_response_s is not null;
create index report_conversations_staff_frt on report_conversations (day, staff_first_response_s) where staff_first_response_s is not null;

create table report_leads (
  lead_id                 text primary key,
  conversation_id         text not null,
  -- Hotel-local date the lead was captured, and the date it converted.
  day                     text not null check (day glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  converted_day           text check (converted_day is null or converted_day glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  channel                 text not null check (channel in ('whatsapp', 'email', 'widget', 'test')),
  intent                  text not null check (intent in ('room_booking', 'event', 'dining', 'other')),
  after_hours             integer not null check (after_hours in (0, 1)),
  status                  text not null check (status in ('new', 'contacted', 'converted', 'lost')),
  booking_value           real check (booking_value is null or booking_value >= 0),
  updated_at              text not null,
  check (status <> 'converted' or converted_day is not null)
) strict;

create index report_leads_day on report_leads (day);
create index report_leads_converted_day on report_leads (converted_day) where converted_day is not null;
create index report_leads_conversation on report_leads (conversation_id);

-- Guests' "was this helpful?" answers arrive without an event: these triggers note the
-- conversation, and the reports refresh its figures before they next read.
create table report_dirty (
  conversation_id         text primary key
) strict, without rowid;

create trigger report_feedback_insert after insert on widget_feedback
begin
  insert or ignore into report_dirty (conversation_id) values (new.conversation_id);
end;

create trigger report_feedback_update after update on widget_feedback
begin
  insert or ignore into report_dirty (conversation_id) values (new.conversation_id);
end;

-- Per hotel day and channel, of the conversations that started that day.
create table report_daily (
  day                     text not null,
  channel                 text not null,
  inquiries               integer not null default 0 check (inquiries >= 0),
  after_hours             integer not null default 0 check (after_hours >= 0),
  ai_resolved             integer not null default 0 check (ai_resolved >= 0),
  handoffs                integer not null default 0 check (handoffs >= 0),
  guest_messages          integer not null default 0 check (guest_messages >= 0),
  ai_replies              integer not null default 0 check (ai_replies >= 0),
  staff_replies           integer not null default 0 check (staff_replies >= 0),
  cost_usd                real not null default 0 check (cost_usd >= 0),
  feedback_up             integer not null default 0 check (feedback_up >= 0),
  feedback_down           integer not null default 0 check (feedback_down >= 0),
  primary key (day, channel)
) strict, without rowid;

-- Per hotel day and local hour the conversations started (the hour-of-day breakdown).
create table report_daily_hours (
  day                     text not null,
  hour                    integer not null check (hour between 0 and 23),
  inquiries               integer not null default 0 check (inquiries >= 0),
  after_hours             integer not null default 0 check (after_hours >= 0),
  primary key (day, hour)
) strict, without rowid;

create table report_daily_handoffs (
  day                     text not null,
  channel                 text not null,
  reason                  text not null,
  handoffs                integer not null check (handoffs >= 0),
  primary key (day, channel, reason)
) strict, without rowid;

-- Leads counted on the day they were captured; conversions and their value on the day they converted.
create table report_daily_leads (
  day                     text not null,
  channel                 text not null,
  intent                  text not null,
  leads                   integer not null default 0 check (leads >= 0),
  after_hours_leads       integer not null default 0 check (after_hours_leads >= 0),
  conversions             integer not null default 0 check (conversions >= 0),
  booking_value           real not null default 0 check (booking_value >= 0),
  after_hours_conversions integer not null default 0 check (after_hours_conversions >= 0),
  recovered_value         real not null default 0 check (recovered_value >= 0),
  primary key (day, channel, intent)
) strict, without rowid;

-- Report history: the daily and weekly reports the scheduler wrote, and those asked for by hand,
-- with the figures as they were when the report was made (CSV and PDF are rendered from these).
create table reports (
  id                      text primary key,
  kind                    text not null check (kind in ('daily', 'weekly', 'custom')),
  period_from             text not null check (period_from glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  period_to               text not null check (period_to glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  snapshot                text not null check (json_valid(snapshot)),
  created_by              text,
  created_at              text not null,
  check (period_from <= period_to)
) strict;

create unique index reports_scheduled on reports (kind, period_from) where kind <> 'custom';
create index reports_created_at on reports (created_at);

-- Knowledge gaps (F5): guest questions the AI could not answer (hand-offs for no knowledge or low
-- confidence), clustered by similar wording. The example question is masked of contact details
-- and encrypted with the hotel's data key (AAD knowledge_gaps/question/<id>); the words used for
-- clustering are stored only as keyed hashes (the hotel's blind-index key).
create table knowledge_gaps (
  id                      text primary key,
  tokens                  text not null check (json_valid(tokens)),
  question_enc            blob not null,
  question_count          integer not null default 0 check (question_count >= 0),
  status                  text not null default 'open' check (status in ('open', 'added', 'dismissed')),
  knowledge_item_id       text,
  first_asked_at          text not null,
  last_asked_at           text not null,
  closed_by               text,
  closed_at               text,
  check (status <> 'added' or knowledge_item_id is not null)
) strict;

create index knowledge_gaps_open on knowledge_gaps (status, question_count desc, last_asked_at desc);

create table knowledge_gap_questions (
  message_id              text primary key,
  gap_id                  text not null references knowledge_gaps (id) on delete cascade,
  conversation_id         text not null,
  reason                  text not null check (reason in ('no_knowledge', 'low_confidence')),
  asked_at                text not null
) strict;

create index knowledge_gap_questions_gap on knowledge_gap_questions (gap_id, asked_at);
create index knowledge_gap_questions_conversation on knowledge_gap_questions (conversation_id);
