import type { Channel, HandoffReason, LeadDetails, Message } from '../../contract/conversations.js';
import type { Clock } from '../../shared/clock.js';
import { nextTurn } from '../../shared/event-loop.js';
import { boundGuestText, MAX_GUEST_CHARS } from '../../shared/guest-text.js';
import type { Logger } from '../../shared/logger.js';
import type { AiSwitchService } from '../ai-switch/ai-switch.service.js';
import type { ConversationLedger, RecordedGuestMessage, ConversationRow } from '../conversations/conversation-ledger.js';
import { emptyDetails, mergeDetails } from '../leads/lead-capture.js';
import { detectLanguage, extractLead, type ExtractedLead, type Language } from '../leads/lead-extraction.js';
import { hotelDay } from '../properties/desk-hours.js';
import type { LlmMessage } from '../llm/llm.port.js';
import type { LlmRouter } from '../llm/llm.router.js';
import type { PropertyScope } from '../properties/property.service.js';
import { injectionFlags } from './guards.js';
import { guestTurn } from './prompt.js';
import { nullUsage, ReplyComposer, type Composition, type QuestionPart } from './reply-composer.js';
import type { Retriever } from './retriever.port.js';

/** One guest message, normalised by its channel adapter (C1). */
export interface InboundMessage {
  channel: Channel;
  /** What ties messages into one conversation: WhatsApp id, email thread root, widget session. */
  threadKey: string;
  /** Provider message id, for deduplication. */
  externalId: string | null;
  text: string;
  from: { name?: string | null; phone?: string | null; email?: string | null };
  receivedAt: Date;
  /** Older than the backlog cut-off: stored and shown to staff, not answered automatically. */
  backlog?: boolean;
  /** Where replies go, channel-specific (for example the WhatsApp id and business number). */
  replyTo?: Record<string, unknown>;
  /** The whole message is STOP or START (decided by channels/opt-out.ts, which confirms it): stored, not answered, not a lead. */
  consentKeyword?: 'opt_out' | 'opt_in';
  /** The channel shows the guest the reply as the model writes it (the widget); never stored. */
  onReplyDraft?: (text: string) => void;
}

/**
 * A message the model does not read (a sticker, a photo, a voice note, a location), normalised by
 * its channel: stored as an inquiry like any text, and at most acknowledged with a fixed text.
 */
export interface DirectMessage extends Omit<InboundMessage, 'consentKeyword' | 'onReplyDraft'> {
  /** Whether a resolved conversation opens again (a reaction does not reopen it). */
  reopen: boolean;
  /** The channel's fixed acknowledgement in the conversation's language, and whether a person should take over; null: stored only. */
  acknowledge: { text: (language: string) => string; handoff: boolean } | null;
}

type Decision = 'answer' | 'handoff' | 'none';

export interface PipelineOutcome {
  duplicate: boolean;
  conversationId: string;
  guestMessageId: string | null;
  decision: Decision;
  reply: Message | null;
  confidence: number | null;
  provider: 'ollama' | 'cloud' | 'knowledge' | 'template' | null;
  handoffReason: HandoffReason | null;
  citations: { itemId: string; title: string }[];
  /** The knowledge found for the message, best first, with its calibrated relevance. */
  retrieved: Composition['retrieved'];
  lead: LeadDetails & { intent: string };
  flags: string[];
  status: ConversationRow['status'];
}

/** What a test question would get, with nothing written. */
export interface TrialOutcome {
  decision: 'answer' | 'handoff';
  reply: string | null;
  confidence: number | null;
  provider: Composition['provider'];
  handoffReason: HandoffReason | null;
  citations: { itemId: string; title: string }[];
  retrieved: Composition['retrieved'];
  parts: QuestionPart[];
  lead: LeadDetails & { intent: string };
  flags: string[];
}

interface PipelineSettings {
  /** Guest messages per minute in one conversation before the AI stops answering. */
  rateLimitPerMinute: number;
  /** Passages retrieved per question. */
  retrievalK: number;
}

const DEFAULT_PIPELINE_SETTINGS: PipelineSettings = { rateLimitPerMinute: 8, retrievalK: 5 };

/**
 * The one conversation pipeline every channel uses (C1): guards, retrieval, generation and the
 * decision; every write (guest, conversation, lead, reply, hand-off) and every event goes through
 * the conversation ledger. It never leaves a guest without an answer or a hand-off (C6), and never
 * answers while a person holds the conversation (C9).
 */
export class PipelineService {
  constructor(
    private readonly deps: {
      ai: AiSwitchService;
      retriever: Retriever;
      router: Pick<LlmRouter, 'generate'> | null;
      ledger: ConversationLedger;
      clock: Clock;
      log: Logger;
      settings?: PipelineSettings;
    },
  ) {
    this.composer = new ReplyComposer({ retriever: deps.retriever, router: deps.router, clock: deps.clock, log: deps.log, settings: { retrievalK: this.settings.retrievalK } });
  }

  private readonly composer: ReplyComposer;

  private get settings(): PipelineSettings {
    return this.deps.settings ?? DEFAULT_PIPELINE_SETTINGS;
  }

  async handle(scope: PropertyScope, msg: InboundMessage): Promise<PipelineOutcome> {
    const { property } = scope;
    const { ledger } = this.deps;
    const now = msg.receivedAt;
    const { text, bounded, language, flags } = readGuestText(msg.text);
    if (msg.backlog) flags.push('backlog');

    // 1. Store: guest, conversation, message, lead — one transaction, so a retry repeats nothing.
    const stored =
      ledger.recordGuestMessage(scope, {
        channel: msg.channel,
        threadKey: msg.threadKey,
        externalId: msg.externalId,
        text,
        from: msg.from,
        receivedAt: now,
        language,
        flags,
        replyTo: msg.replyTo,
        leadText: msg.consentKeyword ? null : bounded,
      }) ?? this.resumable(scope, msg);
    if (!stored) return this.duplicateOutcome(scope, msg);
    const { guest, guestMessage } = stored;
    let conversation = stored.conversation;
    // Read once, for the lead, as it was stored; a message resumed after a crash is read again.
    const extracted = stored.lead ?? extractLead(bounded, { today: hotelDay(now, property.timezone), country: property.country as never, hotelName: property.name, profileName: msg.from.name ?? guest.name });
    // Storing a long message and answering it are two turns of the event loop: waiting requests are served in between.
    await nextTurn();

    // 2. Guards that mean "no automatic answer".
    if (msg.consentKeyword) return this.outcome(scope, conversation, guestMessage.id, 'none', null, null, [...flags, msg.consentKeyword]);
    if (conversation.status === 'human') return this.outcome(scope, conversation, guestMessage.id, 'none', null, null, flags);
    if (this.deps.ai.isPaused(property.id)) return this.handOff(scope, conversation, guestMessage.id, silentHandoff('ai_paused'), flags);
    if (guest.optedOut) return this.outcome(scope, conversation, guestMessage.id, 'none', null, null, [...flags, 'opted_out']);
    if (msg.backlog) return this.handOff(scope, conversation, guestMessage.id, silentHandoff('backlog'), flags);
    const since = new Date(now.getTime() - 60_000).toISOString();
    if (ledger.recentGuestMessageCount(scope, conversation.id, since) > this.settings.rateLimitPerMinute) {
      return this.outcome(scope, conversation, guestMessage.id, 'none', null, null, [...flags, 'rate_limited']);
    }
    if (conversation.status === 'needs_human') {
      // Already waiting for a person: store and stay quiet rather than repeat the hand-off notice.
      return this.outcome(scope, conversation, guestMessage.id, 'none', null, conversation.handoff_reason, flags);
    }

    // 3. Compose: guards on the words, questions, retrieval, generation, decision.
    const transcript = ledger.messages(scope, conversation.id);
    const previous = transcript.filter((m) => m.role === 'guest' && m.id !== guestMessage.id).at(-1);
    const lead = ledger.lead(scope, conversation.id);
    const composed = await this.composer.compose({
      property,
      text: bounded,
      language,
      flags,
      names: [guest.name, msg.from.name, lead?.details.name],
      contactKnown: !!(guest.phone || guest.email || lead?.details.phone || lead?.details.email),
      lead: extracted,
      previousGuestText: previous?.body ?? null,
      history: history(transcript),
      conversationId: conversation.id,
      now,
      ...(msg.onReplyDraft ? { onDraft: msg.onReplyDraft } : {}),
    });
    conversation = ledger.conversation(scope, conversation.id)!;
    if (composed.decision === 'answer') return this.answer(scope, conversation, guestMessage.id, composed, flags);
    return this.handOff(scope, conversation, guestMessage.id, composed, flags);
  }

  /**
   * A message the model does not read: stored with its lead in one transaction with its
   * acknowledgement, which only a conversation the AI holds gets. As in `handle`, with the AI
   * paused or for a stale backlog a person answers instead (silently), and an opted-out guest gets
   * no automatic message.
   */
  storeDirect(scope: PropertyScope, msg: DirectMessage): void {
    const { ledger } = this.deps;
    const replyAt = this.deps.clock.now().toISOString();
    const backlog = msg.backlog === true;
    ledger.atomically(scope, () => {
      const language = ledger.conversationOfThread(scope, msg.channel, msg.threadKey)?.language ?? 'en';
      const stored = ledger.recordGuestMessage(scope, {
        channel: msg.channel,
        threadKey: msg.threadKey,
        externalId: msg.externalId,
        text: msg.text,
        from: msg.from,
        receivedAt: msg.receivedAt,
        language,
        flags: backlog ? ['backlog'] : [],
        replyTo: msg.replyTo,
        // A voice note, a photo or a location is an inquiry like any text (and so is a message from
        // a guest who opted out of automatic replies).
        leadText: msg.text,
        reopen: msg.reopen,
      });
      if (!stored || !msg.acknowledge || stored.guest.optedOut || stored.conversation.status !== 'ai') return;
      const paused = this.deps.ai.isPaused(scope.property.id);
      const handoff = msg.acknowledge.handoff || paused || backlog;
      const notice = !backlog && !paused ? { body: msg.acknowledge.text(language), provider: 'template' as const } : null;
      if (handoff) ledger.handOff(scope, stored.conversation.id, paused ? 'ai_paused' : backlog ? 'backlog' : 'low_confidence', { at: replyAt, notice });
      else if (notice) ledger.recordReply(scope, stored.conversation.id, { role: 'assistant', ...notice }, { at: replyAt });
    });
  }

  /**
   * A test question through the same composition a guest's message gets, writing nothing: no guest,
   * conversation, lead, knowledge gap, report figure or outbox row (`nocturn ask`, "Try a question").
   */
  async trial(scope: PropertyScope, text: string, receivedAt: Date): Promise<TrialOutcome> {
    const { property } = scope;
    const { bounded, language, flags } = readGuestText(text);
    const extracted = extractLead(bounded, { today: hotelDay(receivedAt, property.timezone), country: property.country as never, hotelName: property.name });
    const composed = await this.composer.compose({
      property,
      text: bounded,
      language,
      flags,
      names: [extracted.name],
      contactKnown: !!(extracted.phone || extracted.email),
      lead: extracted,
      previousGuestText: null,
      history: [],
      conversationId: 'trial',
      now: receivedAt,
    });
    const lead = { ...emptyDetails(), name: extracted.name, phone: extracted.phone, email: extracted.email, checkIn: extracted.checkIn, checkOut: extracted.checkOut, guests: extracted.guests, roomType: extracted.roomType };
    return {
      decision: composed.decision,
      reply: composed.reply,
      confidence: composed.confidence,
      provider: composed.provider,
      handoffReason: composed.handoffReason,
      citations: citationsOf(composed),
      retrieved: composed.retrieved,
      parts: composed.parts,
      lead: (({ details, intent }) => ({ ...details, intent }))(withModelLead(lead, extracted.intent, composed)),
      flags,
    };
  }

  private answer(scope: PropertyScope, conversation: ConversationRow, guestMessageId: string, c: Composition, flags: string[]): PipelineOutcome {
    const { ledger } = this.deps;
    const at = this.deps.clock.now().toISOString();
    // The reply, its outbox row and the lead as the model read it: one transaction.
    const reply = ledger.atomically(scope, () => {
      const m = ledger.recordReply(scope, conversation.id, { role: 'assistant', ...replyOf(c), body: c.reply ?? '' }, { at });
      this.mergeModelLead(scope, conversation, c, at);
      return m;
    });
    return this.outcome(scope, conversation, guestMessageId, 'answer', reply, null, flags, c);
  }

  private mergeModelLead(scope: PropertyScope, conversation: ConversationRow, c: Composition, at: string): void {
    if (!c.intent && Object.values(c.lead).every((v) => v == null)) return;
    this.deps.ledger.reviseLead(scope, conversation.id, (lead) => withModelLead(lead.details, lead.intent, c), at);
  }

  private handOff(scope: PropertyScope, conversation: ConversationRow, guestMessageId: string, c: Composition, flags: string[]): PipelineOutcome {
    const { ledger } = this.deps;
    const reason = c.handoffReason ?? 'low_confidence';
    const at = this.deps.clock.now().toISOString();
    const reply = ledger.atomically(scope, () => {
      if (c.provider !== 'template' || c.intent || Object.keys(c.lead).length) this.mergeModelLead(scope, conversation, c, at);
      return ledger.handOff(scope, conversation.id, reason, { at, notice: c.reply === null ? null : { ...replyOf(c), body: c.reply } });
    });
    const updated = ledger.conversation(scope, conversation.id)!;
    return this.outcome(scope, updated, guestMessageId, 'handoff', reply, reason, flags, c);
  }

  private outcome(
    scope: PropertyScope,
    conversation: ConversationRow,
    guestMessageId: string | null,
    decision: Decision,
    reply: Message | null,
    handoffReason: HandoffReason | null,
    flags: string[],
    c?: Composition,
  ): PipelineOutcome {
    const lead = this.deps.ledger.lead(scope, conversation.id);
    return {
      duplicate: false,
      conversationId: conversation.id,
      guestMessageId,
      decision,
      reply,
      confidence: c?.confidence ?? null,
      provider: reply ? (c?.provider ?? 'template') : null,
      handoffReason,
      citations: c ? citationsOf(c) : [],
      retrieved: c?.retrieved ?? [],
      lead: { ...(lead?.details ?? emptyDetails()), intent: lead?.intent ?? 'other' },
      flags,
      status: this.deps.ledger.conversation(scope, conversation.id)!.status,
    };
  }

  /**
   * Crash recovery: a repeat of a stored guest message that has neither a reply nor a hand-off
   * (the process died while the model was answering) is resumed, not skipped as a duplicate.
   */
  private resumable(scope: PropertyScope, msg: InboundMessage): RecordedGuestMessage | null {
    const found = msg.externalId ? this.deps.ledger.unanswered(scope, msg.externalId) : undefined;
    if (!found) return null;
    this.deps.log.info({ propertyId: scope.property.id, conversationId: found.conversation.id }, 'guest message left unanswered by a restart: answering it now');
    return found;
  }

  private duplicateOutcome(scope: PropertyScope, msg: InboundMessage): PipelineOutcome {
    const { messageId, conversation } = this.deps.ledger.messageByExternalId(scope, msg.externalId!)!;
    return { ...this.outcome(scope, conversation, messageId, 'none', null, null, []), duplicate: true };
  }
}

/**
 * A guest's words as the pipeline reads them: trimmed (and stored so), and for everything that parses
 * them, bounded to the guest limit, with their language and the flags they raise.
 */
function readGuestText(raw: string): { text: string; bounded: string; language: Language; flags: string[] } {
  const text = raw.trim();
  const bounded = boundGuestText(text);
  const flags = [...injectionFlags(bounded)];
  if (text.length > MAX_GUEST_CHARS) flags.push('truncated');
  return { text, bounded, language: detectLanguage(bounded), flags };
}

/** Earlier turns of the conversation for the model, oldest first, without the newest guest message. */
function history(transcript: readonly Message[]): LlmMessage[] {
  return transcript
    .slice(-7, -1)
    .filter((m) => m.role !== 'system')
    .map((m) => (m.role === 'guest' ? { role: 'user' as const, content: guestTurn(m.body.slice(0, MAX_GUEST_CHARS)) } : { role: 'assistant' as const, content: m.body }));
}

/** How a composed reply was made, as stored with it. */
function replyOf(c: Composition): { body: string; provider: Composition['provider']; model: string | null; confidence: number | null; citedItemIds: string[] } & Composition['usage'] {
  return { body: c.reply ?? '', provider: c.provider, model: c.model, confidence: c.confidence, citedItemIds: c.citedItemIds, ...c.usage };
}

/** A hand-off with nothing said to the guest (the AI is paused, or the message arrived while offline). */
function silentHandoff(reason: HandoffReason): Composition {
  return { decision: 'handoff', reply: null, confidence: null, provider: 'template', model: null, handoffReason: reason, citedItemIds: [], retrieved: [], parts: [], intent: null, lead: {}, usage: nullUsage() };
}

/** The lead fields a model gave, those that are valid (ISO dates, a party of 1 to 1,000). */
function modelLeadFields(c: Composition): LeadDetails {
  const valid = (d: unknown) => (typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d) ? d : null);
  return {
    ...emptyDetails(),
    name: c.lead.name ?? null,
    checkIn: valid(c.lead.checkIn),
    checkOut: valid(c.lead.checkOut),
    guests: typeof c.lead.guests === 'number' && c.lead.guests > 0 && c.lead.guests <= 1000 ? c.lead.guests : null,
    roomType: c.lead.roomType ?? null,
    intentDetails: c.lead.intentDetails ?? null,
  };
}

/**
 * A lead with what the model read in the message: deterministic fields win and the model fills gaps;
 * it may name the intent of a request the guest made (dates or a party given) and give stay details
 * to a request, but never turn a plain question into a booking.
 */
function withModelLead(details: LeadDetails, intent: ExtractedLead['intent'], c: Composition): { details: LeadDetails; intent: ExtractedLead['intent'] } {
  const madeRequest = details.checkIn !== null || details.guests !== null;
  const finalIntent = intent === 'other' && c.intent && madeRequest ? c.intent : intent;
  const fromModel = modelLeadFields(c);
  const fill = finalIntent === 'other' ? { ...fromModel, checkIn: null, checkOut: null, guests: null, roomType: null } : fromModel;
  return { details: mergeDetails(details, fill, true), intent: finalIntent };
}

/** The items a reply used, with their titles. */
function citationsOf(c: Composition): { itemId: string; title: string }[] {
  const titles = new Map(c.retrieved.map((r) => [r.itemId, r.title]));
  return c.citedItemIds.map((id) => ({ itemId: id, title: titles.get(id) ?? id }));
}
