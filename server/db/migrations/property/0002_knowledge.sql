-- The hotel's knowledge base (C2, C3, F3). Items are never deleted, only deactivated; titles are
-- unique within the hotel (this file is the hotel's own database, so no property_id column).
create table knowledge_items (
  id              text primary key,
  category        text not null check (category in ('rates', 'rooms', 'facilities', 'dining', 'directions', 'policies', 'faqs')),
  title           text not null check (length(trim(title)) between 1 and 200),
  content         text not null check (length(content) between 1 and 50000),
  metadata        text not null default '{}' check (json_valid(metadata) and json_type(metadata) = 'object'),
  active          integer not null default 1 check (active in (0, 1)),
  source          text,
  author          text,
  created_at      text not null,
  updated_at      text not null
) strict;

create unique index knowledge_items_title on knowledge_items (title collate nocase);
create index knowledge_items_list on knowledge_items (active, category, title collate nocase);

-- Retrieval units cut from active items only; a deactivated item has no chunks, so it can never
-- be retrieved. `embedded` marks chunks whose vector (for the index's embedder) is stored: the
-- re-index job works through `embedded = 0` and so resumes where it stopped after a restart.
create table knowledge_chunks (
  id              integer primary key autoincrement,
  item_id         text not null references knowledge_items (id),
  seq             integer not null check (seq >= 0),
  heading         text not null default '',
  text            text not null check (length(text) > 0),
  embedded        integer not null default 0 check (embedded in (0, 1)),
  unique (item_id, seq)
) strict;

create index knowledge_chunks_pending on knowledge_chunks (id) where embedded = 0;

-- Lexical index: rowid = knowledge_chunks.id. Porter stemming for English; Chinese and other
-- unspaced scripts are written as character bigrams by the repository before indexing.
create virtual table knowledge_fts using fts5 (title, heading, body, tokenize = 'porter unicode61 remove_diacritics 2');
-- Document frequency of every indexed (stemmed) term, for weighting a question's words.
create virtual table knowledge_fts_vocab using fts5vocab (knowledge_fts, 'row');

-- Each chunk's embedding as float32 (exact similarity), and - created at run time by the repository,
-- because its dimension is the active embedder's - a sqlite-vec vec0 table of the same vectors
-- as sign bits (rowid = chunk id) for fast nearest-neighbour candidates. The row below records which
-- embedder and dimension the stored vectors belong to, and the state of the indexing job.
create table knowledge_vectors (
  chunk_id        integer primary key references knowledge_chunks (id) on delete cascade,
  embedding       blob not null
) strict;

create table knowledge_index (
  id              integer primary key check (id = 1),
  embedder        text not null default 'none',
  dimension       integer not null default 0 check (dimension between 0 and 8192),
  state           text not null default 'idle' check (state in ('idle', 'indexing', 'failed')),
  error           text,
  started_at      text,
  updated_at      text not null
) strict;

insert into knowledge_index (id, updated_at) values (1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
