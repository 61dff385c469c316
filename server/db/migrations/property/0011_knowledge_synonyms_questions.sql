-- Retrieval that learns a hotel's words: its own synonym sets, and the (masked) questions staff
-- answered through "Answer and add to knowledge", indexed with the item they were answered by.
create table knowledge_synonyms (
  id              text primary key,
  words           text not null check (json_valid(words) and json_type(words) = 'array'),
  position        integer not null default 0,
  created_at      text not null,
  updated_at      text not null
) strict;

create table knowledge_questions (
  id              integer primary key autoincrement,
  item_id         text not null references knowledge_items (id),
  text            text not null check (length(text) between 1 and 500),
  created_at      text not null
) strict;

create index knowledge_questions_item on knowledge_questions (item_id, id);

-- The lexical index gains a "questions" column (an item's learned questions, on each of its chunks).
-- It is rebuilt here from knowledge_chunks as plain text; the server then re-writes it in its
-- current token form (Chinese words from Intl.Segmenter) once, when lexical_format is below its own.
drop table knowledge_fts_vocab;
drop table knowledge_fts;
create virtual table knowledge_fts using fts5 (title, heading, body, questions, tokenize = 'porter unicode61 remove_diacritics 2');
create virtual table knowledge_fts_vocab using fts5vocab (knowledge_fts, 'row');
insert into knowledge_fts (rowid, title, heading, body, questions)
  select c.id, i.title, c.heading, c.text, '' from knowledge_chunks c join knowledge_items i on i.id = c.item_id;

alter table knowledge_index add column lexical_format integer not null default 1;
