import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationRepository } from '../../server/features/conversations/conversation.repository.js';
import { startOllamaStub, type OllamaChatBody, type OllamaStub } from '../support/ollama-stub.js';
import { startTestServer, tempDir, type TestServer } from '../support/server.js';
import { openSse, type SseEvent } from '../support/sse.js';

/**
 * Issue 18 item 12: a website guest sees the reply as the local model writes it. The Ollama
 * stand-in streams the structured answer a few characters at a time; the widget's event stream
 * carries growing `reply.delta` drafts, then the validated message, which is what is stored.
 */

const SITE = 'https://www.harbourview.example';
const KNOWLEDGE = [
  { category: 'dining', title: 'Breakfast', content: 'Breakfast is served in the Harbour Cafe from 6:30am to 10:30am daily. Breakfast costs RM 45 per adult; children under 6 eat free.' },
  { category: 'facilities', title: 'Pool', content: 'The rooftop pool on level 12 is open from 7am to 9pm. Towels are provided at the pool.' },
];
const BREAKFAST = 'Breakfast is served in the Harbour Cafe from 6:30am to 10:30am every day, and children under 6 eat free. Enjoy your stay!';
/** A price the knowledge does not contain: the reply is held back and staff take over. */
const INVENTED = 'The rooftop pool is open from 7am to 9pm, and a private cabana costs RM 380 per afternoon with drinks included.';

function itemIdIn(body: OllamaChatBody, title: string): string {
  const system = body.messages.find((m) => m.role === 'system')?.content ?? '';
  return new RegExp(`<item id="([^"]+)" title="${title}"`).exec(system)?.[1] ?? 'missing';
}

function answer(body: OllamaChatBody): string {
  const pool = /pool/i.test(body.messages.at(-1)?.content ?? '');
  return JSON.stringify({
    reply: pool ? INVENTED : BREAKFAST,
    confidence: 0.92,
    intent: 'other',
    handoff: false,
    handoffReason: null,
    citedItemIds: [itemIdIn(body, pool ? 'Pool' : 'Breakfast')],
    lead: { name: null, checkIn: null, checkOut: null, guests: null, roomType: null, intentDetails: null },
  });
}

let s: TestServer;
let ollama: OllamaStub;
let key: string;
let propertyId: string;
const data = tempDir('nocturn-widget-stream-');
let addressSeq = 0;

function newSession(): string {
  return `ws_${Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString('base64url')}`;
}

function client() {
  const headers = { 'x-forwarded-for': `198.51.100.${++addressSeq}`, origin: SITE };
  return {
    stream: (session: string) => openSse(`${s.publicUrl}/widget/api/stream?key=${encodeURIComponent(key)}&session=${session}`, headers),
    message: (session: string, text: string) =>
      fetch(`${s.publicUrl}/widget/api/messages?key=${encodeURIComponent(key)}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ key, sessionId: session, clientMessageId: `cm_${Math.random().toString(36).slice(2, 12)}`, text }),
      }),
  };
}

function storedReply(session: string): string | undefined {
  const scope = s.core.properties.scope(propertyId);
  const repo = new ConversationRepository(scope);
  const conversation = repo.findOpenByThread(scope.blindIndex.token('thread:widget', session));
  return conversation ? repo.messages(conversation.id).find((m) => m.role === 'assistant')?.body : undefined;
}

const drafts = (events: SseEvent[]) => events.filter((e) => e.event === 'reply.delta').map((e) => String(e.data.text));

beforeAll(async () => {
  ollama = await startOllamaStub();
  // A local model writing about 3 characters every 15 ms.
  ollama.behave({ kind: 'reply', content: answer, chunkSize: 3, chunkDelayMs: 15 });
  s = await startTestServer({
    dataDir: data.dir,
    env: { NOCTURN_OLLAMA_HOST: ollama.url, NOCTURN_OLLAMA_TIMEOUT_MS: '10000', NOCTURN_LLM_RETRIES: '0', NOCTURN_EMBEDDER: 'none', NOCTURN_TRUST_FORWARDED_FOR: 'true' },
  });
  const created = await s.admin.post('/api/v1/properties', { name: 'Harbour View Hotel', slug: 'harbour', timezone: 'Asia/Kuala_Lumpur', currency: 'MYR' });
  propertyId = ((await created.json()) as { id: string }).id;
  expect((await s.admin.put('/api/v1/properties/harbour/knowledge-base', { items: KNOWLEDGE })).status).toBe(200);
  await s.core.knowledge.whenIdle(propertyId);
  const res = await s.admin.put('/api/v1/properties/harbour/channels/widget', { allowedOrigins: [SITE], title: 'Harbour View', askContactBefore: false });
  key = ((await res.json()) as { widgetKey: string }).widgetKey;
});

afterAll(async () => {
  await s?.stop();
  await ollama?.close();
  data.remove();
});

describe('widget reply streaming', () => {
  it('shows the guest growing drafts of the reply while it is written, then the stored reply; other sessions see nothing', async () => {
    const guest = client();
    const session = newSession();
    const other = newSession();
    const stream = await guest.stream(session);
    const bystander = await client().stream(other);
    await stream.next((e) => e.event === 'ready');
    await bystander.next((e) => e.event === 'ready');

    expect((await guest.message(session, 'What time is breakfast served?')).status).toBe(202);
    const final = await stream.next((e) => e.event === 'message' && e.data.role === 'assistant');
    const seen = stream.all();
    const texts = drafts(seen.slice(0, seen.indexOf(final)));
    // Several drafts, each longer than the one before and each the start of the final reply.
    expect(texts.length).toBeGreaterThanOrEqual(5);
    texts.forEach((t, i) => {
      expect(BREAKFAST.startsWith(t)).toBe(true);
      if (i > 0) expect(t.length).toBeGreaterThan(texts[i - 1]!.length);
    });
    // The first words arrive long before the whole reply does.
    const firstDraft = seen.find((e) => e.event === 'reply.delta')!;
    expect(final.at - firstDraft.at).toBeGreaterThan(300);
    expect(final.data.text).toBe(BREAKFAST);
    await expect.poll(() => storedReply(session)).toBe(BREAKFAST);
    expect(drafts(seen.slice(seen.indexOf(final)))).toEqual([]);
    expect(drafts(bystander.all())).toEqual([]);
    stream.close();
    bystander.close();
  });

  it('stops the draft before a price the knowledge does not contain, and the hand-off replaces it', async () => {
    const guest = client();
    const session = newSession();
    const stream = await guest.stream(session);
    await stream.next((e) => e.event === 'ready');
    expect((await guest.message(session, 'When is the pool open, and can we book a cabana?')).status).toBe(202);
    const final = await stream.next((e) => e.event === 'message' && e.data.role === 'assistant');
    const texts = drafts(stream.all());
    expect(texts.length).toBeGreaterThan(0);
    for (const t of texts) expect(t).not.toContain('380');
    expect(final.data.text).not.toContain('380');
    expect(final.data.text).not.toBe(texts.at(-1));
    await expect.poll(() => storedReply(session)).toBe(final.data.text);
    stream.close();
  });

  it('streams nothing for a channel without a watching guest: the same model answer by email has no drafts', async () => {
    const session = newSession();
    const stream = await client().stream(session);
    await stream.next((e) => e.event === 'ready');
    // An email whose thread key happens to equal the open widget session.
    const out = await s.core.pipeline.handle(s.core.properties.scope(propertyId), {
      channel: 'email',
      threadKey: session,
      externalId: `email-${session}`,
      text: 'What time is breakfast served?',
      from: { email: 'guest@example.com' },
      receivedAt: new Date(),
    });
    expect(out.reply?.body).toBe(BREAKFAST);
    expect(ollama.chatCalls()).toBeGreaterThan(0);
    expect(drafts(stream.all())).toEqual([]);
    stream.close();
  });
});
