import type { Channel, ConversationNote, ConversationStatus, HandoffReason, Lead, LeadDetails, Message } from '../../contract/conversations.js';
import type { Clock } from '../../shared/clock.js';
import { NotFoundError } from '../../shared/errors.js';
import type { EventBus, NocturnEvent } from '../../shared/events.js';
import { GuestRepository, type Guest } from '../guests/guest.repository.js';
import { captureLead } from '../leads/lead-capture.js';
import type { ExtractedLead, Intent } from '../leads/lead-extraction.js';
import { LeadRepository } from '../leads/lead.repository.js';
import { isAfterHours } from '../properties/desk-hours.js';
import type { PropertyScope } from '../properties/property.service.js';
import { nextStatus, type ConversationEvent } from './conversation-state.js';
import { ConversationRepository, type ConversationRow, type NewMessage } from './conversation.repository.js';

export type { ConversationRow };

/** Where replies go: the outbox delivers them; the ledger queues them with the message, in one transaction. */
export interface ReplySink {
  enqueue(scope: PropertyScope, conversation: ConversationRow, message: Message): void;
}

/** A guest's message as a channel normalised it and the pipeline read it. */
export interface GuestMessageInput {
  channel: Channel;
  /** What ties messages into one conversation: WhatsApp id, email thread root, widget session. */
  threadKey: string;
  /** Provider message id: a message with one already stored is not stored again. */
  externalId: string | null;
  /** The words as stored. */
  text: string;
  from: { name?: string | null | undefined; phone?: string | null | undefined; email?: string | null | undefined };
  receivedAt: Date;
  /** The language of a conversation this message opens. */
  language: string;
  flags: string[];
  /** Where replies go, channel-specific. */
  replyTo?: Record<string, unknown> | undefined;
  /** The words the lead is read from (bounded); null when the message is no inquiry (STOP, START). */
  leadText: string | null;
  /** Whether a resolved conversation opens again (a reaction or a sticker does not reopen it). */
  reopen?: boolean;
}

type LedgerGuest = Guest & { optedOut: boolean };

export interface RecordedGuestMessage {
  conversation: ConversationRow;
  guest: LedgerGuest;
  guestMessage: Message;
  /** A message a crash left stored but unanswered, found again. */
  resumed: boolean;
  /** What the message says of a booking, as read for its lead (null when it was not read for one). */
  lead: ExtractedLead | null;
}

/** A reply's words and how they were made. */
type ReplyInput = Omit<NewMessage, 'conversationId' | 'role' | 'createdAt' | 'deliveryStatus'> & { role: 'assistant' | 'staff' };

interface ReplyOptions {
  at?: string;
  /** 'held' for a proactive message kept for the end of quiet hours. */
  deliveryStatus?: 'pending' | 'held';
  /** Queues the message instead of the reply sink (a proactive message has its own outbox row). */
  queue?: (conversation: ConversationRow, message: Message) => void;
}

/** A staff action's own record (the audit entry), written in the action's transaction. */
export type Within = (before: ConversationRow, status: ConversationStatus) => void;

/**
 * The one owner of a conversation's writes (issue 17): every path that stores a guest message, a
 * reply, a hand-off, a staff action, an opt-out or a delivery comes here, so the rules are written
 * once. Each operation is one transaction; `atomically` joins several into one. It is the only
 * emitter of conversation events, sent after the transaction commits (none for a rolled-back one).
 * Reads the write paths need live here too; staff lists and reports keep their own.
 */
export class ConversationLedger {
  /** Events of each hotel database's running transaction (one database per hotel), sent once it commits. */
  private readonly pending = new Map<string, NocturnEvent[]>();

  constructor(private readonly deps: { events: EventBus; clock: Clock; sink?: ReplySink }) {}

  // ---- transactions and events -------------------------------------------------------------

  /** Runs `fn` in one transaction; the events of every operation in it are sent after it commits. */
  atomically<T>(scope: PropertyScope, fn: () => T): T {
    const outer = this.pending.get(scope.property.id);
    if (outer) {
      // Nested: a savepoint; its events are dropped if it rolls back.
      const mark = outer.length;
      try {
        return scope.transaction(fn);
      } catch (err) {
        outer.length = mark;
        throw err;
      }
    }
    const events: NocturnEvent[] = [];
    this.pending.set(scope.property.id, events);
    let result: T;
    try {
      result = scope.transaction(fn);
    } finally {
      this.pending.delete(scope.property.id);
    }
    for (const e of events) this.deps.events.emit(e);
    return result;
  }

  private emit(scope: PropertyScope, e: NocturnEvent): void {
    const pending = this.pending.get(scope.property.id);
    if (pending) pending.push(e);
    else this.deps.events.emit(e);
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }

  private require(scope: PropertyScope, id: string): ConversationRow {
    const row = new ConversationRepository(scope).get(id);
    if (!row) throw new NotFoundError('No such conversation');
    return row;
  }

  private updated(scope: PropertyScope, id: string, at: string): void {
    this.emit(scope, { type: 'conversation.updated', propertyId: scope.property.id, conversationId: id, status: this.require(scope, id).status, at });
  }

  private messageCreated(scope: PropertyScope, conversationId: string, m: Message, at = m.createdAt): void {
    this.emit(scope, { type: 'message.created', propertyId: scope.property.id, conversationId, messageId: m.id, role: m.role, at });
  }

  // ---- reads the write paths need ----------------------------------------------------------

  conversation(scope: PropertyScope, id: string): ConversationRow | undefined {
    return new ConversationRepository(scope).get(id);
  }

  /** The thread's conversation (an open one before a resolved one). */
  conversationOfThread(scope: PropertyScope, channel: Channel, threadKey: string): ConversationRow | undefined {
    return new ConversationRepository(scope).findOpenByThread(threadToken(scope, channel, threadKey));
  }

  messages(scope: PropertyScope, conversationId: string): Message[] {
    return new ConversationRepository(scope).messages(conversationId);
  }

  recentGuestMessageCount(scope: PropertyScope, conversationId: string, since: string): number {
    return new ConversationRepository(scope).recentGuestMessageCount(conversationId, since);
  }

  /** The stored message with this provider id, and its conversation. */
  messageByExternalId(scope: PropertyScope, externalId: string): { messageId: string; conversation: ConversationRow } | undefined {
    const repo = new ConversationRepository(scope);
    const messageId = repo.messageIdByExternal(externalId);
    const conversation = messageId ? repo.conversationOfMessage(messageId) : undefined;
    return messageId && conversation ? { messageId, conversation } : undefined;
  }

  hasMedia(scope: PropertyScope, messageId: string): boolean {
    return new ConversationRepository(scope).hasMedia(messageId);
  }

  replyTo(scope: PropertyScope, conversationId: string): Record<string, unknown> | null {
    return new ConversationRepository(scope).replyTo(conversationId);
  }

  lead(scope: PropertyScope, conversationId: string): Lead | undefined {
    return new LeadRepository(scope).byConversation(conversationId);
  }

  guest(scope: PropertyScope, guestId: string): Guest | undefined {
    return new GuestRepository(scope).get(guestId);
  }

  isOptedOut(scope: PropertyScope, guestId: string): boolean {
    return new GuestRepository(scope).isOptedOut(guestId);
  }

  /** Guests a message may belong to before it is stored: the thread's, then the sender's by phone, then by email. */
  knownGuests(scope: PropertyScope, channel: Channel, threadKey: string, from: { phone?: string | null | undefined; email?: string | null | undefined }): string[] {
    const ids = new Set<string>();
    const conversation = this.conversationOfThread(scope, channel, threadKey);
    if (conversation) ids.add(conversation.guest_id);
    const guests = new GuestRepository(scope);
    const byPhone = from.phone ? guests.findByPhone(from.phone) : undefined;
    const byEmail = from.email ? guests.findByEmail(from.email) : undefined;
    if (byPhone) ids.add(byPhone.id);
    if (byEmail) ids.add(byEmail.id);
    return [...ids];
  }

  // ---- the guest's side --------------------------------------------------------------------

  /**
   * A guest message: the guest (found by thread, phone or email, else new; details given later fill
   * the gaps), the conversation opened or reopened, the message, and the lead it is an inquiry for,
   * in one transaction. Null when a message with this provider id is already stored.
   */
  recordGuestMessage(scope: PropertyScope, m: GuestMessageInput): RecordedGuestMessage | null {
    const { property } = scope;
    const conversations = new ConversationRepository(scope);
    const guests = new GuestRepository(scope);
    const at = m.receivedAt.toISOString();
    return this.atomically(scope, () => {
      if (m.externalId && conversations.messageExists(m.externalId)) return null;
      const threadBidx = threadToken(scope, m.channel, m.threadKey);
      let conversation = conversations.findOpenByThread(threadBidx);
      const guest = upsertGuest(guests, m.from, at, conversation?.guest_id);
      const afterHours = isAfterHours(property, m.receivedAt);
      if (!conversation) {
        conversation = conversations.insert({ guestId: guest.id, channel: m.channel, threadBidx, status: 'ai', language: m.language, afterHours, at });
      } else if (conversation.status === 'resolved' && m.reopen !== false) {
        conversations.update(conversation.id, { status: nextStatus('resolved', 'guest_message'), resolved_at: null, handoff_reason: null }, at);
      }
      if (m.replyTo) conversations.setReplyTo(conversation.id, m.replyTo);
      const guestMessage = conversations.insertMessage({ conversationId: conversation.id, role: 'guest', body: m.text, externalId: m.externalId, flags: m.flags, createdAt: at });
      const lead = m.leadText === null ? null : captureLead(new LeadRepository(scope), property, { conversationId: conversation.id, guest, text: m.leadText, channel: m.channel, afterHours, profileName: m.from.name, now: m.receivedAt });
      this.messageCreated(scope, conversation.id, guestMessage, at);
      return { conversation: conversations.get(conversation.id)!, guest: { ...guest, optedOut: guests.isOptedOut(guest.id) }, guestMessage, resumed: false, lead };
    });
  }

  /**
   * A guest message delivered again that a crash left with neither a reply nor a hand-off (the
   * process died while the model was answering): found so it is answered now, not skipped.
   */
  unanswered(scope: PropertyScope, externalId: string): RecordedGuestMessage | undefined {
    const found = new ConversationRepository(scope).unanswered(externalId);
    if (!found) return undefined;
    const guests = new GuestRepository(scope);
    const guest = guests.get(found.conversation.guest_id)!;
    return { ...found, guest: { ...guest, optedOut: guests.isOptedOut(guest.id) }, resumed: true, lead: null };
  }

  /** Name and contact details the guest gave (the widget's form), added to the guest and to the conversation's lead. */
  updateContact(scope: PropertyScope, conversationId: string, c: { name?: string | undefined; email?: string | undefined; phone?: string | undefined }): Lead | undefined {
    const at = this.now();
    const leads = new LeadRepository(scope);
    return this.atomically(scope, () => {
      const conversation = this.require(scope, conversationId);
      new GuestRepository(scope).updateContact(conversation.guest_id, { ...(c.name ? { name: c.name } : {}), ...(c.email ? { email: c.email } : {}), ...(c.phone ? { phone: c.phone } : {}) }, at);
      const existing = leads.byConversation(conversationId);
      if (!existing) return undefined;
      const d = existing.details;
      const lead = leads.save({ ...existing, details: { ...d, name: d.name ?? c.name ?? null, email: c.email ?? d.email, phone: c.phone ?? d.phone } }, at);
      this.emit(scope, { type: 'lead.updated', propertyId: scope.property.id, leadId: lead.id, conversationId, status: lead.status, at });
      return lead;
    });
  }

  /** The conversation's lead revised with what the model read (no lead yet: nothing to revise). */
  reviseLead(scope: PropertyScope, conversationId: string, revise: (lead: Lead) => { details: LeadDetails; intent: Intent }, at = this.now()): void {
    const leads = new LeadRepository(scope);
    this.atomically(scope, () => {
      const lead = leads.byConversation(conversationId);
      if (!lead) return;
      leads.save({ ...lead, ...revise(lead) }, at);
    });
  }

  /** A file the guest sent, kept with its message (staff with the conversation open see it appear). */
  attachMedia(scope: PropertyScope, messageId: string, file: { mimeType: string; bytes: Buffer; sha256: string }): void {
    const at = this.now();
    const conversations = new ConversationRepository(scope);
    this.atomically(scope, () => {
      conversations.attachMedia(messageId, file, at);
      const conversation = conversations.conversationOfMessage(messageId);
      if (conversation) this.emit(scope, { type: 'conversation.updated', propertyId: scope.property.id, conversationId: conversation.id, status: conversation.status, at });
    });
  }

  /** The guests stop receiving messages from the hotel (time and channel of the first request kept). */
  optOut(scope: PropertyScope, guestIds: Iterable<string>, channel: Channel, at = this.now()): void {
    const guests = new GuestRepository(scope);
    this.atomically(scope, () => {
      for (const id of guestIds) if (!guests.isOptedOut(id)) guests.setOptOut(id, channel, at);
    });
  }

  /** The guests receive messages from the hotel again. */
  optIn(scope: PropertyScope, guestIds: Iterable<string>): void {
    const guests = new GuestRepository(scope);
    this.atomically(scope, () => {
      for (const id of guestIds) guests.setOptOut(id, null, null);
    });
  }

  // ---- the hotel's side --------------------------------------------------------------------

  /** A reply (the assistant's or staff's) and its outbox row, in one transaction: a crash cannot keep one without the other. */
  recordReply(scope: PropertyScope, conversationId: string, reply: ReplyInput, opts: ReplyOptions = {}): Message {
    const at = opts.at ?? this.now();
    const conversations = new ConversationRepository(scope);
    return this.atomically(scope, () => {
      const conversation = this.require(scope, conversationId);
      const message = conversations.insertMessage({ ...reply, conversationId, deliveryStatus: opts.deliveryStatus ?? 'pending', createdAt: at });
      if (opts.queue) opts.queue(conversation, message);
      else this.deps.sink?.enqueue(scope, conversation, message);
      this.messageCreated(scope, conversationId, message, at);
      return message;
    });
  }

  /**
   * The assistant asks for a person (C6): the conversation needs a human, with the reason, and the
   * notice to the guest if there is one. Staff handing off use `transition`.
   */
  handOff(scope: PropertyScope, conversationId: string, reason: HandoffReason, opts: { at?: string; notice?: Omit<ReplyInput, 'role'> | null } = {}): Message | null {
    const at = opts.at ?? this.now();
    const conversations = new ConversationRepository(scope);
    return this.atomically(scope, () => {
      const row = this.require(scope, conversationId);
      conversations.update(conversationId, { status: nextStatus(row.status, 'handoff'), handoff_reason: reason }, at);
      const notice = opts.notice ? this.recordReply(scope, conversationId, { ...opts.notice, role: 'assistant' }, { at }) : null;
      this.emit(scope, { type: 'handoff.requested', propertyId: scope.property.id, conversationId, reason, at });
      this.updated(scope, conversationId, at);
      return notice;
    });
  }

  /** A staff action on the state machine (take over, hand back, hand off, resolve); `within` records it (audit). */
  transition(scope: PropertyScope, conversationId: string, event: Exclude<ConversationEvent, 'guest_message'>, opts: { assignTo?: string | null; within?: Within } = {}): ConversationRow {
    const at = this.now();
    const conversations = new ConversationRepository(scope);
    return this.atomically(scope, () => {
      const row = this.require(scope, conversationId);
      const status = nextStatus(row.status, event);
      conversations.update(
        conversationId,
        {
          status,
          ...(event === 'resolve' ? { resolved_at: at } : {}),
          ...(event === 'hand_back' ? { handoff_reason: null, assigned_to: null } : {}),
          ...(event === 'handoff' ? { handoff_reason: 'staff' as const } : {}),
          ...(opts.assignTo !== undefined ? { assigned_to: opts.assignTo } : {}),
        },
        at,
      );
      opts.within?.(row, status);
      this.updated(scope, conversationId, at);
      return this.require(scope, conversationId);
    });
  }

  takeOver(scope: PropertyScope, conversationId: string, userId: string | null, within?: Within): ConversationRow {
    return this.transition(scope, conversationId, 'take_over', { assignTo: userId, ...(within ? { within } : {}) });
  }

  handBack(scope: PropertyScope, conversationId: string, within?: Within): ConversationRow {
    return this.transition(scope, conversationId, 'hand_back', within ? { within } : {});
  }

  resolve(scope: PropertyScope, conversationId: string, within?: Within): ConversationRow {
    return this.transition(scope, conversationId, 'resolve', within ? { within } : {});
  }

  /** Who on the staff holds the conversation (null: nobody). */
  assign(scope: PropertyScope, conversationId: string, userId: string | null, within?: Within): ConversationRow {
    const at = this.now();
    return this.atomically(scope, () => {
      const before = this.require(scope, conversationId);
      new ConversationRepository(scope).update(conversationId, { assigned_to: userId }, at);
      within?.(before, before.status);
      this.emit(scope, { type: 'conversation.updated', propertyId: scope.property.id, conversationId, status: before.status, at });
      return this.require(scope, conversationId);
    });
  }

  /** A staff reply: the staff member holds the conversation from then on; the AI stays quiet. `onTakeOver` records the take-over. */
  staffReply(scope: PropertyScope, conversationId: string, text: string, userId: string | null, onTakeOver?: Within): Message {
    const at = this.now();
    const conversations = new ConversationRepository(scope);
    return this.atomically(scope, () => {
      const row = this.require(scope, conversationId);
      if (row.status !== 'human') {
        const status = nextStatus(row.status, 'take_over');
        conversations.update(conversationId, { status, assigned_to: row.assigned_to ?? userId }, at);
        onTakeOver?.(row, status);
      }
      const message = this.recordReply(scope, conversationId, { role: 'staff', body: text, authorId: userId }, { at });
      this.updated(scope, conversationId, at);
      return message;
    });
  }

  /** An internal note beside the transcript, never sent to the guest. */
  addNote(scope: PropertyScope, conversationId: string, text: string, authorId: string | null, within?: (note: ConversationNote) => void): ConversationNote {
    const at = this.now();
    return this.atomically(scope, () => {
      this.require(scope, conversationId);
      const note = new ConversationRepository(scope).insertNote({ conversationId, authorId, body: text, createdAt: at });
      within?.(note);
      // Other staff with the conversation open see the note appear.
      this.updated(scope, conversationId, at);
      return note;
    });
  }

  /** Staff opened the transcript: the guest's messages are read. */
  markRead(scope: PropertyScope, conversationId: string): void {
    new ConversationRepository(scope).update(conversationId, { unread_count: 0 }, this.now());
  }

  // ---- delivery ----------------------------------------------------------------------------

  /** A message's delivery status as the guest would see it (pending, held, sent, delivered, read, failed). */
  setDelivery(scope: PropertyScope, messageId: string, status: string): void {
    new ConversationRepository(scope).setDeliveryStatus(messageId, status);
  }

  /** Tells staff screens a message's delivery moved on. */
  announceDelivery(scope: PropertyScope, conversationId: string, messageId: string, status: string): void {
    this.emit(scope, { type: 'message.delivery', propertyId: scope.property.id, conversationId, messageId, status, at: this.now() });
  }
}

/** The blind-indexed thread key every channel's messages are grouped by. */
function threadToken(scope: PropertyScope, channel: Channel, threadKey: string): string {
  return scope.blindIndex.token(`thread:${channel}`, threadKey);
}

/**
 * The guest of this thread (a returning thread keeps its guest even without contact details),
 * else the guest with this phone or email (blind index), else a new guest. Details the guest
 * gives later fill the gaps.
 */
function upsertGuest(guests: GuestRepository, from: GuestMessageInput['from'], at: string, threadGuestId?: string): Guest {
  const found =
    (threadGuestId && guests.get(threadGuestId)) ||
    (from.phone && guests.findByPhone(from.phone)) ||
    (from.email && guests.findByEmail(from.email)) ||
    undefined;
  if (!found) return guests.insert({ name: from.name ?? null, phone: from.phone ?? null, email: from.email ?? null }, at);
  const fill = {
    ...(!found.name && from.name ? { name: from.name } : {}),
    ...(!found.phone && from.phone ? { phone: from.phone } : {}),
    ...(!found.email && from.email ? { email: from.email } : {}),
  };
  if (!Object.keys(fill).length) return found;
  guests.updateContact(found.id, fill, at);
  return { ...found, ...fill };
}
