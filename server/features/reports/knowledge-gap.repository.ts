import { connectionOf, type Transactional } from '../../db/handle.js';
import type { Db } from '../../db/sqlite.js';

export interface GapRow {
  id: string;
  tokens: string;
  question_enc: Buffer;
  question_count: number;
  status: 'open' | 'added' | 'dismissed';
  knowledge_item_id: string | null;
  first_asked_at: string;
  last_asked_at: string;
  closed_by: string | null;
  closed_at: string | null;
}

export interface GapListRow extends GapRow {
  count_in_period: number;
  no_knowledge: number;
  low_confidence: number;
  conversation_ids: string | null;
}

export const GAP_LIST_SQL = `
  select g.*,
         (select count(*) from knowledge_gap_questions q where q.gap_id = g.id and q.asked_at >= @from and q.asked_at < @to) as count_in_period,
         (select count(*) from knowledge_gap_questions q where q.gap_id = g.id and q.reason = 'no_knowledge') as no_knowledge,
         (select count(*) from knowledge_gap_questions q where q.gap_id = g.id and q.reason = 'low_confidence') as low_confidence,
         (select json_group_array(conversation_id) from (select conversation_id from knowledge_gap_questions q where q.gap_id = g.id order by q.asked_at desc limit 5)) as conversation_ids
  from knowledge_gaps g
  where g.status = @status
  order by g.question_count desc, g.last_asked_at desc
  limit @limit`;

/** Knowledge gaps of one hotel: clusters of questions the AI could not answer (F5). */
export class KnowledgeGapRepository {
  private readonly db: Db;

  /** `store`: the hotel's scope (or any handle bound to its database). */
  constructor(store: Transactional) {
    this.db = connectionOf(store);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  questionRecorded(messageId: string): boolean {
    return this.db.prepare('select 1 from knowledge_gap_questions where message_id = ?').get(messageId) !== undefined;
  }

  conversationRecorded(conversationId: string): boolean {
    return this.db.prepare('select 1 from knowledge_gap_questions where conversation_id = ?').get(conversationId) !== undefined;
  }

  /** Open clusters to match a new question against (their hashed words). */
  openGaps(): Pick<GapRow, 'id' | 'tokens'>[] {
    return this.db.prepare("select id, tokens from knowledge_gaps where status = 'open'").all() as Pick<GapRow, 'id' | 'tokens'>[];
  }

  insertGap(g: Pick<GapRow, 'id' | 'tokens' | 'question_enc' | 'first_asked_at' | 'last_asked_at'>): void {
    this.db
      .prepare('insert into knowledge_gaps (id, tokens, question_enc, question_count, first_asked_at, last_asked_at) values (@id, @tokens, @question_enc, 0, @first_asked_at, @last_asked_at)')
      .run(g);
  }

  addQuestion(q: { message_id: string; gap_id: string; conversation_id: string; reason: string; asked_at: string }): void {
    this.db.prepare('insert into knowledge_gap_questions (message_id, gap_id, conversation_id, reason, asked_at) values (@message_id, @gap_id, @conversation_id, @reason, @asked_at)').run(q);
    this.db
      .prepare(
        `update knowledge_gaps set question_count = question_count + 1,
           first_asked_at = min(first_asked_at, @asked_at), last_asked_at = max(last_asked_at, @asked_at) where id = @gap_id`,
      )
      .run({ gap_id: q.gap_id, asked_at: q.asked_at });
  }

  /**
   * Forgets the questions of these conversations; a gap left with none goes too, and the others
   * are recounted. Returns how many questions were removed.
   */
  removeConversations(conversationIds: readonly string[]): number {
    const list = JSON.stringify(conversationIds);
    const gaps = this.db.prepare('select distinct gap_id from knowledge_gap_questions where conversation_id in (select value from json_each(?))').pluck().all(list) as string[];
    const removed = this.db.prepare('delete from knowledge_gap_questions where conversation_id in (select value from json_each(?))').run(list).changes;
    const recount = this.db.prepare(
      `update knowledge_gaps set question_count = (select count(*) from knowledge_gap_questions q where q.gap_id = knowledge_gaps.id),
         first_asked_at = coalesce((select min(asked_at) from knowledge_gap_questions q where q.gap_id = knowledge_gaps.id), first_asked_at),
         last_asked_at = coalesce((select max(asked_at) from knowledge_gap_questions q where q.gap_id = knowledge_gaps.id), last_asked_at)
       where id = ?`,
    );
    const dropEmpty = this.db.prepare("delete from knowledge_gaps where id = ? and status = 'open' and not exists (select 1 from knowledge_gap_questions q where q.gap_id = knowledge_gaps.id)");
    for (const id of gaps) {
      if (dropEmpty.run(id).changes === 0) recount.run(id);
    }
    return removed;
  }

  /** Every gap's example question with the conversation of its earliest question (for re-masking). */
  examples(afterId: string, limit: number): { id: string; question_enc: Buffer; conversation_id: string | null }[] {
    return this.db
      .prepare(
        `select g.id, g.question_enc,
           (select q.conversation_id from knowledge_gap_questions q where q.gap_id = g.id order by q.asked_at limit 1) as conversation_id
         from knowledge_gaps g where g.id > ? order by g.id limit ?`,
      )
      .all(afterId, limit) as { id: string; question_enc: Buffer; conversation_id: string | null }[];
  }

  setQuestion(id: string, questionEnc: Buffer): void {
    this.db.prepare('update knowledge_gaps set question_enc = ? where id = ?').run(questionEnc, id);
  }

  get(id: string): GapRow | undefined {
    return this.db.prepare('select * from knowledge_gaps where id = ?').get(id) as GapRow | undefined;
  }

  listRow(id: string): GapListRow | undefined {
    return this.db
      .prepare(GAP_LIST_SQL.replace('where g.status = @status', 'where g.id = @id'))
      .get({ id, from: '', to: '\uffff', limit: 1 }) as GapListRow | undefined;
  }

  list(f: { status: string; from: string; to: string; limit: number }): GapListRow[] {
    return this.db.prepare(GAP_LIST_SQL).all(f) as GapListRow[];
  }

  close(id: string, status: 'added' | 'dismissed', knowledgeItemId: string | null, by: string | null, at: string): void {
    this.db.prepare('update knowledge_gaps set status = ?, knowledge_item_id = ?, closed_by = ?, closed_at = ? where id = ?').run(status, knowledgeItemId, by, at, id);
  }

  /** Conversations handed off because the AI had no answer, with no question recorded yet (rebuild). */
  unrecordedHandoffs(afterId: string, limit: number): { id: string }[] {
    return this.db
      .prepare(
        `select id from conversations where handoff_reason in ('no_knowledge', 'low_confidence') and id > ?
           and not exists (select 1 from knowledge_gap_questions q where q.conversation_id = conversations.id)
         order by id limit ?`,
      )
      .all(afterId, limit) as { id: string }[];
  }

  handoffReason(conversationId: string): string | null {
    return (this.db.prepare('select handoff_reason from conversations where id = ?').pluck().get(conversationId) as string | null | undefined) ?? null;
  }

  explain(sql: string, params: Record<string, unknown>): string[] {
    return (this.db.prepare(`explain query plan ${sql}`).all(params) as { detail: string }[]).map((r) => r.detail);
  }
}
