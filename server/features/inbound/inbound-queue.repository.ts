import { prepared, type Db } from '../../db/sqlite.js';
import type { Channel } from '../../contract/conversations.js';
import type { BlindIndex, FieldCipher } from '../vault/field-crypto.js';
import { isStoredProviderId, storedProviderId } from '../vault/provider-ids.js';

/** The channel an event came in on: its handler is that channel's `inbound` step. */
export type InboundProvider = Channel;

interface NewInboundEvent {
  propertyId: string;
  provider: InboundProvider;
  externalId: string;
  eventType: string;
  payload: string;
  receivedAt: string;
}

/**
 * The durable inbound queue (webhook events) in group.db. `insert` commits the encrypted raw event and its
 * idempotency receipt (property, provider, external id, event type) in one statement; a repeat
 * delivery is reported as a duplicate and stored nothing (D4, D5). The table keeps its first name,
 * `inbox_events`: renaming it would need a migration that rebuilds the table for no behaviour.
 */
export class InboundQueueRepository {
  private readonly findReceipt;
  private readonly nextId;
  private readonly insertEvent;

  constructor(private readonly db: Db) {
    this.findReceipt = db.prepare<[string, string, string, string], { id: number }>(
      'select id from inbox_events where property_id = ? and provider = ? and external_id = ? and event_type = ?',
    );
    this.nextId = db.prepare<[], { id: number }>('select coalesce(max(id), 0) + 1 as id from inbox_events');
    this.insertEvent = db.prepare(
      `insert into inbox_events (id, property_id, provider, external_id, event_type, payload_enc, status, attempts, next_attempt_at, received_at)
       values (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)`,
    );
  }

  /** `keys`: the hotel's cipher (payload) and blind index (the provider's id is stored only as a keyed hash). */
  insert(e: NewInboundEvent, keys: { cipher: FieldCipher; blindIndex: Pick<BlindIndex, 'token'> }): { id: number; duplicate: boolean } {
    const { cipher } = keys;
    const externalId = storedProviderId(keys.blindIndex, e.externalId);
    return this.db.transaction(() => {
      const existing = this.findReceipt.get(e.propertyId, e.provider, externalId, e.eventType);
      if (existing) return { id: existing.id, duplicate: true };
      const next = this.nextId.get()!.id;
      this.insertEvent.run(next, e.propertyId, e.provider, externalId, e.eventType, cipher.encrypt(e.payload, { table: 'inbox_events', column: 'payload', rowId: next }), e.receivedAt, e.receivedAt);
      return { id: next, duplicate: false };
    }).immediate();
  }

  /** Claims due events, oldest first: of one hotel, or of every hotel but the `busy` ones. */
  claimDue(now: string, limit: number, which: { only: string } | { busy: readonly string[] } = { busy: [] }): { id: number; property_id: string; provider: InboundProvider; attempts: number; received_at: string }[] {
    return this.db.transaction(() => {
      const rows = (
        'only' in which
          ? prepared(this.db, `select id, property_id, provider, attempts, received_at from inbox_events where status = 'pending' and next_attempt_at <= ? and property_id = ? order by id limit ?`).all(now, which.only, limit)
          : prepared(
              this.db,
              `select id, property_id, provider, attempts, received_at from inbox_events
               where status = 'pending' and next_attempt_at <= ? and property_id not in (select value from json_each(?)) order by id limit ?`,
            ).all(now, JSON.stringify(which.busy), limit)
      ) as { id: number; property_id: string; provider: InboundProvider; attempts: number; received_at: string }[];
      const claim = prepared(this.db, `update inbox_events set status = 'processing', attempts = attempts + 1, claimed_at = ? where id = ?`);
      for (const r of rows) claim.run(now, r.id);
      return rows.map((r) => ({ ...r, attempts: r.attempts + 1 }));
    }).immediate();
  }

  /** A processed event keeps its receipt (for idempotency) but not its raw payload: no guest data lingers. */
  finish(id: number, status: 'done' | 'failed', error: string | null, at: string): void {
    prepared(this.db, `update inbox_events set status = ?, last_error = ?, processed_at = ?, payload_enc = case when ? = 'done' then x'' else payload_enc end where id = ?`)
      .run(status, error?.slice(0, 500) ?? null, at, status, id);
  }

  retryLater(id: number, error: string, nextAttemptAt: string): void {
    prepared(this.db, `update inbox_events set status = 'pending', last_error = ?, next_attempt_at = ? where id = ?`).run(error.slice(0, 500), nextAttemptAt, id);
  }

  /**
   * After a restart, events caught mid-processing: each counts the interruption; one that already
   * ran past its time budget, or was interrupted `maxInterruptions` times (it may be what stopped
   * the appliance), goes to the dead letters; the others are queued again.
   */
  releaseStuck(opts: { now: string; budgetMs: number; maxInterruptions: number }): { released: number; dead: number } {
    return this.db.transaction(() => {
      const over = new Date(Date.parse(opts.now) - opts.budgetMs).toISOString();
      prepared(this.db, `update inbox_events set interruptions = interruptions + 1 where status = 'processing'`).run();
      const dead = prepared(
        this.db,
        `update inbox_events set status = 'failed', processed_at = @now,
           last_error = case when claimed_at is not null and claimed_at < @over
             then 'ran past its time budget of ' || @seconds || ' s before a restart; not replayed'
             else 'interrupted by ' || interruptions || ' restarts while being processed; not replayed' end
         where status = 'processing' and ((claimed_at is not null and claimed_at < @over) or interruptions >= @max)`,
      ).run({ now: opts.now, over, seconds: String(Math.round(opts.budgetMs / 1000)), max: opts.maxInterruptions }).changes;
      const released = prepared(this.db, `update inbox_events set status = 'pending' where status = 'processing'`).run().changes;
      return { released, dead };
    }).immediate();
  }

  /** How many of one hotel's inbound events failed for good. */
  failedCount(propertyId: string): number {
    return (prepared(this.db, `select count(*) as n from inbox_events where property_id = ? and status = 'failed'`).get(propertyId) as { n: number }).n;
  }

  /** One hotel's inbound events that failed for good (dead letters), newest first. */
  deadLetters(propertyId: string, limit: number): { id: number; provider: InboundProvider; event_type: string; attempts: number; interruptions: number; last_error: string | null; received_at: string; processed_at: string | null }[] {
    return prepared(
      this.db,
      `select id, provider, event_type, attempts, interruptions, last_error, received_at, processed_at from inbox_events
       where property_id = ? and status = 'failed' order by processed_at desc limit ?`,
    ).all(propertyId, limit) as ReturnType<InboundQueueRepository['deadLetters']>;
  }

  /** A dead letter staff send back to the queue; false when it is not one of this hotel's or its payload is gone. */
  requeue(propertyId: string, id: number, now: string): boolean {
    return prepared(
      this.db,
      `update inbox_events set status = 'pending', attempts = 0, interruptions = 0, next_attempt_at = ?, last_error = null
       where id = ? and property_id = ? and status = 'failed' and length(payload_enc) > 0`,
    ).run(now, id, propertyId).changes > 0;
  }

  hasDue(now: string): boolean {
    return prepared(this.db, `select 1 from inbox_events where status in ('pending', 'processing') and next_attempt_at <= ? limit 1`).get(now) !== undefined;
  }

  counts(): Record<string, number> {
    const rows = prepared(this.db, 'select status, count(*) as n from inbox_events group by status').all() as { status: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  /** Events of a hotel that still hold a raw payload (not yet processed, or failed). */
  withPayload(propertyId: string): number[] {
    return (prepared(this.db, `select id from inbox_events where property_id = ? and length(payload_enc) > 0`).all(propertyId) as { id: number }[]).map((r) => r.id);
  }

  erasePayload(id: number): void {
    prepared(this.db, `update inbox_events set payload_enc = x'', status = case when status in ('pending', 'processing') then 'dropped' else status end where id = ?`).run(id);
  }

  payload(id: number, cipher: FieldCipher): string | undefined {
    const row = prepared(this.db, 'select payload_enc from inbox_events where id = ?').get(id) as { payload_enc: Buffer } | undefined;
    if (!row || row.payload_enc.length === 0) return undefined;
    return cipher.decrypt(row.payload_enc, { table: 'inbox_events', column: 'payload', rowId: id });
  }

  count(): number {
    return (prepared(this.db, 'select count(*) as n from inbox_events').get() as { n: number }).n;
  }

  /** Deletes every queued or processed event of a hotel. Returns how many. */
  deleteForProperty(propertyId: string): number {
    return prepared(this.db, 'delete from inbox_events where property_id = ?').run(propertyId).changes;
  }

  /** Re-seals an event's raw payload in place (data-key rotation); `reseal` gets the stored value and returns the new one. */
  resealPayload(id: number, reseal: (value: Buffer, slot: { table: string; column: string; rowId: number }) => Buffer): void {
    const row = prepared(this.db, 'select payload_enc as v from inbox_events where id = ?').get(id) as { v: Buffer } | undefined;
    if (!row || row.v.length === 0) return;
    prepared(this.db, 'update inbox_events set payload_enc = ? where id = ? and length(payload_enc) > 0').run(reseal(row.v, { table: 'inbox_events', column: 'payload', rowId: id }), id);
  }

  /**
   * Once per hotel (recorded in data_conversions as `conversion`): its receipts' provider ids still
   * stored in plaintext become keyed hashes (provider-ids.ts); then the WAL is emptied so no
   * plaintext copy stays. Returns how many rows changed.
   */
  hashStoredExternalIds(propertyId: string, blindIndex: Pick<BlindIndex, 'token'>, conversion: string, at: string): number {
    if (prepared(this.db, 'select 1 from data_conversions where name = ?').get(conversion) !== undefined) return 0;
    const rows = this.db.transaction(() => {
      const receipts = (
        prepared(this.db, `select id, external_id from inbox_events where property_id = ? and external_id not like 'h1:%'`).all(propertyId) as { id: number; external_id: string }[]
      ).filter((r) => !isStoredProviderId(r.external_id));
      const setReceipt = prepared(this.db, 'update inbox_events set external_id = ? where id = ?');
      let n = 0;
      for (const r of receipts) n += setReceipt.run(storedProviderId(blindIndex, r.external_id), r.id).changes;
      prepared(this.db, 'insert into data_conversions (name, done_at) values (?, ?) on conflict (name) do nothing').run(conversion, at);
      return n;
    })();
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return rows;
  }
}
