-- What a guest sent as a file (a WhatsApp voice note, photo, video, document or sticker), kept with
-- its message so staff can hear or see it: encrypted like every guest field (AAD message_media/data/
-- message id), removed with the message by retention and erasure.
create table message_media (
  message_id       text primary key references messages (id) on delete cascade,
  mime_type        text not null check (length(mime_type) between 3 and 200),
  size             integer not null check (size >= 0),
  sha256           text not null check (length(sha256) = 64),
  data_enc         blob not null,
  created_at       text not null
) strict, without rowid;
