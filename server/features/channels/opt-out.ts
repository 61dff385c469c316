import { timingSafeEqual } from 'node:crypto';
import type { Channel, Message } from '../../contract/conversations.js';
import type { Clock } from '../../shared/clock.js';
import type { ConversationLedger } from '../conversations/conversation-ledger.js';
import type { Language } from '../leads/lead-extraction.js';
import type { InboundMessage, PipelineOutcome } from '../pipeline/pipeline.service.js';
import type { PropertyScope } from '../properties/property.service.js';

/**
 * The one opt-out policy for every channel (B7, D6). A message opts out or back in only when the
 * whole message is one of these words (case, width, whitespace and closing punctuation aside).
 * Words a hotel guest uses about a booking ("cancel", "end", "batal", "取消") are deliberately not
 * here: they are questions for the pipeline, never a silent opt-out.
 */
export const OPT_OUT_WORDS: Readonly<Record<string, Language>> = {
  stop: 'en',
  'stop all': 'en',
  stopall: 'en',
  'stop promotions': 'en',
  unsubscribe: 'en',
  'opt out': 'en',
  'opt-out': 'en',
  optout: 'en',
  berhenti: 'ms',
  'berhenti langganan': 'ms',
  'henti langganan': 'ms',
  henti: 'ms',
  停止: 'zh',
  停止订阅: 'zh',
  退订: 'zh',
  取消订阅: 'zh',
};

export const OPT_IN_WORDS: Readonly<Record<string, Language>> = {
  start: 'en',
  unstop: 'en',
  subscribe: 'en',
  mula: 'ms',
  langgan: 'ms',
  开始: 'zh',
  订阅: 'zh',
  重新订阅: 'zh',
};

interface OptKeyword {
  kind: 'opt_out' | 'opt_in';
  language: Language;
}

/** Longer than any keyword with generous spacing: never normalised, never a keyword. */
const MAX_KEYWORD_CHARS = 40;

const QUOTES = '"\'“”‘’「」';
const LEADING = new Set([...QUOTES]);
const TRAILING = new Set([...QUOTES, ...'.!。！,，~']);

/** Trims whitespace and the given characters from both ends (a loop, not a regex: linear on any input). */
function trimChars(text: string, leading: ReadonlySet<string>, trailing: ReadonlySet<string>): string {
  const chars = [...text];
  let start = 0;
  let end = chars.length;
  while (start < end && (leading.has(chars[start]!) || /\s/.test(chars[start]!))) start++;
  while (end > start && (trailing.has(chars[end - 1]!) || /\s/.test(chars[end - 1]!))) end--;
  return chars.slice(start, end).join('');
}

/** "STOP", " stop! ", "Opt-Out." and "退订。" are keywords; "stop by at 5pm?" and "cancel my booking" are not. */
export function optKeyword(text: string): OptKeyword | null {
  if (text.length > MAX_KEYWORD_CHARS * 4) return null;
  const n = trimChars(text.normalize('NFKC').toLowerCase(), LEADING, TRAILING).replace(/\s+/g, ' ');
  if (n.length === 0 || n.length > MAX_KEYWORD_CHARS) return null;
  // Own keys only: "constructor" is not a keyword.
  if (Object.hasOwn(OPT_OUT_WORDS, n)) return { kind: 'opt_out', language: OPT_OUT_WORDS[n]! };
  if (Object.hasOwn(OPT_IN_WORDS, n)) return { kind: 'opt_in', language: OPT_IN_WORDS[n]! };
  return null;
}

const CONFIRMATIONS: Record<Language, Record<OptKeyword['kind'], (hotel: string) => string>> = {
  en: {
    opt_out: (hotel) => `You're unsubscribed: ${hotel} won't send you any more messages. You can still write to us at any time. Reply START to subscribe again.`,
    opt_in: (hotel) => `Welcome back: you'll receive messages from ${hotel} again.`,
  },
  ms: {
    opt_out: (hotel) => `Anda telah berhenti melanggan: ${hotel} tidak akan menghantar mesej lagi kepada anda. Anda masih boleh menulis kepada kami. Balas MULA untuk melanggan semula.`,
    opt_in: (hotel) => `Selamat kembali: anda akan menerima mesej daripada ${hotel} semula.`,
  },
  zh: {
    opt_out: (hotel) => `您已退订，${hotel}将不再向您发送任何消息。您仍可随时给我们留言。回复“订阅”可重新订阅。`,
    opt_in: (hotel) => `欢迎回来，您将重新收到${hotel}的消息。`,
  },
};

/** The one confirmation a guest gets for an opt-out or opt-in, in the language of their keyword. */
export function optConfirmation(keyword: OptKeyword, hotel: string): string {
  return CONFIRMATIONS[keyword.language][keyword.kind](hotel);
}

/** The signed token in a one-click unsubscribe link (RFC 8058): keyed per hotel, for one guest. */
export function unsubscribeToken(scope: PropertyScope, guestId: string): string {
  return scope.blindIndex.token('unsubscribe', guestId);
}

type OptOutResult = PipelineOutcome & { optOut: 'recorded' | 'already' | 'opted_in' | null };

/**
 * Applies the policy for every channel adapter. Wrap the pipeline call with `handle`: a keyword
 * message is stored by the pipeline like any other but neither answered nor made a lead
 * (`consentKeyword`). STOP then marks the guest opted out (time and channel) in the ledger and
 * queues one confirmation in the same transaction; a repeated STOP is stored without another. START from an
 * opted-out guest clears the opt-out and is confirmed; from anyone else it is an ordinary message.
 * Proactive sends to an opted-out guest are refused by the outbox unless a person overrides
 * (audited there).
 */
export class OptOuts {
  constructor(private readonly deps: { ledger: ConversationLedger; clock: Clock }) {}

  /** `alsoKeyword`: another place the guest may write the keyword (an email's subject line). */
  async handle(scope: PropertyScope, msg: InboundMessage, run: (msg: InboundMessage) => Promise<PipelineOutcome>, alsoKeyword?: string | null): Promise<OptOutResult> {
    const keyword = optKeyword(msg.text) ?? (alsoKeyword ? optKeyword(alsoKeyword) : null);
    if (!keyword) return { ...(await run(msg)), optOut: null };
    const { ledger } = this.deps;
    const at = msg.receivedAt.toISOString();
    const known = ledger.knownGuests(scope, msg.channel, msg.threadKey, msg.from);
    const optedOut = known.some((id) => ledger.isOptedOut(scope, id));
    if (keyword.kind === 'opt_in' && !optedOut) return { ...(await run(msg)), optOut: null };

    // A delivery repeated after a crash between storing and confirming still records and confirms;
    // one repeated after success finds the preference already applied.
    const outcome = await run({ ...msg, consentKeyword: keyword.kind });
    const result = keyword.kind === 'opt_in' ? 'opted_in' : optedOut ? 'already' : 'recorded';
    const conversation = ledger.conversation(scope, outcome.conversationId);
    if (!conversation) return { ...outcome, optOut: null };
    ledger.atomically(scope, (): Message | null => {
      // Every record of this guest: the thread's, and the one with the same phone or email.
      const guests = new Set([...known, conversation.guest_id]);
      if (keyword.kind === 'opt_in') ledger.optIn(scope, guests);
      else ledger.optOut(scope, guests, msg.channel, at);
      if (keyword.kind === 'opt_out' && optedOut) return null;
      // The confirmation and its outbox row with the preference: a crash cannot keep one without the other.
      return ledger.recordReply(scope, conversation.id, { role: 'assistant', body: optConfirmation(keyword, scope.property.name), provider: 'template' }, { at: this.deps.clock.now().toISOString() });
    });
    return { ...outcome, optOut: result };
  }

  /**
   * One-click unsubscribe from an email link (RFC 8058): the token must be this hotel's for this
   * guest. Records the opt-out like a STOP (time and channel); the web page is the confirmation.
   */
  unsubscribe(scope: PropertyScope, guestId: string, token: string, channel: Channel): 'recorded' | 'already' | 'invalid' {
    if (!this.validUnsubscribe(scope, guestId, token)) return 'invalid';
    if (this.deps.ledger.isOptedOut(scope, guestId)) return 'already';
    this.deps.ledger.optOut(scope, [guestId], channel, this.deps.clock.now().toISOString());
    return 'recorded';
  }

  /** A link this hotel signed for this guest, who still exists (an erased guest's link is dead). */
  validUnsubscribe(scope: PropertyScope, guestId: string, token: string): boolean {
    return safeTokenEqual(token, unsubscribeToken(scope, guestId)) && this.deps.ledger.guest(scope, guestId) !== undefined;
  }
}

function safeTokenEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
