-- One-time data conversions that need the hotel's keys and so run in code at start-up (not in
-- SQL): each is recorded here once done. The first, 'provider-ids-hashed', turns provider message
-- ids, email Message-IDs and email thread keys stored in plaintext before it into keyed hashes.
create table data_conversions (
  name            text primary key check (length(name) between 1 and 200),
  done_at         text not null
) strict;
