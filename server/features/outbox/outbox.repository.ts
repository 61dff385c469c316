import { connectionOf } from '../../db/handle.js';
import type { Channel } from '../../contract/conversations.js';
import { prepared, type Db } from '../../db/sqlite.js';
import type { PropertyScope } from '../properties/property.service.js';
import { newId } from '../../shared/ids.js';
import { storedProviderId } from '../vault/provider-ids.js';

type OutboxStatus = 'pending' | 'sending' | 'sent' | 'held' | 'dead' | 'blocked';

export interface OutboxRow {
  id: string;
  conversation_id: string | null;
  message_id: string | null;
  channel: Channel;
  kind: 'reply' | 'proactive';
  payload_enc: Buffer;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  provider_message_id: string | null;
  override_by: string | null;
  created_at: string;
  sent_at: string | null;
}

interface OutboxPayload {
  body: string;
}

/** One hotel's outbox; message text encrypted (AAD outbox/payload/<id>). */
export class OutboxRepository {
  private readonly db: Db;

  constructor(private readonly scope: Pick<PropertyScope, 'transaction' | 'cipher' | 'blindIndex'>) {
    this.db = connectionOf(scope);
  }

  insert(o: { conversationId: string | null; messageId: string | null; channel: Channel; kind: 'reply' | 'proactive'; payload: OutboxPayload; status?: OutboxStatus; nextAttemptAt: string; overrideBy?: string | null; at: string }): string {
    const id = newId('out');
    prepared(
      this.db,
      `insert into outbox (id, conversation_id, message_id, channel, kind, payload_enc, status, attempts, next_attempt_at, override_by, created_at)
       values (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)`,
    ).run(
      id, o.conversationId, o.messageId, o.channel, o.kind,
      this.scope.cipher.encrypt(JSON.stringify(o.payload), { table: 'outbox', column: 'payload', rowId: id }),
      o.status ?? 'pending', o.nextAttemptAt, o.overrideBy ?? null, o.at,
    );
    return id;
  }

  payload(row: OutboxRow): OutboxPayload {
    return JSON.parse(this.scope.cipher.decrypt(row.payload_enc, { table: 'outbox', column: 'payload', rowId: row.id })) as OutboxPayload;
  }

  get(id: string): OutboxRow | undefined {
    return prepared(this.db, 'select * from outbox where id = ?').get(id) as OutboxRow | undefined;
  }

  /** Due rows (pending, or held whose time has come), oldest first. Passes never overlap, so nothing is claimed yet. */
  due(now: string, limit: number): OutboxRow[] {
    return prepared(this.db, `select * from outbox where status in ('pending', 'held') and next_attempt_at <= ? order by next_attempt_at, rowid limit ?`).all(now, limit) as OutboxRow[];
  }

  /**
   * Committed immediately before the provider is called: a row left 'sending' by a crash was
   * maybe sent; a 'pending' one certainly was not.
   */
  markSending(id: string): void {
    prepared(this.db, `update outbox set status = 'sending', attempts = attempts + 1 where id = ?`).run(id);
  }

  /**
   * After a crash: rows whose send had started ("maybe sent") go back to pending and are sent
   * again (at-least-once: the widget and email repeat the same message id, so the guest sees one;
   * WhatsApp takes no idempotency key, so that one reply may arrive twice). Returns them by channel.
   */
  releaseStuck(): Record<string, number> {
    return this.db.transaction(() => {
      const rows = prepared(this.db, `select channel, count(*) as n from outbox where status = 'sending' group by channel`).all() as { channel: string; n: number }[];
      prepared(this.db, `update outbox set status = 'pending', last_error = 'sent again after a restart interrupted the send' where status = 'sending'`).run();
      return Object.fromEntries(rows.map((r) => [r.channel, r.n]));
    }).immediate();
  }

  /** The provider's id for the sent message is kept only as a keyed hash: enough to match its status webhooks. */
  markSent(id: string, providerMessageId: string | null, at: string): void {
    const stored = providerMessageId ? storedProviderId(this.scope.blindIndex, providerMessageId) : null;
    prepared(this.db, `update outbox set status = 'sent', sent_at = ?, provider_message_id = ?, last_error = null where id = ?`).run(at, stored, id);
  }

  markRetry(id: string, error: string, nextAttemptAt: string): void {
    prepared(this.db, `update outbox set status = 'pending', last_error = ?, next_attempt_at = ? where id = ?`).run(error.slice(0, 500), nextAttemptAt, id);
  }

  markStatus(id: string, status: OutboxStatus, error: string | null, nextAttemptAt?: string): void {
    prepared(this.db, `update outbox set status = ?, last_error = coalesce(?, last_error), next_attempt_at = coalesce(?, next_attempt_at) where id = ?`)
      .run(status, error?.slice(0, 500) ?? null, nextAttemptAt ?? null, id);
  }

  retry(id: string, at: string): boolean {
    return prepared(this.db, `update outbox set status = 'pending', attempts = 0, next_attempt_at = ? where id = ? and status in ('dead', 'blocked', 'held')`).run(at, id).changes > 0;
  }

  list(statuses: OutboxStatus[], limit: number): OutboxRow[] {
    return prepared(this.db, `select * from outbox where status in (select value from json_each(?)) order by created_at desc limit ?`)
      .all(JSON.stringify(statuses), limit) as OutboxRow[];
  }

  counts(): Record<OutboxStatus, number> {
    const rows = prepared(this.db, 'select status, count(*) as n from outbox group by status').all() as { status: OutboxStatus; n: number }[];
    const out = { pending: 0, sending: 0, sent: 0, held: 0, dead: 0, blocked: 0 };
    for (const r of rows) out[r.status] = r.n;
    return out;
  }

  hasDue(now: string): boolean {
    return prepared(this.db, `select 1 from outbox where status in ('pending', 'held') and next_attempt_at <= ? limit 1`).get(now) !== undefined;
  }
}
