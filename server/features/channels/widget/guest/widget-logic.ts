/**
 * What the guest chat widget decides, apart from the page: addresses, the session token kept in
 * the browser, message list merging, the reply stream, reconnect back-off and the texts a guest
 * reads. Browser code with no DOM access here, so it runs under unit tests as it runs in a page.
 */

/** The hotel's settings as GET /widget/api/config answers them. */
export interface WidgetConfig {
  title: string;
  greeting: string;
  color: string;
  askContactBefore: boolean;
  maxLength: number;
}

export const DEFAULT_MAX_LENGTH = 2000;
export const DEFAULT_CONFIG: WidgetConfig = { title: 'Chat', greeting: 'Hello! How can we help?', color: '#1f4e79', askContactBefore: false, maxLength: DEFAULT_MAX_LENGTH };

export type Role = 'guest' | 'assistant' | 'staff';
export type Feedback = 'up' | 'down';

/** A message as the server sends it (history and the live stream). */
export interface ServerMessage {
  id: string;
  clientMessageId?: string | null;
  role: Role;
  text: string;
  createdAt: string;
  feedback?: Feedback | null;
  rateable?: boolean;
}

/** A message as the widget shows it; a guest's own message exists here before the server has it. */
export interface ChatItem {
  id: string | null;
  clientMessageId: string | null | undefined;
  role: Role;
  text: string;
  createdAt: string;
  state: 'sending' | 'sent' | 'failed' | 'stored';
  feedback: Feedback | null | undefined;
  rateable: boolean | undefined;
}

export interface Contact {
  name?: string;
  email?: string;
  phone?: string;
}

// ---- addresses --------------------------------------------------------------------------------

/** Where the script came from is where the API is: the script's own URL without /widget/widget.js. */
export function widgetBase(scriptSrc: string): string {
  return scriptSrc.replace(/\/widget\/widget\.js(?:[?#].*)?$/, '');
}

/** A widget API address, always carrying the widget key. */
export function apiUrl(base: string, key: string, path: string): string {
  return base + '/widget/api/' + path + (path.indexOf('?') >= 0 ? '&' : '?') + 'key=' + encodeURIComponent(key);
}

export function streamUrl(base: string, key: string, sessionId: string): string {
  return base + '/widget/api/stream?key=' + encodeURIComponent(key) + '&session=' + encodeURIComponent(sessionId);
}

// ---- ids and the session token -----------------------------------------------------------------

export const SESSION_RE = /^ws_[A-Za-z0-9_-]{32}$/;

/** Random bytes as URL-safe base64 without padding, after a prefix (`ws_`, `cm_`, `cr_`). */
export function randomId(prefix: string, bytes: number, fill: (a: Uint8Array) => void): string {
  const a = new Uint8Array(bytes);
  fill(a);
  let s = '';
  for (let i = 0; i < a.length; i++) s += String.fromCharCode(a[i]!);
  return prefix + btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}
export type StorageArea = 'localStorage' | 'sessionStorage';

/**
 * The widget's storage for one widget key: the session id in localStorage (the guest's
 * conversation survives a closed tab), the contact details and flags in sessionStorage. Storage
 * may be blocked (private windows, third-party settings): reads then find nothing, writes are lost.
 */
export class WidgetStore {
  private readonly prefix: string;

  constructor(
    key: string,
    private readonly area: (name: StorageArea) => StorageLike,
  ) {
    this.prefix = 'nocturn-widget:' + key + ':';
  }

  read(area: StorageArea, k: string): string | null {
    try {
      return this.area(area).getItem(this.prefix + k);
    } catch {
      return null;
    }
  }

  write(area: StorageArea, k: string, v: string): void {
    try {
      this.area(area).setItem(this.prefix + k, v);
    } catch {
      /* storage may be blocked */
    }
  }

  /** The stored session id, or a new one (stored) when there is none or it is malformed. */
  sessionId(fresh: () => string): string {
    const stored = this.read('localStorage', 'session');
    if (stored && SESSION_RE.test(stored)) return stored;
    const id = fresh();
    this.write('localStorage', 'session', id);
    return id;
  }

  contact(): Contact | null {
    const c = parseJson(this.read('sessionStorage', 'contact') || 'null');
    return c && typeof c === 'object' ? (c as Contact) : null;
  }
}

// ---- small helpers -----------------------------------------------------------------------------

/** Characters as a guest counts them (an emoji is one), as the server's limit counts them. */
export function chars(text: string): number {
  return Array.from(text).length;
}

export function fmt(n: number): string {
  return n.toLocaleString('en');
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** Text split into plain parts and web links (odd positions), for rendering links as links. */
export function linkParts(text: string): { text: string; link: boolean }[] {
  return text
    .split(/(https?:\/\/[^\s<>"']+)/g)
    .map((p, i) => ({ text: p, link: i % 2 === 1 }))
    .filter((p) => p.link || p.text !== '');
}

/** Black or white text, whichever reads better on the hotel's colour (`#rrggbb`). */
export function onColour(hex: string): string {
  const c = [1, 3, 5].map((i) => {
    const v = parseInt(hex.substr(i, 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  });
  const l = 0.2126 * c[0]! + 0.7152 * c[1]! + 0.0722 * c[2]!;
  return 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 ? '#ffffff' : '#111111';
}

// ---- reconnecting ------------------------------------------------------------------------------

export const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;

/** The wait after the next failed reconnect: doubling, at most 30 seconds. */
export function nextRetryMs(ms: number): number {
  return Math.min(ms * 2, MAX_RETRY_MS);
}

// ---- the message list --------------------------------------------------------------------------

/** Where a message already is: the same server id, or the same id the widget gave it when sending. */
export function indexOf(items: readonly ChatItem[], m: Pick<ServerMessage, 'id' | 'clientMessageId'>): number {
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    if ((m.id && it.id === m.id) || (m.clientMessageId && it.clientMessageId === m.clientMessageId)) return i;
  }
  return -1;
}

function fromServer(m: ServerMessage): ChatItem {
  return { id: m.id, clientMessageId: m.clientMessageId, role: m.role, text: m.text, createdAt: m.createdAt, state: 'stored', feedback: m.feedback, rateable: m.rateable };
}

/** The server's copy of a message the widget shows: now stored; a rating given is kept. */
export function merge(target: ChatItem, m: ServerMessage): void {
  target.id = m.id;
  target.state = 'stored';
  target.createdAt = m.createdAt;
  if (m.feedback !== undefined && m.feedback !== null) target.feedback = m.feedback;
  target.rateable = m.rateable;
}

/** A live message, the newest there is: merged into its copy, else appended. Returns the new item, if any. */
export function addLive(items: ChatItem[], m: ServerMessage): ChatItem | null {
  const i = indexOf(items, m);
  if (i >= 0) {
    merge(items[i]!, m);
    return null;
  }
  const item = fromServer(m);
  items.push(item);
  return item;
}

/** The stored conversation: fills in what this page missed, in the server's order, keeping unsent messages. */
export function applyHistory(items: ChatItem[], list: readonly ServerMessage[]): void {
  let anchor = -1;
  for (const m of list) {
    const i = indexOf(items, m);
    if (i >= 0) {
      merge(items[i]!, m);
      anchor = i;
    } else {
      items.splice(anchor + 1, 0, fromServer(m));
      anchor = anchor + 1;
    }
  }
}

// ---- the live stream ---------------------------------------------------------------------------

/** A server-sent event of the widget stream, read; anything malformed is null and ignored. */
type StreamEvent =
  | { kind: 'ready'; typing: boolean }
  | { kind: 'message'; message: ServerMessage }
  | { kind: 'delta'; text: string }
  | { kind: 'typing'; active: boolean };

export function readStreamEvent(type: string, data: string): StreamEvent | null {
  const d = parseJson(data) as Record<string, unknown> | null;
  switch (type) {
    case 'ready':
      return { kind: 'ready', typing: Boolean(d && d.typing) };
    case 'message':
      return d ? { kind: 'message', message: d as unknown as ServerMessage } : null;
    case 'reply.delta':
      // Each delta carries the whole reply written so far.
      return d && typeof d.text === 'string' && d.text ? { kind: 'delta', text: d.text } : null;
    case 'typing':
      return { kind: 'typing', active: Boolean(d && d.active) };
    default:
      return null;
  }
}

// ---- what the guest reads ----------------------------------------------------------------------

export function speaker(role: Role, title: string): string {
  return role === 'guest' ? 'You' : role === 'staff' ? title + ' team' : title;
}

export function launcherLabel(unread: number): string {
  return unread ? 'Chat with us (' + unread + ' new)' : 'Chat with us';
}

export function tooLong(n: number, max: number): string {
  return 'Your message is too long: ' + fmt(n) + ' characters. The limit is ' + fmt(max) + ' characters \u2014 please shorten it.';
}

/** The counter under the box, shown from 300 characters before the limit. */
export function lengthHint(n: number, max: number): string {
  return n > max - 300 ? fmt(n) + ' of ' + fmt(max) + ' characters' : '';
}

/** Why a message was not accepted, from the API's answer. */
export function sendFailure(r: { status: number; retryAfter: number; data: unknown }): string {
  if (r.status === 429) return 'You are sending messages too quickly. Please wait ' + (r.retryAfter || 10) + ' seconds, then press Retry.';
  const detail = (r.data as { detail?: unknown } | null)?.detail;
  if (r.status === 400 && detail) return String(detail);
  return 'Your message could not be sent. Please try again.';
}

export const OFFLINE_FAILURE = 'Your message could not be sent. Check your connection and press Retry.';

/** An email address as the form accepts it: something@domain.tld, no spaces (checked in linear time). */
export function looksLikeEmail(s: string): boolean {
  const m = /^[^\s@]+@([^\s@]+)$/.exec(s);
  return m !== null && m[1]!.slice(1, -1).indexOf('.') >= 0;
}

/** What is wrong with the contact form, or null; email or phone is required. */
export function contactProblem(c: Contact): string | null {
  if (!c.email && !c.phone) return 'Please give an email address or a phone number.';
  if (c.email && !looksLikeEmail(c.email)) return 'That email address does not look right.';
  return null;
}

/** The contact details worth sending: only those given. */
export function contactFields(contact: Contact | null): Contact {
  const c: Contact = {};
  if (contact && contact.name) c.name = contact.name;
  if (contact && contact.email) c.email = contact.email;
  if (contact && contact.phone) c.phone = contact.phone;
  return c;
}

export type ContactMode = 'before' | 'after';

export function contactTexts(mode: ContactMode): { title: string; intro: string; submit: string } {
  return mode === 'before'
    ? { title: 'Before we start', intro: 'Leave your name and an email address or phone number, so we can reply even if you leave this page.', submit: 'Start chat' }
    : { title: 'Stay in touch?', intro: 'Leave an email or phone number and we can reply even if you close this page.', submit: 'Leave details' };
}
