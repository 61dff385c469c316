import type { Db } from '../../db/sqlite.js';
import type { PropertyScope } from '../properties/property.service.js';
import { isStoredProviderId, storedProviderId } from './provider-ids.js';

const CONVERSION = 'provider-ids-hashed';

function done(db: Db, name: string): boolean {
  return db.prepare('select 1 from data_conversions where name = ?').get(name) !== undefined;
}

function markDone(db: Db, name: string, at: string): void {
  db.prepare('insert into data_conversions (name, done_at) values (?, ?) on conflict (name) do nothing').run(name, at);
}

/**
 * The data migration behind property migration 0013 and group migration 0005: provider message
 * ids, email Message-IDs and email thread keys stored in plaintext before they were hashed become
 * keyed hashes (provider-ids.ts), and email conversations are re-keyed to match, so a guest's reply
 * to an old thread still finds it. Runs once per hotel (recorded in data_conversions); afterwards
 * the WAL is checkpointed so no copy of an old value stays in it.
 */
export function hashStoredProviderIds(scope: Pick<PropertyScope, 'db' | 'blindIndex' | 'property'>, group: Db, at: string): { rows: number } {
  const { db, blindIndex } = scope;
  const stored = (v: string) => storedProviderId(blindIndex, v);
  let rows = 0;
  if (!done(db, CONVERSION)) {
    rows += db.transaction(() => {
      let n = 0;
      const messages = (db.prepare(`select id, external_id from messages where external_id is not null and external_id not like 'h1:%'`).all() as { id: string; external_id: string }[]).filter((r) => !isStoredProviderId(r.external_id));
      const setExternal = db.prepare('update messages set external_id = ? where id = ?');
      for (const r of messages) n += setExternal.run(stored(r.external_id), r.id).changes;
      const outbox = db.prepare(`select id, provider_message_id as pid from outbox where provider_message_id is not null and provider_message_id not like 'h1:%'`).all() as { id: string; pid: string }[];
      const setProvider = db.prepare('update outbox set provider_message_id = ? where id = ?');
      for (const r of outbox) n += setProvider.run(stored(r.pid), r.id).changes;
      const threads = (db.prepare('select message_id, thread_key from email_threads').all() as { message_id: string; thread_key: string }[]).filter(
        (r) => !isStoredProviderId(r.message_id) || !isStoredProviderId(r.thread_key),
      );
      const rekey = db.prepare(`update conversations set thread_bidx = ? where thread_bidx = ? and channel = 'email'`);
      for (const key of new Set(threads.map((r) => r.thread_key).filter((k) => !isStoredProviderId(k)))) {
        n += rekey.run(blindIndex.token('thread:email', stored(key)), blindIndex.token('thread:email', key)).changes;
      }
      const setThread = db.prepare('update email_threads set message_id = ?, thread_key = ? where message_id = ?');
      for (const r of threads) n += setThread.run(stored(r.message_id), stored(r.thread_key), r.message_id).changes;
      markDone(db, CONVERSION, at);
      return n;
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
  }
  const groupName = `${CONVERSION}:${scope.property.id}`;
  if (!done(group, groupName)) {
    rows += group.transaction(() => {
      const receipts = (group.prepare(`select id, external_id from inbox_events where property_id = ? and external_id not like 'h1:%'`).all(scope.property.id) as { id: number; external_id: string }[]).filter(
        (r) => !isStoredProviderId(r.external_id),
      );
      const setReceipt = group.prepare('update inbox_events set external_id = ? where id = ?');
      let n = 0;
      for (const r of receipts) n += setReceipt.run(stored(r.external_id), r.id).changes;
      markDone(group, groupName, at);
      return n;
    })();
    group.pragma('wal_checkpoint(TRUNCATE)');
  }
  return { rows };
}
