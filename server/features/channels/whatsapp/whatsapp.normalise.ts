import type { z } from 'zod';
import {
  ButtonContent,
  ContactsContent,
  InteractiveContent,
  LocationContent,
  MediaContent,
  MAX_WA_DEPTH,
  MAX_WA_ID_CHARS,
  MessagesValue,
  ReactionContent,
  TextContent,
  UnsupportedContent,
  WaContact,
  WaMessage,
  WaStatus,
  WebhookEnvelope,
  type StoredEvent,
} from './whatsapp.schemas.js';
import type { Acknowledgement } from './whatsapp.texts.js';

/**
 * What happens to a guest's WhatsApp message:
 * - `answer`: it carries words (text, a caption, a tapped button): the pipeline answers it;
 * - `acknowledge`: the assistant cannot read it (voice note, photo without caption, location...):
 *   a fixed acknowledgement, and for some a hand-off to a person;
 * - `store`: shown to staff, no reply (reactions, stickers, form replies);
 * - `ignore`: not a guest message (system notices, orders, deletions, edits), logged only.
 */
type Handling = 'answer' | 'acknowledge' | 'store' | 'ignore';

export interface NormalisedMessage {
  wamid: string;
  /** text, image, video, document, voice, audio, sticker, location, button_reply, list_reply, flow_reply, button, reaction, contacts, unsupported, or the ignored type. */
  type: string;
  /** The words, or a bracketed description of what was sent ("[Voice message]"). */
  text: string;
  from: { waId: string | null; userId: string | null; name: string | null; phone: string | null };
  /** The WhatsApp id (phone digits), else the business-scoped user id: what threads the conversation. */
  threadKey: string | null;
  /** When the guest sent it (Meta's timestamp), if given. */
  sentAt: Date | null;
  handling: Handling;
  acknowledgement: Acknowledgement | null;
  /** A person has to look at it (voice notes, photos and files without words). */
  handoff: boolean;
  /** The file sent (voice note, photo, video, document, sticker): Meta's media id, to download it. */
  media: { id: string; mimeType: string | null } | null;
}

interface SplitEvent {
  phoneNumberId: string;
  externalId: string;
  eventType: 'message' | 'status';
  event: StoredEvent;
}

interface SplitResult {
  events: SplitEvent[];
  /** Changes of other fields (template updates, calls, echoes, preferences): acknowledged, not stored. */
  ignoredChanges: string[];
  /** Messages and statuses skipped as malformed (an over-long id, nesting too deep, no id), by reason. */
  skipped: string[];
}

/** True when `value` nests deeper than `max` levels. Iterative: a 10,000-level body cannot overflow the stack. */
function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Object.values(v as Record<string, unknown>)) stack.push([child, depth + 1]);
  }
  return false;
}

/** Why one message or status cannot be stored, or null when it can. */
function malformed(item: unknown, schema: typeof WaMessage | typeof WaStatus): string | null {
  if (nestedDeeperThan(item, MAX_WA_DEPTH)) return `nested deeper than ${MAX_WA_DEPTH} levels`;
  const id = (item as { id?: unknown } | null)?.id;
  if (typeof id === 'string' && id.length > MAX_WA_ID_CHARS) return `id longer than ${MAX_WA_ID_CHARS} characters`;
  return schema.safeParse(item).success ? null : 'not a WhatsApp message or status';
}

/**
 * Splits a verified webhook into one event per message (external id = wamid) and one per status
 * (external id = `wamid:status`), each carrying only its own data. A batch may mix hotels.
 */
export function splitWebhook(body: unknown): SplitResult {
  const envelope = WebhookEnvelope.parse(body);
  const events: SplitEvent[] = [];
  const ignoredChanges: string[] = [];
  const skipped: string[] = [];
  for (const entry of envelope.entry) {
    for (const change of entry.changes) {
      const parsed = change.field === 'messages' || change.field === undefined ? MessagesValue.safeParse(change.value) : undefined;
      if (!parsed?.success) {
        ignoredChanges.push(change.field ?? 'unknown');
        continue;
      }
      const value = parsed.data;
      const phoneNumberId = value.metadata.phone_number_id;
      const contacts = (value.contacts ?? []).filter((c) => !nestedDeeperThan(c, MAX_WA_DEPTH)).flatMap((c) => {
        const parsed = WaContact.safeParse(c);
        return parsed.success ? [parsed.data] : [];
      });
      for (const item of value.messages ?? []) {
        const problem = malformed(item, WaMessage);
        if (problem) {
          skipped.push(`message ${problem}`);
          continue;
        }
        const message = WaMessage.parse(item);
        const contact = contactFor(message, contacts);
        events.push({ phoneNumberId, externalId: message.id, eventType: 'message', event: { v: 1, kind: 'message', phoneNumberId, contact: contact ?? null, message } });
      }
      for (const item of value.statuses ?? []) {
        const problem = malformed(item, WaStatus);
        if (problem) {
          skipped.push(`status ${problem}`);
          continue;
        }
        const status = WaStatus.parse(item);
        events.push({ phoneNumberId, externalId: `${status.id}:${status.status}`, eventType: 'status', event: { v: 1, kind: 'status', phoneNumberId, status } });
      }
    }
  }
  return { events, ignoredChanges, skipped };
}

function contactFor(message: WaMessage, contacts: WaContact[]): WaContact | undefined {
  return (
    contacts.find((c) => c.wa_id !== undefined && c.wa_id === message.from) ??
    contacts.find((c) => c.user_id !== undefined && c.user_id === message.from_user_id) ??
    (contacts.length === 1 ? contacts[0] : undefined)
  );
}

function unixSeconds(ts: string | number | undefined): Date | null {
  if (ts === undefined) return null;
  const n = typeof ts === 'number' ? ts : Number(ts);
  if (!Number.isFinite(n) || n <= 0) return null;
  return new Date(n * 1000);
}

const IGNORED_TYPES = new Set(['system', 'order', 'revoke', 'edit', 'request_welcome', 'ephemeral']);

/** One guest message in the shape the rest of Nocturn understands. */
export function normaliseMessage(message: WaMessage, contact: WaContact | null): NormalisedMessage {
  const waId = message.from ?? contact?.wa_id ?? null;
  const userId = message.from_user_id ?? contact?.user_id ?? null;
  // A profile name is the guest's to choose (WhatsApp allows 25 characters; a forged one may be longer).
  const name = contact?.profile?.name?.slice(0, 100).trim() || null;
  const phone = waId && /^\d{6,20}$/.test(waId) ? `+${waId}` : null;
  const base = {
    wamid: message.id,
    from: { waId, userId, name, phone },
    threadKey: waId ?? userId,
    sentAt: unixSeconds(message.timestamp),
    acknowledgement: null,
    handoff: false,
    media: mediaOf(message),
  };
  const content = describe(message);
  const out: NormalisedMessage = { ...base, ...content };
  if (!out.threadKey && out.handling !== 'ignore') return { ...out, handling: 'ignore' };
  return out;
}

const MEDIA_TYPES = new Set(['image', 'video', 'document', 'audio', 'sticker']);

function mediaOf(m: WaMessage): NormalisedMessage['media'] {
  const type = m.type ?? '';
  if (!MEDIA_TYPES.has(type)) return null;
  const c = content(MediaContent, (m as Record<string, unknown>)[type]);
  return c?.id ? { id: c.id, mimeType: c.mime_type ?? null } : null;
}

type Content = Pick<NormalisedMessage, 'type' | 'text' | 'handling'> & Partial<Pick<NormalisedMessage, 'acknowledgement' | 'handoff'>>;

const answer = (type: string, text: string): Content => (text.trim() ? { type, text: text.trim(), handling: 'answer' } : unsupported(type));
const acknowledge = (type: string, text: string, acknowledgement: Acknowledgement, handoff = false): Content => ({ type, text, handling: 'acknowledge', acknowledgement, handoff });
const store = (type: string, text: string): Content => ({ type, text, handling: 'store' });
const unsupported = (detail?: string): Content => acknowledge('unsupported', detail ? `[Unsupported message: ${detail}]` : '[Unsupported message]', 'unsupported');

function content<T extends z.ZodType>(schema: T, value: unknown): z.output<T> | undefined {
  const r = schema.safeParse(value);
  return r.success ? r.data : undefined;
}

function describe(m: WaMessage): Content {
  const type = m.type ?? 'unknown';
  const raw = (m as Record<string, unknown>)[type];
  if (IGNORED_TYPES.has(type)) return { type, text: `[${type}]`, handling: 'ignore' };
  switch (type) {
    case 'text': {
      const c = content(TextContent, raw);
      return c ? answer('text', c.body) : unsupported();
    }
    case 'image':
    case 'video':
    case 'document': {
      const c = content(MediaContent, raw) ?? {};
      const label = type === 'image' ? '[Photo]' : type === 'video' ? '[Video]' : c.filename ? `[Document: ${c.filename}]` : '[Document]';
      const caption = c.caption?.trim();
      return caption ? { type, text: `${label} ${caption}`, handling: 'answer' } : acknowledge(type, label, 'media', true);
    }
    case 'audio': {
      const c = content(MediaContent, raw) ?? {};
      return c.voice ? acknowledge('voice', '[Voice message]', 'voice', true) : acknowledge('audio', '[Audio]', 'voice', true);
    }
    case 'sticker': {
      const c = content(MediaContent, raw) ?? {};
      return store('sticker', c.animated ? '[Animated sticker]' : '[Sticker]');
    }
    case 'location': {
      const c = content(LocationContent, raw);
      if (!c) return unsupported('location');
      const place = [c.name, c.address].filter((s): s is string => Boolean(s?.trim())).join(', ');
      return acknowledge('location', `[Location: ${place ? `${place} ` : ''}(${c.latitude}, ${c.longitude})]`, 'location');
    }
    case 'interactive': {
      const c = content(InteractiveContent, raw);
      if (c?.button_reply) return answer('button_reply', c.button_reply.title);
      if (c?.list_reply) return answer('list_reply', c.list_reply.description ? `${c.list_reply.title} (${c.list_reply.description})` : c.list_reply.title);
      if (c?.nfm_reply) return store('flow_reply', `[Form reply] ${formAnswers(c.nfm_reply.response_json) || c.nfm_reply.body || ''}`.trim());
      return unsupported('interactive');
    }
    case 'button': {
      const c = content(ButtonContent, raw);
      return c ? answer('button', c.text) : unsupported('button');
    }
    case 'reaction': {
      const c = content(ReactionContent, raw);
      return store('reaction', c?.emoji ? `[Reacted ${c.emoji}]` : '[Reaction removed]');
    }
    case 'contacts': {
      const c = content(ContactsContent, raw);
      if (!c?.length) return unsupported('contacts');
      const cards = c.map((card) => {
        const who = card.name?.formatted_name ?? [card.name?.first_name, card.name?.last_name].filter(Boolean).join(' ');
        const phones = (card.phones ?? []).map((p) => p.phone ?? p.wa_id).filter(Boolean);
        return phones.length ? `${who || 'Contact'} (${phones.join(', ')})` : who || 'Contact';
      });
      return acknowledge('contacts', `[Contact card: ${cards.join('; ')}]`, 'contacts');
    }
    case 'unsupported':
    case 'unknown':
    default: {
      const c = content(UnsupportedContent, raw);
      return unsupported(c?.type ?? (type === 'unsupported' || type === 'unknown' ? undefined : type));
    }
  }
}

/** "comment_text: Great stay; delivery_rating: 4" from a WhatsApp Flow's response_json. */
function formAnswers(json: string | undefined): string {
  if (!json) return '';
  try {
    const parsed = JSON.parse(json) as unknown;
    if (!parsed || typeof parsed !== 'object') return '';
    return Object.entries(parsed as Record<string, unknown>)
      .filter(([k]) => k !== 'flow_token')
      .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join('; ');
  } catch {
    return '';
  }
}
