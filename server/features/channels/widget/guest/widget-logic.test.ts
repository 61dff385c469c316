import { describe, expect, it } from 'vitest';
import {
  addLive,
  apiUrl,
  applyHistory,
  chars,
  contactFields,
  contactProblem,
  FIRST_RETRY_MS,
  lengthHint,
  linkParts,
  looksLikeEmail,
  nextRetryMs,
  onColour,
  randomId,
  readStreamEvent,
  SESSION_RE,
  sendFailure,
  streamUrl,
  tooLong,
  WidgetStore,
  widgetBase,
  type ChatItem,
  type ServerMessage,
  type StorageArea,
  type StorageLike,
} from './widget-logic.js';

function memoryStorage(): StorageLike & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

function browser(): { local: ReturnType<typeof memoryStorage>; session: ReturnType<typeof memoryStorage>; area: (n: StorageArea) => StorageLike } {
  const local = memoryStorage();
  const session = memoryStorage();
  return { local, session, area: (n) => (n === 'localStorage' ? local : session) };
}

const counting = (start = 0) => {
  let n = start;
  return (a: Uint8Array) => a.forEach((_, i) => (a[i] = n++ % 256));
};

const guest = (text: string, clientMessageId: string, state: ChatItem['state'] = 'sending'): ChatItem => ({ id: null, clientMessageId, role: 'guest', text, createdAt: '2026-01-01T00:00:00Z', state, feedback: null, rateable: false });
const stored = (id: string, role: ServerMessage['role'], text: string, extra: Partial<ServerMessage> = {}): ServerMessage => ({ id, role, text, createdAt: '2026-01-01T00:00:01Z', ...extra });

describe('addresses', () => {
  it('finds the API where the script came from, whatever query or fragment the snippet carries', () => {
    expect(widgetBase('https://chat.hotel.example/widget/widget.js')).toBe('https://chat.hotel.example');
    expect(widgetBase('https://chat.hotel.example/nocturn/widget/widget.js?v=2#x')).toBe('https://chat.hotel.example/nocturn');
  });

  it('always sends the widget key, escaped, after any query the path has', () => {
    expect(apiUrl('https://n.example', 'wk_a+b', 'config')).toBe('https://n.example/widget/api/config?key=wk_a%2Bb');
    expect(apiUrl('https://n.example', 'wk_1', 'messages?session=ws_x')).toBe('https://n.example/widget/api/messages?session=ws_x&key=wk_1');
    expect(streamUrl('https://n.example', 'wk_1', 'ws_&')).toBe('https://n.example/widget/api/stream?key=wk_1&session=ws_%26');
  });
});

describe('the session token', () => {
  it('is made once, in the form the server accepts, and the next visit finds the same one', () => {
    const b = browser();
    const first = new WidgetStore('wk_1', b.area).sessionId(() => randomId('ws_', 24, counting()));
    expect(first).toMatch(SESSION_RE);
    expect(b.local.data.get('nocturn-widget:wk_1:session')).toBe(first);
    const again = new WidgetStore('wk_1', b.area).sessionId(() => randomId('ws_', 24, counting(100)));
    expect(again).toBe(first);
  });

  it('is kept per widget key, and a tampered value is replaced', () => {
    const b = browser();
    b.local.data.set('nocturn-widget:wk_1:session', 'ws_<img src=x>');
    const id = new WidgetStore('wk_1', b.area).sessionId(() => randomId('ws_', 24, counting(7)));
    expect(id).toMatch(SESSION_RE);
    const other = new WidgetStore('wk_2', b.area).sessionId(() => randomId('ws_', 24, counting(9)));
    expect(other).not.toBe(id);
  });

  it('still gives the chat a session when the browser blocks storage', () => {
    const blocked = () => {
      throw new Error('SecurityError');
    };
    const store = new WidgetStore('wk_1', blocked);
    expect(store.sessionId(() => randomId('ws_', 24, counting()))).toMatch(SESSION_RE);
    expect(store.read('sessionStorage', 'contact')).toBeNull();
    expect(store.contact()).toBeNull();
  });

  it('makes URL-safe ids without padding', () => {
    const id = randomId('cm_', 12, (a) => a.fill(0xff));
    expect(id).toBe('cm_' + '_'.repeat(16));
  });

  it('reads back the contact details the guest left, and nothing from a broken value', () => {
    const b = browser();
    const store = new WidgetStore('wk_1', b.area);
    store.write('sessionStorage', 'contact', JSON.stringify({ name: 'Aina', email: 'aina@example.com', phone: '' }));
    expect(store.contact()).toEqual({ name: 'Aina', email: 'aina@example.com', phone: '' });
    expect(contactFields(store.contact())).toEqual({ name: 'Aina', email: 'aina@example.com' });
    b.session.data.set('nocturn-widget:wk_1:contact', '{broken');
    expect(store.contact()).toBeNull();
  });
});

describe('message text', () => {
  it('turns web links into links and leaves markup as text', () => {
    expect(linkParts('Book at https://hotel.example/rooms?a=1 or call us')).toEqual([
      { text: 'Book at ', link: false },
      { text: 'https://hotel.example/rooms?a=1', link: true },
      { text: ' or call us', link: false },
    ]);
    // A link ends at a quote or angle bracket, so markup never becomes part of an address.
    expect(linkParts('<a href="https://evil.example">x</a>')).toEqual([
      { text: '<a href="', link: false },
      { text: 'https://evil.example', link: true },
      { text: '">x</a>', link: false },
    ]);
    expect(linkParts('javascript:alert(1)')).toEqual([{ text: 'javascript:alert(1)', link: false }]);
  });

  it('counts characters as a guest does (an emoji is one), against the limit', () => {
    expect(chars('ok 👍🏽')).toBe(5);
    expect(lengthHint(1699, 2000)).toBe('');
    expect(lengthHint(1701, 2000)).toBe('1,701 of 2,000 characters');
    expect(tooLong(2345, 2000)).toBe('Your message is too long: 2,345 characters. The limit is 2,000 characters \u2014 please shorten it.');
  });

  it('picks white text on a dark hotel colour and dark text on a light one', () => {
    expect(onColour('#1f4e79')).toBe('#ffffff');
    expect(onColour('#ffd700')).toBe('#111111');
  });
});

describe('the message list', () => {
  it('replaces the guest’s own message with the server’s copy instead of showing it twice', () => {
    const items = [guest('Is breakfast included?', 'cm_1')];
    expect(addLive(items, stored('m1', 'guest', 'Is breakfast included?', { clientMessageId: 'cm_1' }))).toBeNull();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ id: 'm1', state: 'stored' });
    const reply = addLive(items, stored('m2', 'assistant', 'Yes, from 6:30.', { rateable: true }));
    expect(reply).toMatchObject({ id: 'm2', role: 'assistant', rateable: true });
    expect(items.map((i) => i.id)).toEqual(['m1', 'm2']);
  });

  it('fills in history in the server’s order and keeps messages not sent yet at the end', () => {
    const items = [guest('first', 'cm_1', 'sent'), guest('unsent', 'cm_2', 'failed')];
    applyHistory(items, [stored('m0', 'assistant', 'earlier answer'), stored('m1', 'guest', 'first', { clientMessageId: 'cm_1' }), stored('m2', 'staff', 'A person here')]);
    expect(items.map((i) => i.text)).toEqual(['earlier answer', 'first', 'A person here', 'unsent']);
    expect(items[3]!.state).toBe('failed');
  });

  it('keeps a rating the guest gave when the server’s copy has none', () => {
    const items: ChatItem[] = [];
    addLive(items, stored('m2', 'assistant', 'Yes.', { rateable: true }));
    items[0]!.feedback = 'up';
    applyHistory(items, [stored('m2', 'assistant', 'Yes.', { rateable: true, feedback: null })]);
    expect(items[0]!.feedback).toBe('up');
    applyHistory(items, [stored('m2', 'assistant', 'Yes.', { rateable: true, feedback: 'down' })]);
    expect(items[0]!.feedback).toBe('down');
  });
});

describe('the live stream', () => {
  it('reads the reply as it is written, the final message and the typing state', () => {
    expect(readStreamEvent('ready', '{"typing":true}')).toEqual({ kind: 'ready', typing: true });
    expect(readStreamEvent('reply.delta', '{"text":"Breakfast is"}')).toEqual({ kind: 'delta', text: 'Breakfast is' });
    expect(readStreamEvent('message', JSON.stringify(stored('m1', 'assistant', 'Hi')))).toMatchObject({ kind: 'message', message: { id: 'm1', text: 'Hi' } });
    expect(readStreamEvent('typing', '{"active":false}')).toEqual({ kind: 'typing', active: false });
  });

  it('ignores what it cannot read, and a broken ready event still counts as connected', () => {
    expect(readStreamEvent('message', 'not json')).toBeNull();
    expect(readStreamEvent('reply.delta', '{"text":""}')).toBeNull();
    expect(readStreamEvent('reply.delta', '{"text":42}')).toBeNull();
    expect(readStreamEvent('other', '{}')).toBeNull();
    expect(readStreamEvent('ready', '')).toEqual({ kind: 'ready', typing: false });
    expect(readStreamEvent('typing', 'null')).toEqual({ kind: 'typing', active: false });
  });

  it('waits twice as long after each failed reconnect, never more than 30 seconds', () => {
    const waits: number[] = [];
    let ms = FIRST_RETRY_MS;
    for (let i = 0; i < 8; i++) {
      waits.push(ms);
      ms = nextRetryMs(ms);
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });
});

describe('what the guest is told', () => {
  it('explains a refused message: too fast (with the wait), invalid (the server’s words), or anything else', () => {
    expect(sendFailure({ status: 429, retryAfter: 12, data: null })).toBe('You are sending messages too quickly. Please wait 12 seconds, then press Retry.');
    expect(sendFailure({ status: 429, retryAfter: 0, data: null })).toMatch(/wait 10 seconds/);
    expect(sendFailure({ status: 400, retryAfter: 0, data: { detail: 'The message is empty' } })).toBe('The message is empty');
    expect(sendFailure({ status: 503, retryAfter: 0, data: { detail: 'internal' } })).toBe('Your message could not be sent. Please try again.');
  });

  it('asks for an email or a phone number, and a plausible email', () => {
    expect(contactProblem({ name: 'Aina', email: '', phone: '' })).toBe('Please give an email address or a phone number.');
    expect(contactProblem({ email: 'aina@example' })).toBe('That email address does not look right.');
    expect(contactProblem({ email: '', phone: '+60 12 345 6789' })).toBeNull();
    expect(contactProblem({ email: 'aina@example.com' })).toBeNull();
  });

  it('accepts the email addresses the form always accepted', () => {
    for (const ok of ['a@b.c', 'first.last@mail.hotel.example', 'x@y..z']) expect(looksLikeEmail(ok), ok).toBe(true);
    for (const bad of ['a@.b', 'a@b.', 'a@b', 'a b@c.d', 'a@b@c.d', '@b.c', 'a@', '']) expect(looksLikeEmail(bad), bad).toBe(false);
    // Long input without a dot is refused at once (the check has no backtracking).
    expect(looksLikeEmail('a@' + 'b'.repeat(100_000))).toBe(false);
  });
});
