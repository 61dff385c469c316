import { maskEmail, maskPhone, type Channel, type ConversationDetail, type ConversationNote, type ConversationStatus, type ConversationSummary, type Message } from '../../contract/conversations.js';
import type { Actor } from '../../shared/actor.js';
import { NotFoundError, ValidationError } from '../../shared/errors.js';
import type { AuditService } from '../audit/audit.service.js';
import type { PropertyScope } from '../properties/property.service.js';
import type { ConversationLedger, Within } from './conversation-ledger.js';
import type { ConversationEvent } from './conversation-state.js';
import { ConversationRepository, type ConversationListRow } from './conversation.repository.js';

function cursorOf(r: { rank: number; last_message_at: string; id: string }): string {
  return Buffer.from(JSON.stringify([r.rank, r.last_message_at, r.id])).toString('base64url');
}

function parseCursor(c: string | undefined): { rank: number; lastMessageAt: string; id: string } | undefined {
  if (!c) return undefined;
  try {
    const [rank, lastMessageAt, id] = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as [number, string, string];
    if (typeof rank !== 'number' || typeof lastMessageAt !== 'string' || typeof id !== 'string') throw new Error('bad cursor');
    return { rank, lastMessageAt, id };
  } catch {
    throw new ValidationError('The page cursor is not valid');
  }
}

interface ConversationQuery {
  status?: ConversationStatus[] | undefined;
  channel?: Channel | undefined;
  afterHours?: boolean | undefined;
  cursor?: string | undefined;
  limit: number;
}

/**
 * Staff-side conversation actions (C9): read, take over, reply, hand back, hand off, resolve,
 * assign. Reads the staff screens' lists itself; every write goes through the ledger, with its
 * audit entry in the same transaction.
 */
export class ConversationService {
  constructor(
    private readonly audit: AuditService,
    private readonly ledger: ConversationLedger,
  ) {}

  private summary(scope: PropertyScope, repo: ConversationRepository, r: ConversationListRow): ConversationSummary {
    const slot = (column: string) => ({ table: 'guests', column, rowId: r.guest_id });
    const preview = repo.decryptPreview(r);
    return {
      id: r.id,
      propertyId: scope.property.id,
      channel: r.channel,
      status: r.status,
      mode: r.status === 'ai' ? 'ai' : 'human',
      handoffReason: r.handoff_reason,
      assignedTo: r.assigned_to,
      language: r.language,
      messageCount: r.message_count,
      averageConfidence: r.ai_confidence_count ? Math.round((r.ai_confidence_sum / r.ai_confidence_count) * 100) / 100 : null,
      unreadCount: r.unread_count,
      afterHours: r.after_hours === 1,
      guest: {
        id: r.guest_id,
        name: scope.cipher.decryptNullable(r.guest_name_enc, slot('name')),
        phone: maskPhone(scope.cipher.decryptNullable(r.guest_phone_enc, slot('phone'))),
        email: maskEmail(scope.cipher.decryptNullable(r.guest_email_enc, slot('email'))),
        optedOut: Boolean(r.guest_opted_out_at),
      },
      lastMessageAt: r.last_message_at,
      lastGuestMessageAt: r.last_guest_message_at,
      preview: preview && preview.length > 140 ? `${preview.slice(0, 139)}…` : preview,
      createdAt: r.created_at,
    };
  }

  list(scope: PropertyScope, q: ConversationQuery): { items: ConversationSummary[]; nextCursor: string | null } {
    const repo = new ConversationRepository(scope);
    const rows = repo.list({ statuses: q.status, channel: q.channel, afterHours: q.afterHours, cursor: parseCursor(q.cursor), limit: q.limit });
    const last = rows.at(-1);
    return { items: rows.map((r) => this.summary(scope, repo, r)), nextCursor: rows.length === q.limit && last ? cursorOf(last) : null };
  }

  summaryOf(scope: PropertyScope, id: string): ConversationSummary {
    const repo = new ConversationRepository(scope);
    const row = repo.listRow(id);
    if (!row) throw new NotFoundError('No such conversation');
    return this.summary(scope, repo, row);
  }

  /** The transcript; opening it marks the guest's messages read. */
  get(scope: PropertyScope, id: string): ConversationDetail {
    const repo = new ConversationRepository(scope);
    const row = repo.listRow(id);
    if (!row) throw new NotFoundError('No such conversation');
    if (row.unread_count > 0) this.ledger.markRead(scope, id);
    const lead = this.ledger.lead(scope, id);
    const stay = lead ? { checkIn: lead.details.checkIn, checkOut: lead.details.checkOut, guests: lead.details.guests } : null;
    return { ...this.summary(scope, repo, { ...row, unread_count: 0 }), messages: repo.messages(id), notes: repo.notes(id), stay };
  }

  /** A file the guest sent with a message in this conversation. */
  media(scope: PropertyScope, conversationId: string, messageId: string): { mimeType: string; bytes: Buffer } {
    const file = new ConversationRepository(scope).media(conversationId, messageId);
    if (!file) throw new NotFoundError('This message has no file');
    return file;
  }

  /** The guest's full contact details; every reveal is audited (B1). */
  revealContact(scope: PropertyScope, id: string, actor: Actor): { name: string | null; phone: string | null; email: string | null } {
    const conversation = this.ledger.conversation(scope, id);
    if (!conversation) throw new NotFoundError('No such conversation');
    const guest = this.ledger.guest(scope, conversation.guest_id);
    if (!guest) throw new NotFoundError('No such guest');
    this.audit.record(actor, { action: 'guest.reveal', target: `conversation:${id}`, propertyId: scope.property.id, after: { fields: ['name', 'phone', 'email'] } });
    return { name: guest.name, phone: guest.phone, email: guest.email };
  }

  /** The audit entry of a staff action on the state machine, written in the action's transaction. */
  private audited(scope: PropertyScope, id: string, event: ConversationEvent, actor: Actor, reason?: string): Within {
    return (before, status) =>
      this.audit.record(actor, {
        action: `conversation.${event}`,
        target: `conversation:${id}`,
        propertyId: scope.property.id,
        before: { status: before.status },
        after: { status, ...(reason ? { reason } : {}) },
      });
  }

  takeOver(scope: PropertyScope, id: string, actor: Actor): ConversationSummary & { draft: string | null } {
    this.ledger.takeOver(scope, id, actor.userId, this.audited(scope, id, 'take_over', actor));
    return { ...this.summaryOf(scope, id), draft: suggestionFor(this.ledger.messages(scope, id)) };
  }

  handBack(scope: PropertyScope, id: string, actor: Actor): ConversationSummary {
    this.ledger.handBack(scope, id, this.audited(scope, id, 'hand_back', actor));
    return this.summaryOf(scope, id);
  }

  handOff(scope: PropertyScope, id: string, actor: Actor, reason: string | undefined): ConversationSummary {
    this.ledger.transition(scope, id, 'handoff', { within: this.audited(scope, id, 'handoff', actor, reason) });
    return this.summaryOf(scope, id);
  }

  resolve(scope: PropertyScope, id: string, actor: Actor): ConversationSummary {
    this.ledger.resolve(scope, id, this.audited(scope, id, 'resolve', actor));
    return this.summaryOf(scope, id);
  }

  assign(scope: PropertyScope, id: string, userId: string | null, actor: Actor, userExists: (id: string) => boolean): ConversationSummary {
    if (userId && !userExists(userId)) throw new ValidationError('No such staff member', [{ path: 'userId', message: 'unknown user' }]);
    this.ledger.assign(scope, id, userId, (before) =>
      this.audit.record(actor, { action: 'conversation.assign', target: `conversation:${id}`, propertyId: scope.property.id, before: { assignedTo: before.assigned_to }, after: { assignedTo: userId } }),
    );
    return this.summaryOf(scope, id);
  }

  /**
   * An internal note for the hotel's staff: stored encrypted beside the transcript, never sent to
   * the guest. The audit entry names the note, not its words.
   */
  addNote(scope: PropertyScope, id: string, text: string, actor: Actor): ConversationNote {
    return this.ledger.addNote(scope, id, text, actor.userId, (n) =>
      this.audit.record(actor, { action: 'conversation.note_added', target: `conversation:${id}`, propertyId: scope.property.id, after: { noteId: n.id, length: text.length } }),
    );
  }

  /** A staff reply: the staff member holds the conversation from then on; the AI stays quiet. */
  reply(scope: PropertyScope, id: string, text: string, actor: Actor): Message {
    return this.ledger.staffReply(scope, id, text, actor.userId, (before) =>
      this.audit.record(actor, { action: 'conversation.take_over', target: `conversation:${id}`, propertyId: scope.property.id, before: { status: before.status }, after: { status: 'human' } }),
    );
  }
}

/**
 * The AI's answer to the guest's latest message, offered as an editable draft on take-over; null
 * when the AI has not answered that message (a hand-off notice or an answer to an earlier question
 * would put the wrong words in the reply box).
 */
function suggestionFor(messages: readonly Pick<Message, 'role' | 'provider' | 'body'>[]): string | null {
  const latestGuest = messages.findLastIndex((m) => m.role === 'guest');
  const after = messages.slice(latestGuest + 1);
  // A staff reply after the guest's message has already answered it.
  if (after.some((m) => m.role === 'staff')) return null;
  return after.findLast((m) => m.role === 'assistant' && m.provider !== 'template')?.body ?? null;
}
