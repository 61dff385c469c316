import { connectionOf } from '../../../db/handle.js';
import type { Db } from '../../../db/sqlite.js';
import type { PropertyScope } from '../../properties/property.service.js';

interface WidgetMessageInfo {
  id: string;
  conversation_id: string;
  role: 'guest' | 'assistant' | 'staff' | 'system';
  created_at: string;
}

/** Every statement this repository runs (tests assert their query plans use an index). */
export const WIDGET_SQL = {
  messageInfo: 'select id, conversation_id, role, created_at from messages where id = ?',
  clientMessageIds: "select id, external_id from messages where conversation_id = ? and role = 'guest' and external_id like 'widget:%'",
  feedbackFor: 'select message_id, helpful from widget_feedback where conversation_id = ?',
  updateFeedback: 'update widget_feedback set helpful = ?, updated_at = ? where message_id = ?',
  insertFeedback: 'insert into widget_feedback (message_id, conversation_id, helpful, created_at, updated_at) values (?, ?, ?, ?, ?)',
  feedbackCounts: 'select coalesce(sum(helpful), 0) as helpful, coalesce(sum(1 - helpful), 0) as not_helpful from widget_feedback where created_at >= ?',
} as const;

/** One hotel's widget data: guests' "Was this helpful?" answers, and what the widget needs to know about messages. */
export class WidgetRepository {
  private readonly db: Db;

  constructor(private readonly scope: Pick<PropertyScope, 'transaction'>) {
    this.db = connectionOf(scope);
  }

  messageInfo(messageId: string): WidgetMessageInfo | undefined {
    return this.db.prepare(WIDGET_SQL.messageInfo).get(messageId) as WidgetMessageInfo | undefined;
  }

  /** The browser's own ids of a conversation's guest messages (stored as `widget:<session>:<id>`), by message id. */
  clientMessageIds(conversationId: string): Map<string, string> {
    const rows = this.db.prepare(WIDGET_SQL.clientMessageIds).all(conversationId) as { id: string; external_id: string }[];
    return new Map(rows.map((r) => [r.id, r.external_id.slice(r.external_id.lastIndexOf(':') + 1)]));
  }

  feedbackFor(conversationId: string): Map<string, boolean> {
    const rows = this.db.prepare(WIDGET_SQL.feedbackFor).all(conversationId) as { message_id: string; helpful: number }[];
    return new Map(rows.map((r) => [r.message_id, r.helpful === 1]));
  }

  /**
   * One answer per reply; a new one replaces it. Plain update-then-insert rather than an upsert:
   * an upsert's conflict clause would override the `insert or ignore` in the reports' triggers on
   * this table (SQLite applies the outer statement's conflict policy inside triggers).
   */
  saveFeedback(f: { messageId: string; conversationId: string; helpful: boolean; at: string }): void {
    const db = this.db;
    db.transaction(() => {
      const updated = db.prepare(WIDGET_SQL.updateFeedback).run(f.helpful ? 1 : 0, f.at, f.messageId);
      if (updated.changes === 0) db.prepare(WIDGET_SQL.insertFeedback).run(f.messageId, f.conversationId, f.helpful ? 1 : 0, f.at, f.at);
    })();
  }

  /** Helpful / not helpful answers given since a time. */
  feedbackCounts(since: string): { helpful: number; notHelpful: number } {
    const row = this.db.prepare(WIDGET_SQL.feedbackCounts).get(since) as { helpful: number; not_helpful: number };
    return { helpful: row.helpful, notHelpful: row.not_helpful };
  }
}
