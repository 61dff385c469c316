import type { Channel, HandoffReason, LeadDetails, Message } from '../../contract/conversations.js';
import type { Property } from '../../contract/properties.js';
import type { Clock } from '../../shared/clock.js';
import type { EventBus } from '../../shared/events.js';
import type { Logger } from '../../shared/logger.js';
import { maskPii } from '../../shared/redact.js';
import type { AiSwitchService } from '../ai-switch/ai-switch.service.js';
import { ConversationRepository, type ConversationRow } from '../conversations/conversation.repository.js';
import { nextStatus } from '../conversations/conversation-state.js';
import { GuestRepository, type Guest } from '../guests/guest.repository.js';
import { captureLead, emptyDetails, mergeDetails } from '../leads/lead-capture.js';
import { detectLanguage, type ExtractedLead, type Language } from '../leads/lead-extraction.js';
import { LeadRepository } from '../leads/lead.repository.js';
import { InvalidModelOutputError, NoModelAvailableError } from '../llm/llm.port.js';
import type { LlmRouter } from '../llm/llm.router.js';
import { generateStructured } from '../llm/structured.js';
import { hotelDay } from '../llm/cloud-budget.js';
import { isAfterHours, nextDeskOpening } from '../properties/desk-hours.js';
import type { PropertyScope } from '../properties/property.service.js';
import { asksForPerson, injectionFlags, inventedAmounts, policyHandoff, smallTalk } from './guards.js';
import { guestTurn, ModelReply, PROMPT_CANARY, systemPrompt } from './prompt.js';
import type { Passage, Retriever } from './retriever.port.js';
import { UnansweredRepository } from './unanswered.repository.js';
import { formatOpening, texts } from './templates.js';

export const MAX_GUEST_CHARS = 2000;

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
}

export type Decision = 'answer' | 'handoff' | 'none';

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
  lead: LeadDetails & { intent: string };
  flags: string[];
  status: ConversationRow['status'];
}

/** Where replies go: the outbox (channels issue) delivers them; the pipeline only stores them. */
export interface ReplySink {
  enqueue(scope: PropertyScope, conversation: ConversationRow, message: Message): void;
}

export interface PipelineSettings {
  /** Guest messages per minute in one conversation before the AI stops answering. */
  rateLimitPerMinute: number;
  /** A knowledge item this relevant may be sent verbatim when no model answers (C6). */
  knowledgeOnlyScore: number;
  retrievalK: number;
}

export const DEFAULT_PIPELINE_SETTINGS: PipelineSettings = { rateLimitPerMinute: 8, knowledgeOnlyScore: 0.8, retrievalK: 5 };

interface Generated {
  reply: string;
  confidence: number;
  provider: 'ollama' | 'cloud' | 'knowledge' | 'template';
  model: string | null;
  handoffReason: HandoffReason | null;
  citedItemIds: string[];
  intent: ExtractedLead['intent'] | null;
  lead: Partial<LeadDetails>;
  usage: { inputTokens: number | null; outputTokens: number | null; latencyMs: number | null; costUsd: number | null };
}

/**
 * The one conversation pipeline every channel uses (C1): guest and conversation, guards,
 * retrieval, generation, decision, lead, reply, events. It never leaves a guest without an answer
 * or a hand-off (C6), and never answers while a person holds the conversation (C9).
 */
export class PipelineService {
  constructor(
    private readonly deps: {
      ai: AiSwitchService;
      retriever: Retriever;
      router: Pick<LlmRouter, 'generate'> | null;
      events: EventBus;
      clock: Clock;
      log: Logger;
      sink?: ReplySink;
      settings?: PipelineSettings;
    },
  ) {}

  private get settings(): PipelineSettings {
    return this.deps.settings ?? DEFAULT_PIPELINE_SETTINGS;
  }

  async handle(scope: PropertyScope, msg: InboundMessage): Promise<PipelineOutcome> {
    const { property } = scope;
    const conversations = new ConversationRepository(scope);
    const guests = new GuestRepository(scope);
    const leads = new LeadRepository(scope);
    const now = msg.receivedAt;
    const at = now.toISOString();
    const text = msg.text.trim();
    // Everything that reads the guest's words reads at most the guest limit; the stored message keeps them all.
    const bounded = text.slice(0, MAX_GUEST_CHARS);
    const language = detectLanguage(bounded);
    const flags = [...injectionFlags(bounded)];
    if (text.length > MAX_GUEST_CHARS) flags.push('truncated');
    if (msg.backlog) flags.push('backlog');

    // 1. Store: guest, conversation, message, lead — one transaction, so a retry repeats nothing.
    const stored = scope.db.transaction(() => {
      if (msg.externalId && conversations.messageExists(msg.externalId)) return null;
      const threadBidx = scope.blindIndex.token(`thread:${msg.channel}`, msg.threadKey);
      let conversation = conversations.findOpenByThread(threadBidx);
      const guest = this.upsertGuest(guests, msg, at, conversation?.guest_id);
      const afterHours = isAfterHours(property, now);
      if (!conversation) {
        conversation = conversations.insert({ guestId: guest.id, channel: msg.channel, threadBidx, status: 'ai', language, afterHours, at });
      } else if (conversation.status === 'resolved') {
        conversations.update(conversation.id, { status: nextStatus('resolved', 'guest_message'), resolved_at: null, handoff_reason: null }, at);
      }
      if (msg.replyTo) conversations.setReplyTo(conversation.id, msg.replyTo);
      const guestMessage = conversations.insertMessage({ conversationId: conversation.id, role: 'guest', body: text, externalId: msg.externalId, flags, createdAt: at });
      captureLead(leads, property, { conversationId: conversation.id, guest, text: bounded, channel: msg.channel, afterHours, profileName: msg.from.name, now });
      return { conversation: conversations.get(conversation.id)!, guest, guestMessage, resumed: false };
    })() ?? this.resumable(scope, msg);
    if (!stored) return this.duplicateOutcome(scope, msg);
    const { guest, guestMessage } = stored;
    let conversation = stored.conversation;
    if (!stored.resumed) this.deps.events.emit({ type: 'message.created', propertyId: property.id, conversationId: conversation.id, messageId: guestMessage.id, role: 'guest', at });

    // 2. Guards that mean "no automatic answer".
    if (conversation.status === 'human') return this.outcome(scope, conversation, guestMessage.id, 'none', null, null, flags);
    if (this.deps.ai.isPaused(property.id)) return this.handOff(scope, conversation, guestMessage.id, 'ai_paused', language, guest, flags, { silent: true, now });
    if (guest.optedOut) return this.outcome(scope, conversation, guestMessage.id, 'none', null, null, [...flags, 'opted_out']);
    if (msg.backlog) return this.handOff(scope, conversation, guestMessage.id, 'backlog', language, guest, flags, { silent: true, now });
    const since = new Date(now.getTime() - 60_000).toISOString();
    if (conversations.recentGuestMessageCount(conversation.id, since) > this.settings.rateLimitPerMinute) {
      return this.outcome(scope, conversation, guestMessage.id, 'none', null, null, [...flags, 'rate_limited']);
    }
    if (conversation.status === 'needs_human') {
      // Already waiting for a person: store and stay quiet rather than repeat the hand-off notice.
      return this.outcome(scope, conversation, guestMessage.id, 'none', null, conversation.handoff_reason, flags);
    }
    if (asksForPerson(bounded)) return this.handOff(scope, conversation, guestMessage.id, 'asked_for_person', language, guest, flags, { now });
    const policy = policyHandoff(bounded);
    if (policy) return this.handOff(scope, conversation, guestMessage.id, policy, language, guest, flags, { now });
    const talk = smallTalk(bounded);
    if (talk) {
      const t = texts(language);
      const body = talk === 'greeting' ? t.greeting(property.name) : t.thanks;
      return this.answer(scope, conversation, guestMessage.id, { reply: body, confidence: 1, provider: 'template', model: null, handoffReason: null, citedItemIds: [], intent: null, lead: {}, usage: nullUsage() }, [], flags);
    }

    // 3. Retrieve, generate, decide.
    const query = bounded;
    const { passages } = await this.deps.retriever.retrieve(property.id, this.retrievalQuery(conversations, conversation.id, guestMessage.id, query, [guest.name, msg.from.name]), this.settings.retrievalK);
    if (passages.length === 0) return this.handOff(scope, conversation, guestMessage.id, 'no_knowledge', language, guest, flags, { now });
    const generated = await this.generate(scope, conversation, guest, query, language, passages);
    if (!generated) return this.handOff(scope, conversation, guestMessage.id, 'no_model', language, guest, flags, { now });
    if (generated.handoffReason) {
      return this.handOff(scope, conversation, guestMessage.id, generated.handoffReason, language, guest, flags, { usage: generated, now });
    }
    conversation = conversations.get(conversation.id)!;
    return this.answer(scope, conversation, guestMessage.id, generated, passages, flags);
  }

  /**
   * What to search the knowledge base for: the guest's words without contact details, and for a
   * short follow-up ("and for kids?") the previous guest message too, which carries the topic.
   */
  private retrievalQuery(conversations: ConversationRepository, conversationId: string, guestMessageId: string, text: string, names: (string | null | undefined)[]): string {
    const clean = searchableText(text, names);
    if (clean.split(/\s+/).filter(Boolean).length >= 6 || /[\u4e00-\u9fff]{6,}/.test(clean)) return clean;
    const previous = conversations
      .messages(conversationId)
      .filter((m) => m.role === 'guest' && m.id !== guestMessageId)
      .at(-1);
    return previous ? `${searchableText(previous.body, names)} ${clean}` : clean;
  }

  /**
   * The guest of this thread (a returning thread keeps its guest even without contact details),
   * else the guest with this phone or email (blind index), else a new guest. Details the guest
   * gives later fill the gaps.
   */
  private upsertGuest(guests: GuestRepository, msg: InboundMessage, at: string, threadGuestId?: string): Guest & { optedOut: boolean } {
    const found =
      (threadGuestId && guests.get(threadGuestId)) ||
      (msg.from.phone && guests.findByPhone(msg.from.phone)) ||
      (msg.from.email && guests.findByEmail(msg.from.email)) ||
      undefined;
    let guest = found ?? guests.insert({ name: msg.from.name ?? null, phone: msg.from.phone ?? null, email: msg.from.email ?? null }, at);
    if (found) {
      const fill = {
        ...(!found.name && msg.from.name ? { name: msg.from.name } : {}),
        ...(!found.phone && msg.from.phone ? { phone: msg.from.phone } : {}),
        ...(!found.email && msg.from.email ? { email: msg.from.email } : {}),
      };
      if (Object.keys(fill).length) {
        guests.updateContact(found.id, fill, at);
        guest = { ...found, ...fill };
      }
    }
    return { ...guest, optedOut: guests.isOptedOut(guest.id) };
  }

  private async generate(scope: PropertyScope, conversation: ConversationRow, guest: Guest, query: string, language: Language, passages: Passage[]): Promise<Generated | null> {
    const { property } = scope;
    const knowledgeOnly = (): Generated | null => {
      const best = passages[0]!;
      if (best.score < this.settings.knowledgeOnlyScore) return null;
      return {
        reply: `${texts(language).fromKnowledge(best.title)}\n${best.text}`,
        confidence: best.score,
        provider: 'knowledge',
        model: null,
        handoffReason: null,
        citedItemIds: [best.itemId],
        intent: null,
        lead: {},
        usage: nullUsage(),
      };
    };
    if (!this.deps.router) return knowledgeOnly();
    const history = new ConversationRepository(scope)
      .messages(conversation.id)
      .slice(-7, -1)
      .filter((m) => m.role !== 'system')
      .map((m) => (m.role === 'guest' ? { role: 'user' as const, content: guestTurn(m.body.slice(0, MAX_GUEST_CHARS)) } : { role: 'assistant' as const, content: m.body }));
    try {
      const { data, result } = await generateStructured(this.deps.router, ModelReply, {
        system: systemPrompt({ hotelName: property.name, today: hotelDay(this.deps.clock.now(), property.timezone), timezone: property.timezone, language, passages }),
        messages: [...history, { role: 'user', content: guestTurn(query) }],
        context: {
          propertyId: property.id,
          timeZone: property.timezone,
          guestNames: guest.name ? [guest.name] : [],
          phoneCountry: property.country as never,
          conversationId: conversation.id,
          ...(property.cloudBudgetUsd !== null ? { dailyCloudBudgetUsd: property.cloudBudgetUsd } : {}),
        },
      });
      const known = new Set(passages.map((p) => p.itemId));
      const cited = data.citedItemIds.filter((id) => known.has(id));
      let confidence = data.confidence;
      let handoffReason: HandoffReason | null = data.handoff ? (data.handoffReason ?? 'low_confidence') : null;
      // Output checks: no echoed instructions, no prices the knowledge does not contain, grounded answers.
      if (data.reply.includes(PROMPT_CANARY) || /guest assistant of .* Rules you must follow/s.test(data.reply)) handoffReason = 'injection';
      const sources = passages.filter((p) => cited.includes(p.itemId) || cited.length === 0).map((p) => p.text).join('\n');
      if (inventedAmounts(data.reply, sources).length) confidence = Math.min(confidence, 0.3);
      if (cited.length === 0) confidence = Math.min(confidence, 0.5);
      if (!handoffReason && confidence < property.confidenceThreshold) handoffReason = 'low_confidence';
      return {
        reply: data.reply,
        confidence,
        provider: result.route === 'local' ? 'ollama' : 'cloud',
        model: result.model,
        handoffReason,
        citedItemIds: cited,
        intent: data.intent,
        lead: { ...data.lead },
        usage: { inputTokens: result.inputTokens, outputTokens: result.outputTokens, latencyMs: result.latencyMs, costUsd: result.costUsd },
      };
    } catch (err) {
      if (err instanceof NoModelAvailableError) {
        this.deps.log.warn({ propertyId: property.id, conversationId: conversation.id }, 'no model answered; falling back to the knowledge base');
        return knowledgeOnly();
      }
      if (err instanceof InvalidModelOutputError) {
        return { reply: '', confidence: 0, provider: 'ollama', model: null, handoffReason: 'low_confidence', citedItemIds: [], intent: null, lead: {}, usage: nullUsage() };
      }
      throw err;
    }
  }

  private answer(scope: PropertyScope, conversation: ConversationRow, guestMessageId: string, g: Generated, passages: Passage[], flags: string[]): PipelineOutcome {
    const at = this.deps.clock.now().toISOString();
    const conversations = new ConversationRepository(scope);
    const reply = scope.db.transaction(() => {
      const m = conversations.insertMessage({
        conversationId: conversation.id,
        role: 'assistant',
        body: g.reply,
        provider: g.provider,
        model: g.model,
        confidence: g.confidence,
        citedItemIds: g.citedItemIds,
        ...g.usage,
        deliveryStatus: 'pending',
        createdAt: at,
      });
      this.mergeModelLead(scope, conversation, g, at);
      // Queued for sending in the same transaction: a crash cannot keep the reply but lose its delivery.
      this.deps.sink?.enqueue(scope, conversation, m);
      return m;
    })();
    this.deps.events.emit({ type: 'message.created', propertyId: scope.property.id, conversationId: conversation.id, messageId: reply.id, role: 'assistant', at });
    const titles = new Map(passages.map((p) => [p.itemId, p.title]));
    return this.outcome(scope, conversation, guestMessageId, 'answer', reply, null, flags, g, g.citedItemIds.map((id) => ({ itemId: id, title: titles.get(id) ?? id })));
  }

  private mergeModelLead(scope: PropertyScope, conversation: ConversationRow, g: Generated, at: string): void {
    if (!g.intent && Object.values(g.lead).every((v) => v == null)) return;
    const leads = new LeadRepository(scope);
    const lead = leads.byConversation(conversation.id);
    if (!lead) return;
    const valid = (d: unknown) => (typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d) ? d : null);
    const fromModel: Partial<LeadDetails> = {
      name: g.lead.name ?? null,
      checkIn: valid(g.lead.checkIn),
      checkOut: valid(g.lead.checkOut),
      guests: typeof g.lead.guests === 'number' && g.lead.guests > 0 && g.lead.guests <= 1000 ? g.lead.guests : null,
      roomType: g.lead.roomType ?? null,
      intentDetails: g.lead.intentDetails ?? null,
    };
    // Deterministic fields win; the model fills gaps.
    const details = mergeDetails(fromModel as LeadDetails, lead.details, true);
    const intent = lead.intent === 'other' && g.intent ? g.intent : lead.intent;
    leads.save({ ...lead, details, intent }, at);
  }

  private handOff(
    scope: PropertyScope,
    conversation: ConversationRow,
    guestMessageId: string,
    reason: HandoffReason,
    language: Language,
    guest: Guest,
    flags: string[],
    opts: { silent?: boolean; usage?: Generated; now?: Date } = {},
  ): PipelineOutcome {
    const { property } = scope;
    const now = opts.now ?? this.deps.clock.now();
    const at = this.deps.clock.now().toISOString();
    const conversations = new ConversationRepository(scope);
    const reply = scope.db.transaction(() => {
      conversations.update(conversation.id, { status: nextStatus(conversation.status, 'handoff'), handoff_reason: reason }, at);
      if (opts.silent) return null;
      const body = [handoffNotice(property, now, language), guest.phone || guest.email ? null : texts(language).askContact].filter(Boolean).join(' ');
      const m = conversations.insertMessage({
        conversationId: conversation.id,
        role: 'assistant',
        body,
        provider: 'template',
        ...(opts.usage ? { ...opts.usage.usage, model: opts.usage.model, confidence: opts.usage.confidence } : {}),
        deliveryStatus: 'pending',
        createdAt: at,
      });
      this.deps.sink?.enqueue(scope, conversations.get(conversation.id)!, m);
      return m;
    })();
    const updated = conversations.get(conversation.id)!;
    if (reply) {
      this.deps.events.emit({ type: 'message.created', propertyId: property.id, conversationId: conversation.id, messageId: reply.id, role: 'assistant', at });
    }
    this.deps.events.emit({ type: 'handoff.requested', propertyId: property.id, conversationId: conversation.id, reason, at });
    this.deps.events.emit({ type: 'conversation.updated', propertyId: property.id, conversationId: conversation.id, status: updated.status, at });
    return this.outcome(scope, updated, guestMessageId, 'handoff', reply, reason, flags, opts.usage);
  }

  private outcome(
    scope: PropertyScope,
    conversation: ConversationRow,
    guestMessageId: string | null,
    decision: Decision,
    reply: Message | null,
    handoffReason: HandoffReason | null,
    flags: string[],
    g?: Generated,
    citations: { itemId: string; title: string }[] = [],
  ): PipelineOutcome {
    const lead = new LeadRepository(scope).byConversation(conversation.id);
    return {
      duplicate: false,
      conversationId: conversation.id,
      guestMessageId,
      decision,
      reply,
      confidence: g?.confidence ?? null,
      provider: reply ? (g?.provider ?? 'template') : null,
      handoffReason,
      citations,
      lead: { ...(lead?.details ?? emptyDetails()), intent: lead?.intent ?? 'other' },
      flags,
      status: new ConversationRepository(scope).get(conversation.id)!.status,
    };
  }

  /**
   * Crash recovery: a repeat of a stored guest message that has neither a reply nor a hand-off
   * (the process died while the model was answering) is resumed, not skipped as a duplicate.
   */
  private resumable(scope: PropertyScope, msg: InboundMessage): { conversation: ConversationRow; guest: Guest & { optedOut: boolean }; guestMessage: Message; resumed: true } | null {
    const found = msg.externalId ? new UnansweredRepository(scope).find(msg.externalId) : undefined;
    if (!found) return null;
    const guests = new GuestRepository(scope);
    const guest = guests.get(found.conversation.guest_id)!;
    this.deps.log.info({ propertyId: scope.property.id, conversationId: found.conversation.id }, 'guest message left unanswered by a restart: answering it now');
    return { ...found, guest: { ...guest, optedOut: guests.isOptedOut(guest.id) }, resumed: true };
  }

  private duplicateOutcome(scope: PropertyScope, msg: InboundMessage): PipelineOutcome {
    const conversations = new ConversationRepository(scope);
    const messageId = conversations.messageIdByExternal(msg.externalId!)!;
    const conversation = conversations.conversationOfMessage(messageId)!;
    return { ...this.outcome(scope, conversation, messageId, 'none', null, null, []), duplicate: true };
  }
}

const SALUTATION = /\b(hello|hi|hey|dear|good (morning|afternoon|evening)|my name is|this is|i am|i'm|nama saya|call me on|call me at|contact me at|email me at|reach me at|thanks?( you)?|regards|cheers|please|pls)\b|你好|您好|我叫|谢谢/gi;

/** The guest's words minus contact details, their own name and pleasantries: what the knowledge base can match. */
function searchableText(text: string, names: (string | null | undefined)[]): string {
  let out = maskPii(text).replace(/\[(phone|email|card)\]/g, ' ');
  for (const name of names) {
    for (const part of (name ?? '').split(/\s+/).filter((p) => p.length >= 2)) {
      out = out.replace(new RegExp(`(?<![\\p{L}])${part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}])`, 'giu'), ' ');
    }
  }
  return out.replace(SALUTATION, ' ').replace(/\s+/g, ' ').trim();
}

function nullUsage(): Generated['usage'] {
  return { inputTokens: null, outputTokens: null, latencyMs: null, costUsd: null };
}

/** "A person will reply shortly" or "after 8:00 on Saturday", from the hotel's desk hours. */
export function handoffNotice(property: Property, now: Date, language: Language): string {
  const t = texts(language);
  if (!isAfterHours(property, now)) return t.handoffSoon;
  const opening = nextDeskOpening(property, now);
  return opening ? t.handoffAt(formatOpening(opening, property.timezone, language)) : t.handoffNoHours;
}
