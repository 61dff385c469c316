import { connectionOf } from '../../../db/handle.js';
import type { Db } from '../../../db/sqlite.js';
import type { PropertyScope } from '../../properties/property.service.js';
import { storedProviderId } from '../../vault/provider-ids.js';

/**
 * One hotel's email threading table and Mailgun replay tokens (property migration 0005).
 * Message-IDs and thread keys are stored only as keyed hashes (provider-ids.ts); a thread key is
 * the stored form of its root Message-ID, and callers treat it as opaque.
 */
export class EmailThreadRepository {
  private readonly db: Db;

  constructor(private readonly scope: Pick<PropertyScope, 'transaction' | 'blindIndex'>) {
    this.db = connectionOf(scope);
  }

  /** The thread key of a conversation rooted at this Message-ID (or the key itself, when already one). */
  threadKeyOf(rootMessageId: string): string {
    return storedProviderId(this.scope.blindIndex, rootMessageId);
  }

  /** The thread keys of those (bare) ids that we know, by id. One query. */
  lookup(messageIds: readonly string[]): Map<string, string> {
    if (messageIds.length === 0) return new Map();
    const byStored = new Map(messageIds.map((id) => [storedProviderId(this.scope.blindIndex, id), id]));
    const rows = this.db
      .prepare('select message_id, thread_key from email_threads where message_id in (select value from json_each(?))')
      .all(JSON.stringify([...byStored.keys()])) as { message_id: string; thread_key: string }[];
    return new Map(rows.map((r) => [byStored.get(r.message_id)!, r.thread_key]));
  }

  /** Remembers which thread a message belongs to; the first mapping wins (idempotent). */
  record(messageId: string, threadKey: string, direction: 'inbound' | 'outbound', at: string): void {
    this.db
      .prepare('insert into email_threads (message_id, thread_key, direction, created_at) values (?, ?, ?, ?) on conflict (message_id) do nothing')
      .run(storedProviderId(this.scope.blindIndex, messageId), this.threadKeyOf(threadKey), direction, at);
  }

  /**
   * Forgets the Message-IDs of these conversations' email threads (a guest's erasure). A
   * conversation knows its thread only by keyed token, so each thread key is tokenised to match.
   */
  forgetConversations(conversationIds: readonly string[], tokenOf: (threadKey: string) => string): number {
    if (conversationIds.length === 0) return 0;
    const wanted = new Set(
      this.db.prepare("select thread_bidx from conversations where channel = 'email' and id in (select value from json_each(?))").pluck().all(JSON.stringify(conversationIds)) as string[],
    );
    if (wanted.size === 0) return 0;
    const keys = (this.db.prepare('select distinct thread_key from email_threads').pluck().all() as string[]).filter((k) => wanted.has(tokenOf(k)));
    return this.db.prepare('delete from email_threads where thread_key in (select value from json_each(?))').run(JSON.stringify(keys)).changes;
  }

  /** Marks a webhook token as used; false when it was used before (a replay). Prunes expired tokens. */
  consumeToken(token: string, nowMs: number, keepMs: number): boolean {
    return this.db.transaction(() => {
      this.db.prepare('delete from email_webhook_tokens where seen_at_ms < ?').run(nowMs - keepMs);
      return this.db.prepare('insert into email_webhook_tokens (token, seen_at_ms) values (?, ?) on conflict (token) do nothing').run(token, nowMs).changes === 1;
    }).immediate();
  }

  /** Gives a token back when the delivery it authorised could not be stored, so the provider's retry is accepted. */
  releaseToken(token: string): void {
    this.db.prepare('delete from email_webhook_tokens where token = ?').run(token);
  }
}
