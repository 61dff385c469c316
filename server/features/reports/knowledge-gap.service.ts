import { AddGapToKnowledge, KnowledgeGapQuery, type KnowledgeGap } from '../../contract/reports.js';
import type { Actor } from '../../shared/actor.js';
import type { Clock } from '../../shared/clock.js';
import { ConflictError, NotFoundError } from '../../shared/errors.js';
import { boundGuestText } from '../../shared/guest-text.js';
import { newId } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import { maskNames, maskPii } from '../../shared/redact.js';
import { parseInput } from '../../shared/validation.js';
import type { AuditService } from '../audit/audit.service.js';
import { ConversationRepository } from '../conversations/conversation.repository.js';
import { GuestRepository } from '../guests/guest.repository.js';
import { LeadRepository } from '../leads/lead.repository.js';
import type { PropertyScope } from '../properties/property.service.js';
import { KnowledgeGapRepository, type GapListRow } from './knowledge-gap.repository.js';
import { LocalCalendar, addDays } from './local-calendar.js';
import { questionWords, SAME_GAP, similarity } from './question-similarity.js';

const GAP_REASONS = ['no_knowledge', 'low_confidence'] as const;
type GapReason = (typeof GAP_REASONS)[number];

export function isGapReason(reason: string | null | undefined): reason is GapReason {
  return (GAP_REASONS as readonly string[]).includes(reason ?? '');
}

/** What adding an answer needs of the knowledge feature (its service's `create`). */
interface KnowledgeWriter {
  create(property: string, input: unknown, author?: string | null, actor?: Actor): { id: string };
  /** Indexes the (masked) question with the item that answers it, so similar wording finds it. */
  learnQuestion(property: string, itemId: string, question: string): void;
}

const QUESTION_CHARS = 500;

/**
 * Knowledge gaps (F5): every question the AI handed off for want of knowledge or confidence is
 * clustered with similar ones; managers see the clusters by count and answer one with a click,
 * which adds a knowledge item and closes the gap.
 */
export class KnowledgeGapService {
  constructor(
    private readonly deps: { knowledge: KnowledgeWriter; audit: AuditService; clock: Clock; log: Logger },
  ) {}

  /**
   * Records the question behind a hand-off: the guest's last message before the hand-off notice
   * (or their last message). Idempotent per message.
   */
  record(scope: PropertyScope, conversationId: string, reason: GapReason): boolean {
    const messages = new ConversationRepository(scope).messages(conversationId);
    const notice = messages.findLastIndex((m) => m.role === 'assistant' && m.provider === 'template');
    const before = notice >= 0 ? messages.slice(0, notice) : messages;
    const question = before.findLast((m) => m.role === 'guest') ?? messages.findLast((m) => m.role === 'guest');
    if (!question) return false;
    const repo = new KnowledgeGapRepository(scope);
    return repo.transaction(() => {
      if (repo.questionRecorded(question.id)) return false;
      const text = this.masked(scope, conversationId, boundGuestText(question.body));
      const words = questionWords(text);
      const hashed = [...new Set(words.map((w) => scope.blindIndex.token('gap-word', w)))].sort();
      let best: { id: string; score: number } | undefined;
      for (const g of repo.openGaps()) {
        const score = similarity(hashed, JSON.parse(g.tokens) as string[]);
        if (score >= SAME_GAP && (!best || score > best.score)) best = { id: g.id, score };
      }
      let gapId = best?.id;
      if (!gapId) {
        gapId = newId('gap');
        repo.insertGap({
          id: gapId,
          tokens: JSON.stringify(hashed),
          question_enc: scope.cipher.encrypt(text, { table: 'knowledge_gaps', column: 'question', rowId: gapId }),
          first_asked_at: question.createdAt,
          last_asked_at: question.createdAt,
        });
      }
      repo.addQuestion({ message_id: question.id, gap_id: gapId, conversation_id: conversationId, reason, asked_at: question.createdAt });
      return true;
    });
  }

  /** The question without the guest's contact details or names (hers, and any her lead was given). */
  private masked(scope: PropertyScope, conversationId: string, body: string): string {
    const guestId = new ConversationRepository(scope).get(conversationId)?.guest_id;
    const names = [guestId ? new GuestRepository(scope).get(guestId)?.name : null, new LeadRepository(scope).byConversation(conversationId)?.details.name];
    return maskNames(maskPii(body.slice(0, QUESTION_CHARS * 4)), names).slice(0, QUESTION_CHARS);
  }

  /**
   * Masks again the example questions stored before names were masked too. Returns how many
   * changed. (The guest's name is known while her conversation is; contact details always.)
   */
  remask(scope: PropertyScope): number {
    const repo = new KnowledgeGapRepository(scope);
    let changed = 0;
    for (let after = ''; ; ) {
      const batch = repo.examples(after, 500);
      if (batch.length === 0) return changed;
      repo.transaction(() => {
        for (const g of batch) {
          const aad = { table: 'knowledge_gaps', column: 'question', rowId: g.id };
          const question = scope.cipher.decrypt(g.question_enc, aad);
          const masked = g.conversation_id ? this.masked(scope, g.conversation_id, question) : maskPii(question).slice(0, QUESTION_CHARS);
          if (masked === question) continue;
          repo.setQuestion(g.id, scope.cipher.encrypt(masked, aad));
          changed++;
        }
      });
      after = batch.at(-1)!.id;
    }
  }

  /** Records the hand-offs not recorded yet (after a restore, or for data from before this feature). */
  rebuild(scope: PropertyScope): number {
    this.remask(scope);
    const repo = new KnowledgeGapRepository(scope);
    let added = 0;
    let after = '';
    for (;;) {
      const batch = repo.unrecordedHandoffs(after, 500);
      if (batch.length === 0) break;
      for (const { id } of batch) {
        const reason = repo.handoffReason(id);
        try {
          if (isGapReason(reason) && this.record(scope, id, reason)) added++;
        } catch (err) {
          this.deps.log.warn({ err, propertyId: scope.property.id, conversationId: id }, 'knowledge gap not recorded');
        }
      }
      after = batch.at(-1)!.id;
    }
    return added;
  }

  /** Forgets the questions of these conversations (test traffic, erased guests). */
  removeConversations(scope: PropertyScope, conversationIds: readonly string[]): number {
    if (conversationIds.length === 0) return 0;
    const repo = new KnowledgeGapRepository(scope);
    return repo.transaction(() => repo.removeConversations(conversationIds));
  }

  list(scope: PropertyScope, query: unknown): KnowledgeGap[] {
    const q = parseInput(KnowledgeGapQuery, query, 'The query string');
    const cal = new LocalCalendar(scope.property.timezone);
    const from = q.from ? cal.startOf(q.from).toISOString() : '';
    const to = q.to ? cal.startOf(addDays(q.to, 1)).toISOString() : '\uffff';
    const rows = new KnowledgeGapRepository(scope).list({ status: q.status, from, to, limit: q.limit });
    return rows.map((r) => this.decode(scope, r)).filter((g) => !q.from && !q.to ? true : g.countInPeriod > 0);
  }

  private decode(scope: PropertyScope, r: GapListRow): KnowledgeGap {
    return {
      id: r.id,
      question: scope.cipher.decrypt(r.question_enc, { table: 'knowledge_gaps', column: 'question', rowId: r.id }),
      count: r.question_count,
      countInPeriod: r.count_in_period,
      reasons: [
        { reason: 'no_knowledge' as const, count: r.no_knowledge },
        { reason: 'low_confidence' as const, count: r.low_confidence },
      ].filter((x) => x.count > 0),
      status: r.status,
      knowledgeItemId: r.knowledge_item_id,
      firstAskedAt: r.first_asked_at,
      lastAskedAt: r.last_asked_at,
      conversationIds: r.conversation_ids ? (JSON.parse(r.conversation_ids) as string[]) : [],
    };
  }

  private one(scope: PropertyScope, id: string): KnowledgeGap {
    const row = new KnowledgeGapRepository(scope).listRow(id);
    if (!row) throw new NotFoundError('No such knowledge gap');
    return this.decode(scope, row);
  }

  /** "Add to knowledge": the manager's answer becomes a knowledge item, and the gap is closed. */
  addToKnowledge(scope: PropertyScope, gapId: string, input: unknown, actor: Actor): { gap: KnowledgeGap; knowledgeItemId: string } {
    const data = parseInput(AddGapToKnowledge, input, 'The knowledge item');
    const repo = new KnowledgeGapRepository(scope);
    const gap = repo.get(gapId);
    if (!gap) throw new NotFoundError('No such knowledge gap');
    if (gap.status !== 'open') throw new ConflictError('This knowledge gap is already closed');
    const item = this.deps.knowledge.create(
      scope.property.id,
      { category: data.category, title: data.title, content: data.content, metadata: { source: 'knowledge-gap', gapId } },
      actor.label || null,
      actor,
    );
    this.deps.knowledge.learnQuestion(scope.property.id, item.id, this.one(scope, gapId).question);
    repo.close(gapId, 'added', item.id, actor.userId, this.deps.clock.now().toISOString());
    this.deps.audit.record(actor, { action: 'knowledge_gap.add', target: `knowledge_gap:${gapId}`, propertyId: scope.property.id, after: { knowledgeItemId: item.id, title: data.title } });
    return { gap: this.one(scope, gapId), knowledgeItemId: item.id };
  }

  dismiss(scope: PropertyScope, gapId: string, actor: Actor): KnowledgeGap {
    const repo = new KnowledgeGapRepository(scope);
    const gap = repo.get(gapId);
    if (!gap) throw new NotFoundError('No such knowledge gap');
    if (gap.status !== 'open') throw new ConflictError('This knowledge gap is already closed');
    repo.close(gapId, 'dismissed', null, actor.userId, this.deps.clock.now().toISOString());
    this.deps.audit.record(actor, { action: 'knowledge_gap.dismiss', target: `knowledge_gap:${gapId}`, propertyId: scope.property.id });
    return this.one(scope, gapId);
  }
}
