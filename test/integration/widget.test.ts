import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionOf } from '../../server/db/handle.js';
import { ConversationRepository } from '../../server/features/conversations/conversation.repository.js';
import { GuestRepository } from '../../server/features/guests/guest.repository.js';
import { LeadRepository } from '../../server/features/leads/lead.repository.js';
import type { Clock } from '../../server/shared/clock.js';
import { openSse } from '../support/sse.js';
import { startOllamaStub, type OllamaChatBody, type OllamaStub } from '../support/ollama-stub.js';
import { startTestServer, tempDir, type TestServer } from '../support/server.js';

/**
 * The website widget's guest API on the public listener (D3, A1, A6, D4, F5) against the real
 * server: CORS per hotel, keys, limits that survive a restart, idempotent messages, live replies and
 * the typing indicator over SSE, history, feedback, contact details and opt-out.
 */

const SITE = 'https://www.harbourview.example';
const STAGING = 'http://localhost:8080';
const OTHER = 'https://evil.example';

/** A clock that stands still unless moved, so token buckets are deterministic across a restart. */
class StillClock implements Clock {
  private t = Date.now();
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

const KNOWLEDGE = [
  { category: 'dining', title: 'Breakfast', content: 'Breakfast is served in the Harbour Cafe from 6:30am to 10:30am daily. Breakfast costs RM 45 per adult; children under 6 eat free.' },
  { category: 'facilities', title: 'Parking', content: 'Guests can park in our covered car park on level B1. Parking costs RM 20 per night.' },
];

function itemIdIn(body: OllamaChatBody, title: string): string {
  const system = body.messages.find((m) => m.role === 'system')?.content ?? '';
  return new RegExp(`<item id="([^"]+)" title="${title}"`).exec(system)?.[1] ?? 'missing';
}

function answer(body: OllamaChatBody): string {
  const last = body.messages.at(-1)?.content ?? '';
  const parking = /park/i.test(last);
  return JSON.stringify({
    reply: parking ? 'You can park on level B1 for RM 20 per night.' : 'Breakfast is served in the Harbour Cafe from 6:30am to 10:30am.',
    confidence: 0.93,
    intent: 'other',
    handoff: false,
    handoffReason: null,
    citedItemIds: [itemIdIn(body, parking ? 'Parking' : 'Breakfast')],
    lead: { name: null, checkIn: null, checkOut: null, guests: null, roomType: null, intentDetails: null },
  });
}


let s: TestServer;
let ollama: OllamaStub;
let key: string;
let propertyId: string;
const clock = new StillClock();
const data = tempDir('nocturn-widget-');
let addressSeq = 0;

const env = () => ({ NOCTURN_OLLAMA_HOST: ollama.url, NOCTURN_OLLAMA_TIMEOUT_MS: '3000', NOCTURN_LLM_RETRIES: '0', NOCTURN_EMBEDDER: 'none', NOCTURN_TRUST_FORWARDED_FOR: 'true' });

function newSession(): string {
  return `ws_${Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString('base64url')}`;
}

/** Each test speaks from its own client address (as the tunnel reports it), so the per-address limit is its own. */
function client(origin: string | null = SITE) {
  const address = `198.51.100.${++addressSeq}`;
  const headers = (extra: Record<string, string> = {}) => ({ 'x-forwarded-for': address, ...(origin ? { origin } : {}), ...extra });
  return {
    address,
    get: (path: string, k = key) => fetch(`${s.publicUrl}/widget/api/${path}${path.includes('?') ? '&' : '?'}key=${encodeURIComponent(k)}`, { headers: headers() }),
    post: (path: string, body: Record<string, unknown>) =>
      fetch(`${s.publicUrl}/widget/api/${path}?key=${encodeURIComponent(String(body.key ?? key))}`, {
        method: 'POST',
        headers: headers({ 'content-type': 'application/json' }),
        body: JSON.stringify({ key, ...body }),
      }),
    preflight: (path: string, k = key) =>
      fetch(`${s.publicUrl}/widget/api/${path}?key=${encodeURIComponent(k)}`, {
        method: 'OPTIONS',
        headers: headers({ 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' }),
      }),
    stream: (session: string) => openSse(`${s.publicUrl}/widget/api/stream?key=${encodeURIComponent(key)}&session=${session}`, headers()),
    message: (session: string, text: string, extra: Record<string, unknown> = {}) =>
      fetch(`${s.publicUrl}/widget/api/messages?key=${encodeURIComponent(key)}`, {
        method: 'POST',
        headers: headers({ 'content-type': 'application/json' }),
        body: JSON.stringify({ key, sessionId: session, clientMessageId: `cm_${Math.random().toString(36).slice(2, 12)}`, text, ...extra }),
      }),
  };
}

interface History {
  messages: { id: string; role: string; text: string; clientMessageId: string | null; feedback: string | null; rateable: boolean }[];
  typing: boolean;
}
async function history(c: ReturnType<typeof client>, session: string): Promise<History> {
  const res = await c.get(`messages?session=${session}`);
  expect(res.status).toBe(200);
  return (await res.json()) as History;
}

function conversationOf(session: string) {
  const scope = s.core.properties.scope(propertyId);
  return new ConversationRepository(scope).findOpenByThread(scope.blindIndex.token('thread:widget', session));
}

beforeAll(async () => {
  ollama = await startOllamaStub();
  ollama.behave({ kind: 'reply', content: answer, delayMs: 150 });
  s = await startTestServer({ dataDir: data.dir, clock, env: env() });
  const created = await s.admin.post('/api/v1/properties', { name: 'Harbour View Hotel', slug: 'harbour', timezone: 'Asia/Kuala_Lumpur', currency: 'MYR' });
  expect(created.status).toBe(201);
  propertyId = ((await created.json()) as { id: string }).id;
  expect((await s.admin.put('/api/v1/properties/harbour/knowledge-base', { items: KNOWLEDGE })).status).toBe(200);
  await s.core.knowledge.whenIdle(propertyId);
  const res = await s.admin.put('/api/v1/properties/harbour/channels/widget', { allowedOrigins: [SITE, `${STAGING}/`], title: 'Harbour View', askContactBefore: false });
  expect(res.status).toBe(200);
  key = ((await res.json()) as { widgetKey: string }).widgetKey;
});

afterAll(async () => {
  await s?.stop();
  await ollama?.close();
  data.remove();
});

describe('widget setup (staff API)', () => {
  it('answers with the key and the snippet, keeps the key on update, and rotates it only when asked', async () => {
    expect(key).toMatch(/^wk_[A-Za-z0-9_-]{32}$/);
    const again = await s.admin.put('/api/v1/properties/harbour/channels/widget', { allowedOrigins: [SITE, STAGING], title: 'Harbour View', greeting: 'Selamat datang! How can we help?' });
    const body = (await again.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ widgetKey: key, allowedOrigins: [SITE, STAGING], title: 'Harbour View', greeting: 'Selamat datang! How can we help?', askContactBefore: false });
    expect(body.snippet).toBe(`<script src="${s.publicUrl}/widget/widget.js" data-key="${key}"></script>`);
    expect(await (await s.admin.get('/api/v1/properties/harbour/channels/widget')).json()).toMatchObject({ widgetKey: key });

    const rotated = (await (await s.admin.put('/api/v1/properties/harbour/channels/widget', { allowedOrigins: [SITE, STAGING], title: 'Harbour View', greeting: 'Selamat datang! How can we help?', rotateKey: true })).json()) as { widgetKey: string };
    expect(rotated.widgetKey).toMatch(/^wk_/);
    expect(rotated.widgetKey).not.toBe(key);
    // The old key keeps working for the overlap window, so the hotel can swap its snippet ...
    expect((await client().get('config', key)).status).toBe(200);
    // ... and not after it.
    s.core.databases.group.prepare("update channel_bindings set settings = json_set(settings, '$.previousKeyValidUntil', '2000-01-01T00:00:00.000Z') where channel = 'widget'").run();
    expect((await client().get('config', key)).status).toBe(404);
    key = rotated.widgetKey;
    expect((await client().get('config')).status).toBe(200);

    const audit = (await (await s.admin.get('/api/v1/audit?action=channel.update')).json()) as { items: { target: string }[] };
    expect(audit.items.some((i) => i.target.startsWith('widget:'))).toBe(true);
  });

  it('accepts only exact https origins (http only on loopback), without wildcards or paths', async () => {
    for (const bad of ['*', 'https://*.hotel.com', 'http://www.hotel.com', 'https://www.hotel.com/chat', 'https://www.hotel.com?x=1', 'ftp://hotel.com', 'not a url']) {
      const res = await s.admin.put('/api/v1/properties/harbour/channels/widget', { allowedOrigins: [bad] });
      expect(res.status, bad).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    }
    expect((await s.admin.put('/api/v1/properties/harbour/channels/widget', { allowedOrigins: [] })).status).toBe(400);
    expect(await (await s.admin.get('/api/v1/properties/harbour/channels/widget')).json()).toMatchObject({ allowedOrigins: [SITE, STAGING] });
  });

  it('is for admins to change and managers to read', async () => {
    const manager = await s.staff('manager');
    const agent = await s.staff('agent');
    expect((await manager.put('/api/v1/properties/harbour/channels/widget', { allowedOrigins: [SITE] })).status).toBe(403);
    expect((await manager.get('/api/v1/properties/harbour/channels/widget')).status).toBe(200);
    expect((await agent.get('/api/v1/properties/harbour/channels/widget')).status).toBe(403);
  });
});

describe('widget script', () => {
  it('is served as JavaScript that other sites may load, and parses', async () => {
    const res = await fetch(`${s.publicUrl}/widget/widget.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const source = await res.text();
    expect(() => new vm.Script(source)).not.toThrow();
    expect(source).toContain('/widget/api/');
  });
});

describe('widget API: keys and CORS', () => {
  it('echoes an allowed origin exactly, with Vary: Origin, and never a wildcard or credentials', async () => {
    for (const origin of [SITE, STAGING]) {
      const res = await client(origin).get('config');
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(res.headers.get('vary')).toMatch(/Origin/i);
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
      expect(await res.json()).toMatchObject({ title: 'Harbour View', greeting: 'Selamat datang! How can we help?', askContactBefore: false, maxLength: 2000 });
    }
    const pre = await client().preflight('messages');
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(SITE);
    expect(pre.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/content-type/i);
  });

  it('refuses a disallowed or missing origin with 403 and no CORS headers', async () => {
    for (const c of [client(OTHER), client('https://www.harbourview.example.evil.example'), client('http://www.harbourview.example'), client(null)]) {
      for (const res of [await c.get('config'), await c.preflight('messages'), await c.message(newSession(), 'hello')]) {
        expect(res.status).toBe(403);
        expect(res.headers.get('access-control-allow-origin')).toBeNull();
        expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      }
    }
  });

  it('answers 404 for an unknown or malformed key', async () => {
    const c = client();
    for (const k of [`wk_${'A'.repeat(32)}`, 'nonsense', '']) {
      const res = await c.get('config', k);
      expect(res.status).toBe(404);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
  });
});

describe('widget conversation', () => {
  it('takes a message (202), shows typing, pushes the answer live, and keeps it for the next visit', async () => {
    const c = client();
    const session = newSession();
    const stream = await c.stream(session);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.headers.get('access-control-allow-origin')).toBe(SITE);
    expect((await stream.next((e) => e.event === 'ready')).data).toEqual({ typing: false });

    const res = await c.post('messages', { sessionId: session, clientMessageId: 'cm_first_question', text: 'What time is breakfast served?' });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: true, duplicate: false, clientMessageId: 'cm_first_question' });

    expect((await stream.next((e) => e.event === 'typing')).data).toEqual({ active: true });
    const live = await stream.next((e) => e.event === 'message');
    expect(live.data).toMatchObject({ role: 'assistant', text: 'Breakfast is served in the Harbour Cafe from 6:30am to 10:30am.', rateable: true, feedback: null });
    // Typing ends once the reply is queued (just before or just after it is pushed).
    await expect.poll(() => stream.all().filter((e) => e.event === 'typing').map((e) => e.data.active)).toEqual([true, false]);
    stream.close();

    const h = await history(c, session);
    expect(h.typing).toBe(false);
    expect(h.messages.map((m) => [m.role, m.text, m.clientMessageId])).toEqual([
      ['guest', 'What time is breakfast served?', 'cm_first_question'],
      ['assistant', 'Breakfast is served in the Harbour Cafe from 6:30am to 10:30am.', null],
    ]);
    expect(h.messages[1]!.id).toBe(live.data.id);

    // Staff see it as a widget conversation; the reply was delivered.
    const conversation = conversationOf(session)!;
    expect(conversation.channel).toBe('widget');
    const detail = (await (await s.admin.get(`/api/v1/properties/harbour/conversations/${conversation.id}`)).json()) as { messages: { role: string; deliveryStatus: string | null }[] };
    expect(detail.messages.find((m) => m.role === 'assistant')?.deliveryStatus).toBe('sent');
  });

  it('processes the same client message id once, however often the browser retries', async () => {
    const c = client();
    const session = newSession();
    const before = ollama.chatCalls();
    const body = { sessionId: session, clientMessageId: 'cm_retry_me_1', text: 'Where can I park my car?' };
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await c.post('messages', body)).status);
    expect(statuses).toEqual([202, 200, 200]);
    await s.core.inboundQueue.settle();
    await s.core.outbox.settle();
    const h = await history(c, session);
    expect(h.messages.filter((m) => m.role === 'guest')).toHaveLength(1);
    expect(h.messages.filter((m) => m.role === 'assistant').map((m) => m.text)).toEqual(['You can park on level B1 for RM 20 per night.']);
    expect(ollama.chatCalls() - before).toBe(1);
  });

  it('refuses a message over 2,000 characters with a clear problem, and an empty one', async () => {
    const c = client();
    const session = newSession();
    const long = await c.post('messages', { sessionId: session, clientMessageId: 'cm_too_long_1', text: 'a'.repeat(2001) });
    expect(long.status).toBe(400);
    expect(long.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(long.headers.get('access-control-allow-origin')).toBe(SITE);
    const problem = (await long.json()) as { detail: string; errors: { path: string }[] };
    expect(problem.detail).toBe('Messages can be at most 2,000 characters; this one has 2,001');
    expect(problem.errors[0]!.path).toBe('text');
    // 2,000 characters that take more than 2,000 UTF-16 units are fine.
    expect((await c.post('messages', { sessionId: session, clientMessageId: 'cm_emoji_ok_1', text: '\u{1F600}'.repeat(2000) })).status).toBe(202);
    expect((await c.post('messages', { sessionId: session, clientMessageId: 'cm_empty_111', text: '   ' })).status).toBe(400);
    expect((await c.post('messages', { sessionId: 'not-a-session', clientMessageId: 'cm_bad_sess1', text: 'hi' })).status).toBe(400);
    await s.core.inboundQueue.settle();
  });

  it('stores "Was this helpful?" for the guest\'s own AI replies only', async () => {
    const c = client();
    const session = newSession();
    expect((await c.message(session, 'What time is breakfast served?')).status).toBe(202);
    await s.core.inboundQueue.settle();
    await s.core.outbox.settle();
    const reply = (await history(c, session)).messages.find((m) => m.role === 'assistant')!;

    expect((await c.post('feedback', { sessionId: session, messageId: reply.id, helpful: false })).status).toBe(204);
    expect((await c.post('feedback', { sessionId: session, messageId: reply.id, helpful: true })).status).toBe(204);
    expect((await history(c, session)).messages.find((m) => m.id === reply.id)?.feedback).toBe('up');
    const row = connectionOf(s.core.properties.scope(propertyId)).prepare('select helpful, conversation_id from widget_feedback where message_id = ?').get(reply.id);
    expect(row).toEqual({ helpful: 1, conversation_id: conversationOf(session)!.id });

    // Another session cannot rate it; a guest message cannot be rated.
    expect((await c.post('feedback', { sessionId: newSession(), messageId: reply.id, helpful: false })).status).toBe(404);
    const guestMessage = (await history(c, session)).messages.find((m) => m.role === 'guest')!;
    expect((await c.post('feedback', { sessionId: session, messageId: guestMessage.id, helpful: true })).status).toBe(404);
  });

  it('delivers a staff reply live to the open widget', async () => {
    const c = client();
    const session = newSession();
    expect((await c.message(session, 'Can I bring my dog?')).status).toBe(202);
    await s.core.inboundQueue.settle();
    const stream = await c.stream(session);
    await stream.next((e) => e.event === 'ready');
    const conversation = conversationOf(session)!;
    const sent = await s.admin.post(`/api/v1/properties/harbour/conversations/${conversation.id}/messages`, { text: 'Small dogs are welcome in our garden rooms.' });
    expect(sent.status).toBe(201);
    const live = await stream.next((e) => e.event === 'message' && e.data.role === 'staff');
    expect(live.data).toMatchObject({ text: 'Small dogs are welcome in our garden rooms.', rateable: false });
    stream.close();
  });

  it('adds contact details from the form to the guest and the lead', async () => {
    const c = client();
    const session = newSession();
    expect((await c.message(session, 'Do you have a family room for 2 adults and 2 kids?')).status).toBe(202);
    await s.core.inboundQueue.settle();
    const res = await c.post('contact', { sessionId: session, clientRequestId: 'cr_contact_01', name: 'Siti Rahman', email: 'siti@example.com', phone: '' });
    expect(res.status).toBe(202);
    expect((await c.post('contact', { sessionId: session, clientRequestId: 'cr_contact_02', email: 'not an email' })).status).toBe(400);
    await s.core.inboundQueue.settle();
    const scope = s.core.properties.scope(propertyId);
    const conversation = conversationOf(session)!;
    expect(new GuestRepository(scope).get(conversation.guest_id)).toMatchObject({ name: 'Siti Rahman', email: 'siti@example.com' });
    expect(new LeadRepository(scope).byConversation(conversation.id)?.details).toMatchObject({ name: 'Siti Rahman', email: 'siti@example.com' });
  });

  it('opts a guest out on STOP: recorded, confirmed once, no AI answer, and follow-ups refused', async () => {
    const c = client();
    const session = newSession();
    const who = { name: 'Ahmad', email: 'ahmad@example.com' };
    expect((await c.message(session, 'What time is breakfast served?', who)).status).toBe(202);
    await s.core.inboundQueue.settle();
    await s.core.outbox.settle();
    const calls = ollama.chatCalls();
    expect((await c.message(session, ' stop ', who)).status).toBe(202);
    await s.core.inboundQueue.settle();
    await s.core.outbox.settle();
    expect((await c.message(session, 'STOP', who)).status).toBe(202);
    await s.core.inboundQueue.settle();
    await s.core.outbox.settle();
    expect(ollama.chatCalls()).toBe(calls);

    const texts = (await history(c, session)).messages.map((m) => `${m.role}: ${m.text}`);
    expect(texts.filter((t) => t.startsWith('assistant: ') && /unsubscribed/.test(t))).toHaveLength(1);
    expect(texts.slice(-3)).toEqual(['guest: stop', expect.stringMatching(/^assistant: You're unsubscribed/), 'guest: STOP']);

    const conversation = conversationOf(session)!;
    const row = connectionOf(s.core.properties.scope(propertyId)).prepare('select opted_out_at, opted_out_channel from guests where id = ?').get(conversation.guest_id) as { opted_out_at: string; opted_out_channel: string };
    expect(row.opted_out_channel).toBe('widget');
    expect(row.opted_out_at).toBeTruthy();
    const followUp = await s.admin.post(`/api/v1/properties/harbour/conversations/${conversation.id}/follow-up`, { text: 'Special offer!' });
    expect(followUp.status).toBe(409);
  });

  it('a first message of 停止 is not answered by the AI, is confirmed in Chinese and is not a lead; 开始 opts back in', async () => {
    const c = client();
    const session = newSession();
    const calls = ollama.chatCalls();
    expect((await c.message(session, '停止。')).status).toBe(202);
    await s.core.inboundQueue.settle();
    await s.core.outbox.settle();
    expect(ollama.chatCalls()).toBe(calls);
    expect((await history(c, session)).messages.map((m) => `${m.role}: ${m.text}`)).toEqual(['guest: 停止。', expect.stringMatching(/^assistant: 您已退订/)]);
    const conversation = conversationOf(session)!;
    const scope = s.core.properties.scope(propertyId);
    expect(new GuestRepository(scope).isOptedOut(conversation.guest_id)).toBe(true);
    expect(new LeadRepository(scope).byConversation(conversation.id)).toBeUndefined();

    expect((await c.message(session, '开始')).status).toBe(202);
    await s.core.inboundQueue.settle();
    await s.core.outbox.settle();
    expect(ollama.chatCalls()).toBe(calls);
    expect((await history(c, session)).messages.at(-1)?.text).toMatch(/^欢迎回来/);
    expect(new GuestRepository(scope).isOptedOut(conversation.guest_id)).toBe(false);

    // Opted back in, the guest's questions are answered again.
    expect((await c.message(session, 'What time is breakfast served?')).status).toBe(202);
    await s.core.inboundQueue.settle();
    await s.core.outbox.settle();
    expect(ollama.chatCalls()).toBeGreaterThan(calls);
    expect((await history(c, session)).messages.at(-1)).toMatchObject({ role: 'assistant', text: expect.stringMatching(/6:30/) });
  });

  it('"cancel" on its own is a question about a booking, not an opt-out', async () => {
    const c = client();
    const session = newSession();
    expect((await c.message(session, 'Cancel')).status).toBe(202);
    await s.core.inboundQueue.settle();
    await s.core.outbox.settle();
    const conversation = conversationOf(session)!;
    expect(new GuestRepository(s.core.properties.scope(propertyId)).isOptedOut(conversation.guest_id)).toBe(false);
    const texts = (await history(c, session)).messages;
    expect(texts.length).toBeGreaterThan(1); // answered or handed to staff with a notice
    expect(texts.every((m) => !/unsubscribed/.test(m.text))).toBe(true);
  });
});

describe('widget rate limits', () => {
  it('limits each address, with Retry-After', async () => {
    const c = client();
    let res: Response | undefined;
    for (let i = 0; i < 61; i++) res = await c.get('config');
    expect(res!.status).toBe(429);
    expect(Number(res!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(res!.headers.get('access-control-allow-origin')).toBe(SITE); // so the widget can read it
    expect(res!.headers.get('access-control-expose-headers')).toMatch(/Retry-After/);
    const other = client();
    expect((await other.get('config')).status).toBe(200);
  });

  it('limits each widget session, and the limit still holds after a restart on the same data', async () => {
    const c = client();
    const session = newSession();
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) statuses.push((await c.message(session, `Question number ${i + 1} about parking`)).status);
    expect(statuses.slice(0, 8)).toEqual(Array(8).fill(202));
    expect(statuses[8]).toBe(429);
    await s.core.inboundQueue.settle();

    await s.stop();
    s = await startTestServer({ dataDir: data.dir, clock, env: env() });
    const after = client();
    const limited = await after.message(session, 'One more question');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBe(5);
    expect(((await limited.json()) as { type: string }).type).toMatch(/too-many-requests$/);
    // A different session is not affected; time refills the bucket.
    expect((await after.message(newSession(), 'Hello there')).status).toBe(202);
    clock.advance(5_000);
    expect((await after.message(session, 'One more question')).status).toBe(202);
    await s.core.inboundQueue.settle();
  });
});
