-- One hotel's database. Every guest field is encrypted with this hotel's data key; phone and email
-- are also stored as blind indexes (HMAC) so a returning guest is found without decrypting rows.
create table meta (
  key             text primary key,
  value           text not null
) strict;

create table guests (
  id              text primary key,
  name_enc        blob,
  phone_enc       blob,
  email_enc       blob,
  phone_bidx      text,
  email_bidx      text,
  key_version     integer not null default 1 check (key_version >= 1),
  created_at      text not null,
  updated_at      text not null
) strict;

create index guests_phone_bidx on guests (phone_bidx) where phone_bidx is not null;
create index guests_email_bidx on guests (email_bidx) where email_bidx is not null;
create index guests_created_at on guests (created_at);
