-- "Was this helpful?" answers from website-widget guests on AI replies (F5): one answer per reply,
-- replaced when the guest changes their mind. The reports read it per day and per conversation.
create table widget_feedback (
  message_id       text primary key references messages (id) on delete cascade,
  conversation_id  text not null references conversations (id) on delete cascade,
  helpful          integer not null check (helpful in (0, 1)),
  created_at       text not null,
  updated_at       text not null
) strict;

create index widget_feedback_conversation on widget_feedback (conversation_id);
create index widget_feedback_created_at on widget_feedback (created_at);
