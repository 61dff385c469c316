import type { Clock } from '../../../shared/clock.js';
import { NotFoundError, ValidationError } from '../../../shared/errors.js';
import type { ConversationLedger, ConversationRow } from '../../conversations/conversation-ledger.js';
import type { InboundMeta, InboundQueue } from '../../inbound/inbound-queue.service.js';
import type { InboundMessage, PipelineService } from '../../pipeline/pipeline.service.js';
import type { PropertyScope, PropertyService } from '../../properties/property.service.js';
import type { Binding, ChannelBindingService } from '../channel-binding.service.js';
import type { OptOuts } from '../opt-out.js';
import type { WidgetHub } from './widget.hub.js';
import { WidgetRepository } from './widget.repository.js';
import {
  MAX_WIDGET_TEXT,
  WIDGET_KEY,
  WidgetInboundEvent,
  type PostWidgetContact,
  type PostWidgetFeedback,
  type PostWidgetMessage,
  type WidgetMessage,
  type WidgetSettings,
} from './widget.schemas.js';

export type WidgetBinding = Binding<Record<string, string>, WidgetSettings>;

/** Public-listener limits (token buckets that survive restarts). */
export interface WidgetLimits {
  /** Requests per client address: burst, then this many per second. Hotel Wi-Fi puts many guests behind one address. */
  addressBurst: number;
  addressPerSecond: number;
  /** Messages per widget session: burst, then this many per second. */
  sessionBurst: number;
  sessionPerSecond: number;
  /** Open live streams per session (tabs). */
  streamsPerSession: number;
}

const DEFAULT_WIDGET_LIMITS: WidgetLimits = { addressBurst: 60, addressPerSecond: 1, sessionBurst: 8, sessionPerSecond: 0.2, streamsPerSession: 4 };

/** What the widget script needs to render itself for a hotel. */
interface WidgetPublicConfig {
  title: string;
  greeting: string;
  color: string;
  askContactBefore: boolean;
  maxLength: number;
}

const DEFAULT_COLOR = '#1f4e79';
/** Outbound messages the guest may see: sent ones (held or blocked proactive messages stay hidden). */
const VISIBLE_DELIVERY = new Set([null, 'sent', 'delivered', 'read']);
const HISTORY_LIMIT = 100;

function characters(text: string): number {
  return [...text].length;
}

/**
 * The website chat widget for guests (D3, A1, A6): per-hotel keys and allowed origins, guest messages into
 * the durable inbound queue and through the one pipeline, live replies and the typing indicator through
 * the hub, history for reconnecting browsers, and "Was this helpful?" answers (F5).
 */
export class WidgetService {
  private readonly limits: WidgetLimits;

  constructor(
    private readonly deps: {
      channels: ChannelBindingService;
      properties: PropertyService;
      inboundQueue: Pick<InboundQueue, 'accept'>;
      pipeline: Pick<PipelineService, 'handle'>;
      optOuts: OptOuts;
      hub: WidgetHub;
      ledger: ConversationLedger;
      clock: Clock;
      limits?: Partial<WidgetLimits>;
    },
  ) {
    this.limits = { ...DEFAULT_WIDGET_LIMITS, ...deps.limits };
  }

  // --- public listener ---

  /** The hotel a widget key belongs to, and whether this page's origin may use it. */
  access(key: string, origin: string | undefined): { binding: WidgetBinding | undefined; originAllowed: boolean } {
    if (!WIDGET_KEY.test(key)) return { binding: undefined, originAllowed: false };
    const binding = this.deps.channels.resolve<Record<string, string>, WidgetSettings>('widget', key);
    if (!binding || !this.deps.properties.find(binding.propertyId)?.active) return { binding: undefined, originAllowed: false };
    return { binding, originAllowed: origin !== undefined && binding.settings.allowedOrigins.includes(origin) };
  }

  limitAddress(address: string): void {
    this.deps.channels.limit(`widget:addr:${address}`, this.limits.addressBurst, this.limits.addressPerSecond);
  }

  private limitSession(binding: WidgetBinding, sessionId: string): void {
    this.deps.channels.limit(`widget:session:${binding.propertyId}:${sessionId}`, this.limits.sessionBurst, this.limits.sessionPerSecond);
  }

  get streamsPerSession(): number {
    return this.limits.streamsPerSession;
  }

  publicConfig(binding: WidgetBinding): WidgetPublicConfig {
    const property = this.deps.properties.get(binding.propertyId);
    const s = binding.settings;
    return {
      title: s.title ?? property.name,
      greeting: s.greeting ?? `Hello! Ask us anything about your stay at ${property.name}.`,
      color: s.color ?? DEFAULT_COLOR,
      askContactBefore: s.askContactBefore ?? false,
      maxLength: MAX_WIDGET_TEXT,
    };
  }

  /** Stores a guest message durably (answered 202); the same client message id again is recognised and stored once. */
  acceptMessage(binding: WidgetBinding, m: PostWidgetMessage): { duplicate: boolean } {
    const text = m.text.trim();
    const length = characters(text);
    if (length === 0) throw new ValidationError('The message is empty', [{ path: 'text', message: 'write a message first' }]);
    if (length > MAX_WIDGET_TEXT) {
      throw new ValidationError(`Messages can be at most ${MAX_WIDGET_TEXT.toLocaleString('en')} characters; this one has ${length.toLocaleString('en')}`, [
        { path: 'text', message: `at most ${MAX_WIDGET_TEXT.toLocaleString('en')} characters` },
      ]);
    }
    this.limitSession(binding, m.sessionId);
    const event: WidgetInboundEvent = {
      type: 'message',
      sessionId: m.sessionId,
      clientMessageId: m.clientMessageId,
      text,
      ...(m.name ? { name: m.name } : {}),
      ...(m.email ? { email: m.email } : {}),
      ...(m.phone ? { phone: m.phone } : {}),
    };
    const r = this.deps.inboundQueue.accept({ propertyId: binding.propertyId, provider: 'widget', externalId: `${m.sessionId}:${m.clientMessageId}`, eventType: 'message', payload: JSON.stringify(event) });
    // The assistant is "typing" from now until its reply is queued (the inbound queue worker ends it).
    if (!r.duplicate) this.deps.hub.typingStart(binding.propertyId, m.sessionId, String(r.id));
    return { duplicate: r.duplicate };
  }

  /** Name and contact details from the widget's form, added to the guest and the lead of the session's conversation. */
  acceptContact(binding: WidgetBinding, c: PostWidgetContact): { duplicate: boolean } {
    if (!c.name && !c.email && !c.phone) throw new ValidationError('Give a name, an email address or a phone number', [{ path: 'email', message: 'required' }]);
    this.limitSession(binding, c.sessionId);
    const event: WidgetInboundEvent = {
      type: 'contact',
      sessionId: c.sessionId,
      ...(c.name ? { name: c.name } : {}),
      ...(c.email ? { email: c.email } : {}),
      ...(c.phone ? { phone: c.phone } : {}),
    };
    const r = this.deps.inboundQueue.accept({ propertyId: binding.propertyId, provider: 'widget', externalId: `${c.sessionId}:${c.clientRequestId}`, eventType: 'contact', payload: JSON.stringify(event) });
    return { duplicate: r.duplicate };
  }

  private conversationFor(scope: PropertyScope, sessionId: string): ConversationRow | undefined {
    const c = this.deps.ledger.conversationOfThread(scope, 'widget', sessionId);
    return c?.channel === 'widget' ? c : undefined;
  }

  /** The session's conversation as the guest sees it, for a widget that (re)connects. */
  history(binding: WidgetBinding, sessionId: string): { messages: WidgetMessage[]; typing: boolean } {
    const typing = this.deps.hub.isTyping(binding.propertyId, sessionId);
    const scope = this.deps.properties.scope(binding.propertyId);
    const conversation = this.conversationFor(scope, sessionId);
    if (!conversation) return { messages: [], typing };
    const repo = new WidgetRepository(scope);
    const clientIds = repo.clientMessageIds(conversation.id);
    const feedback = repo.feedbackFor(conversation.id);
    const messages: WidgetMessage[] = [];
    for (const m of this.deps.ledger.messages(scope, conversation.id)) {
      if (m.role === 'system') continue;
      if (m.role !== 'guest' && !VISIBLE_DELIVERY.has(m.deliveryStatus)) continue;
      const answer = feedback.get(m.id);
      messages.push({
        id: m.id,
        role: m.role,
        text: m.body,
        createdAt: m.createdAt,
        clientMessageId: clientIds.get(m.id) ?? null,
        feedback: answer === undefined ? null : answer ? 'up' : 'down',
        rateable: m.role === 'assistant',
      });
    }
    return { messages: messages.slice(-HISTORY_LIMIT), typing };
  }

  /** "Was this helpful?" on an assistant reply of the guest's own conversation. */
  feedback(binding: WidgetBinding, f: PostWidgetFeedback): void {
    this.limitSession(binding, f.sessionId);
    const scope = this.deps.properties.scope(binding.propertyId);
    const conversation = this.conversationFor(scope, f.sessionId);
    const repo = new WidgetRepository(scope);
    const info = repo.messageInfo(f.messageId);
    if (!conversation || !info || info.conversation_id !== conversation.id || info.role !== 'assistant') throw new NotFoundError('There is no such reply in this chat');
    repo.saveFeedback({ messageId: info.id, conversationId: conversation.id, helpful: f.helpful, at: this.deps.clock.now().toISOString() });
  }

  // --- inbound queue worker ---

  /** Processes one stored widget event; safe to repeat (the pipeline deduplicates by message id). */
  readonly handleInbound = async (scope: PropertyScope, payload: string, meta: InboundMeta): Promise<void> => {
    const event = WidgetInboundEvent.parse(JSON.parse(payload));
    try {
      if (event.type === 'contact') {
        this.applyContact(scope, event);
        return;
      }
      const msg: InboundMessage = {
        channel: 'widget',
        threadKey: event.sessionId,
        externalId: `widget:${event.sessionId}:${event.clientMessageId}`,
        text: event.text,
        from: { name: event.name ?? null, email: event.email ?? null, phone: event.phone ?? null },
        receivedAt: meta.receivedAt,
        backlog: meta.backlog,
        replyTo: { sessionId: event.sessionId },
        // Only this session's open streams see the draft, as they see its replies.
        onReplyDraft: (text) => this.deps.hub.publish(scope.property.id, event.sessionId, { type: 'draft', text }),
      };
      await this.deps.optOuts.handle(scope, msg, (m) => this.deps.pipeline.handle(scope, m));
    } finally {
      this.deps.hub.typingStop(scope.property.id, event.sessionId, String(meta.eventId));
    }
  };

  private applyContact(scope: PropertyScope, c: Extract<WidgetInboundEvent, { type: 'contact' }>): void {
    const conversation = this.conversationFor(scope, c.sessionId);
    // Before the first message there is no conversation yet; the widget sends the details with that message.
    if (!conversation) return;
    this.deps.ledger.updateContact(scope, conversation.id, { ...(c.name ? { name: c.name } : {}), ...(c.email ? { email: c.email } : {}), ...(c.phone ? { phone: c.phone } : {}) });
  }
}
