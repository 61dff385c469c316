-- Internal notes staff leave on a conversation for the next shift: never sent to the guest, body
-- encrypted like message bodies (AAD conversation_notes/body/<id>), erased with the conversation.
create table conversation_notes (
  id              text primary key,
  conversation_id text not null references conversations (id) on delete cascade,
  author_id       text,
  body_enc        blob not null,
  created_at      text not null
) strict;

create index conversation_notes_conversation on conversation_notes (conversation_id, created_at);

-- The hotel's saved replies, shared by its staff; `text` may hold placeholders such as {guest_name}.
create table saved_replies (
  id              text primary key,
  shortcut        text not null unique check (length(shortcut) between 1 and 24 and shortcut not glob '*[^a-z0-9-]*'),
  text            text not null check (length(text) between 1 and 4000),
  created_by      text,
  created_at      text not null,
  updated_at      text not null
) strict;
