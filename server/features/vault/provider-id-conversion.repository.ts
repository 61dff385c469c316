import { connectionOf, type Transactional } from '../../db/handle.js';
import { prepared, type Db } from '../../db/sqlite.js';
import type { BlindIndex } from './field-crypto.js';
import { isStoredProviderId, storedProviderId } from './provider-ids.js';

/**
 * The one-off data migration behind property migration 0013 (provider-id-conversion.ts): provider
 * message ids, outbox provider ids and email thread keys stored in plaintext become keyed hashes,
 * and email conversations are re-keyed to match. Like a migration, it touches several features'
 * tables, so its statements live here, with the conversion, rather than in each owner.
 */
export class ProviderIdConversionRepository {
  private readonly db: Db;

  constructor(private readonly store: Pick<Transactional, 'transaction'>) {
    this.db = connectionOf(store);
  }

  done(name: string): boolean {
    return prepared(this.db, 'select 1 from data_conversions where name = ?').get(name) !== undefined;
  }

  /** Hashes every plaintext provider id and thread key, and records `name` as done, in one transaction. Returns how many rows changed. */
  hashAll(blindIndex: Pick<BlindIndex, 'token'>, name: string, at: string): number {
    const stored = (v: string) => storedProviderId(blindIndex, v);
    return this.store.transaction(() => {
      let n = 0;
      const messages = (prepared(this.db, `select id, external_id from messages where external_id is not null and external_id not like 'h1:%'`).all() as { id: string; external_id: string }[]).filter(
        (r) => !isStoredProviderId(r.external_id),
      );
      const setExternal = prepared(this.db, 'update messages set external_id = ? where id = ?');
      for (const r of messages) n += setExternal.run(stored(r.external_id), r.id).changes;
      const outbox = prepared(this.db, `select id, provider_message_id as pid from outbox where provider_message_id is not null and provider_message_id not like 'h1:%'`).all() as { id: string; pid: string }[];
      const setProvider = prepared(this.db, 'update outbox set provider_message_id = ? where id = ?');
      for (const r of outbox) n += setProvider.run(stored(r.pid), r.id).changes;
      const threads = (prepared(this.db, 'select message_id, thread_key from email_threads').all() as { message_id: string; thread_key: string }[]).filter(
        (r) => !isStoredProviderId(r.message_id) || !isStoredProviderId(r.thread_key),
      );
      const rekey = prepared(this.db, `update conversations set thread_bidx = ? where thread_bidx = ? and channel = 'email'`);
      for (const key of new Set(threads.map((r) => r.thread_key).filter((k) => !isStoredProviderId(k)))) {
        n += rekey.run(blindIndex.token('thread:email', stored(key)), blindIndex.token('thread:email', key)).changes;
      }
      const setThread = prepared(this.db, 'update email_threads set message_id = ?, thread_key = ? where message_id = ?');
      for (const r of threads) n += setThread.run(stored(r.message_id), stored(r.thread_key), r.message_id).changes;
      prepared(this.db, 'insert into data_conversions (name, done_at) values (?, ?) on conflict (name) do nothing').run(name, at);
      return n;
    });
  }
}
