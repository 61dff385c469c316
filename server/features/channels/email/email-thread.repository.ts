import type { PropertyScope } from '../../properties/property.service.js';

/**
 * One hotel's email threading table and Mailgun replay tokens (property migration 0005).
 * Message-IDs are stored bare (no angle brackets).
 */
export class EmailThreadRepository {
  constructor(private readonly scope: Pick<PropertyScope, 'db'>) {}

  /** The thread keys of those ids that we know, by id. One query. */
  lookup(messageIds: readonly string[]): Map<string, string> {
    if (messageIds.length === 0) return new Map();
    const rows = this.scope.db
      .prepare('select message_id, thread_key from email_threads where message_id in (select value from json_each(?))')
      .all(JSON.stringify(messageIds)) as { message_id: string; thread_key: string }[];
    return new Map(rows.map((r) => [r.message_id, r.thread_key]));
  }

  /** Remembers which thread a message belongs to; the first mapping wins (idempotent). */
  record(messageId: string, threadKey: string, direction: 'inbound' | 'outbound', at: string): void {
    this.scope.db
      .prepare('insert into email_threads (message_id, thread_key, direction, created_at) values (?, ?, ?, ?) on conflict (message_id) do nothing')
      .run(messageId, threadKey, direction, at);
  }

  /** Marks a webhook token as used; false when it was used before (a replay). Prunes expired tokens. */
  consumeToken(token: string, nowMs: number, keepMs: number): boolean {
    return this.scope.db.transaction(() => {
      this.scope.db.prepare('delete from email_webhook_tokens where seen_at_ms < ?').run(nowMs - keepMs);
      return this.scope.db.prepare('insert into email_webhook_tokens (token, seen_at_ms) values (?, ?) on conflict (token) do nothing').run(token, nowMs).changes === 1;
    }).immediate();
  }

  /** Gives a token back when the delivery it authorised could not be stored, so the provider's retry is accepted. */
  releaseToken(token: string): void {
    this.scope.db.prepare('delete from email_webhook_tokens where token = ?').run(token);
  }
}
