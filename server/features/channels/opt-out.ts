import type { Channel, Message } from '../../contract/conversations.js';
import type { Clock } from '../../shared/clock.js';
import type { EventBus } from '../../shared/events.js';
import { ConversationRepository } from '../conversations/conversation.repository.js';
import { GuestRepository } from '../guests/guest.repository.js';
import type { Language } from '../leads/lead-extraction.js';
import type { InboundMessage, PipelineOutcome, ReplySink } from '../pipeline/pipeline.service.js';
import type { PropertyScope } from '../properties/property.service.js';

/**
 * Words that opt a guest out of messages (B7, D6) when they are the whole message: English carrier
 * conventions, Malay and Chinese. Compared case-insensitively after trimming.
 */
export const OPT_OUT_KEYWORDS = ['stop', 'stop all', 'unsubscribe', 'cancel', 'end', 'quit', 'berhenti', 'henti', '退订', '取消订阅'] as const;

const KEYWORDS = new Set<string>(OPT_OUT_KEYWORDS);

/** Longer messages are never a keyword ("STOP" with some spaces and punctuation fits easily). */
export const MAX_KEYWORD_MESSAGE = 200;

/** "STOP", " stop! ", "Stop  All." and "退订。" opt out; "stop sending me offers" or "can I cancel my booking?" do not. */
export function isOptOutRequest(text: string): boolean {
  // A keyword message is short; the bound keeps the trailing-punctuation pattern from backtracking over a long run.
  if (text.length > MAX_KEYWORD_MESSAGE) return false;
  const normalised = text
    .normalize('NFKC')
    .trim()
    .replace(/[\s.!。！]+$/u, '')
    .replace(/\s+/g, ' ')
    .toLowerCase();
  return KEYWORDS.has(normalised);
}

function optOutLanguage(text: string): Language {
  if (/[\u4e00-\u9fff]/.test(text)) return 'zh';
  if (/^\s*(berhenti|henti)\b/i.test(text)) return 'ms';
  return 'en';
}

const CONFIRMATIONS: Record<Language, string> = {
  en: "You're unsubscribed: we won't send you any more messages. You can still write to us at any time and we'll answer.",
  ms: 'Anda telah berhenti melanggan: kami tidak akan menghantar mesej lagi kepada anda. Anda masih boleh menulis kepada kami pada bila-bila masa.',
  zh: '您已退订：我们不会再向您发送任何消息。您仍可随时给我们留言，我们会回复您。',
};

/** The one confirmation a guest gets after opting out, in the language of their request. */
export function optOutConfirmation(text: string): string {
  return CONFIRMATIONS[optOutLanguage(text)];
}

export type OptOutResult = PipelineOutcome & { optOut: 'recorded' | 'already' | null };

/**
 * Opt-outs for every channel adapter (B7, D6). Wrap the pipeline call with `handle`: for an
 * opt-out keyword the guest is marked opted out (time and channel) before the pipeline runs, so the
 * pipeline's opted-out guard keeps the AI quiet; the message itself is stored like any other; the
 * guest is told once, and a repeated STOP is stored without another confirmation. Proactive sends
 * are then refused by the outbox unless a person overrides (audited there).
 */
export class OptOuts {
  constructor(private readonly deps: { sink: ReplySink; events: EventBus; clock: Clock }) {}

  async handle(scope: PropertyScope, msg: InboundMessage, run: (msg: InboundMessage) => Promise<PipelineOutcome>): Promise<OptOutResult> {
    if (!isOptOutRequest(msg.text)) return { ...(await run(msg)), optOut: null };
    const guests = new GuestRepository(scope);
    const at = msg.receivedAt.toISOString();
    const known = this.knownGuests(scope, msg);
    const already = known.some((id) => guests.isOptedOut(id));
    for (const id of known) if (!guests.isOptedOut(id)) guests.setOptOut(id, msg.channel, at);

    const outcome = await run(msg);
    if (outcome.duplicate) return { ...outcome, optOut: already ? 'already' : 'recorded' };

    const conversations = new ConversationRepository(scope);
    const conversation = conversations.get(outcome.conversationId);
    if (!conversation) return { ...outcome, optOut: null };
    const confirmation = scope.db.transaction((): Message | null => {
      if (!guests.isOptedOut(conversation.guest_id)) guests.setOptOut(conversation.guest_id, msg.channel, at);
      if (already) return null;
      return conversations.insertMessage({
        conversationId: conversation.id,
        role: 'assistant',
        body: optOutConfirmation(msg.text),
        provider: 'template',
        deliveryStatus: 'pending',
        createdAt: this.deps.clock.now().toISOString(),
      });
    })();
    if (confirmation) {
      this.deps.sink.enqueue(scope, conversations.get(conversation.id)!, confirmation);
      this.deps.events.emit({ type: 'message.created', propertyId: scope.property.id, conversationId: conversation.id, messageId: confirmation.id, role: 'assistant', at: confirmation.createdAt });
    }
    return { ...outcome, optOut: already ? 'already' : 'recorded' };
  }

  /** Guests this message may belong to before the pipeline runs: the thread's conversation, and the sender's phone or email. */
  private knownGuests(scope: PropertyScope, msg: InboundMessage): string[] {
    const ids = new Set<string>();
    const conversation = new ConversationRepository(scope).findOpenByThread(scope.blindIndex.token(`thread:${msg.channel satisfies Channel}`, msg.threadKey));
    if (conversation) ids.add(conversation.guest_id);
    const guests = new GuestRepository(scope);
    const byPhone = msg.from.phone ? guests.findByPhone(msg.from.phone) : undefined;
    const byEmail = msg.from.email ? guests.findByEmail(msg.from.email) : undefined;
    if (byPhone) ids.add(byPhone.id);
    if (byEmail) ids.add(byEmail.id);
    return [...ids];
  }
}
