-- Email threading for one hotel: every Message-ID we have seen or sent, mapped to the thread key of
-- its conversation, so a guest's reply to our reply (In-Reply-To / References) finds the thread.
create table email_threads (
  message_id      text primary key check (length(message_id) between 1 and 998),
  thread_key      text not null check (length(thread_key) between 1 and 998),
  direction       text not null check (direction in ('inbound', 'outbound')),
  created_at      text not null
) strict;

-- Mailgun webhook tokens already used (replay protection). Signed requests older than the
-- freshness window are refused anyway, so old tokens are pruned.
create table email_webhook_tokens (
  token           text primary key check (length(token) between 1 and 200),
  seen_at_ms      integer not null
) strict;

create index email_webhook_tokens_seen on email_webhook_tokens (seen_at_ms);
