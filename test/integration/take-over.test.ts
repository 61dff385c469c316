import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationSummary } from '../../server/contract/conversations.js';
import type { InboundMessage } from '../../server/features/pipeline/pipeline.service.js';
import { startOllamaStub, type OllamaChatBody, type OllamaStub } from '../support/ollama-stub.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * What the front desk reads in the inbox row and finds in the reply box on take-over, with the
 * real pipeline answering through the Ollama stand-in: the guest's own latest words, and a
 * suggestion only when it answers that latest message.
 */

let s: TestServer;
let ollama: OllamaStub;
let n = 0;

function itemIdIn(body: OllamaChatBody, title: string): string {
  const system = body.messages.find((m) => m.role === 'system')?.content ?? '';
  return new RegExp(`<item id="([^"]+)" title="${title}"`).exec(system)?.[1] ?? 'missing';
}

const answer = (reply: string, confidence: number) => (body: OllamaChatBody) =>
  JSON.stringify({
    reply,
    confidence,
    intent: 'other',
    handoff: false,
    handoffReason: null,
    citedItemIds: [itemIdIn(body, 'Breakfast')],
    lead: { name: null, checkIn: null, checkOut: null, guests: null, roomType: null, intentDetails: null },
  });

function inbound(text: string, threadKey: string): InboundMessage {
  n++;
  return { channel: 'test', threadKey, externalId: `take-${n}`, text, from: {}, receivedAt: new Date(Date.UTC(2026, 10, 21, 4, n)) };
}
const handle = (msg: InboundMessage) => s.core.pipeline.handle(s.core.properties.scope('harbour'), msg);

async function inboxRow(conversationId: string): Promise<ConversationSummary> {
  const res = await s.admin.get('/api/v1/properties/harbour/conversations?limit=50');
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: ConversationSummary[] }).items.find((c) => c.id === conversationId)!;
}

async function takeOver(conversationId: string): Promise<string | null> {
  const res = await s.admin.post(`/api/v1/properties/harbour/conversations/${conversationId}/take-over`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { draft: string | null }).draft;
}

beforeAll(async () => {
  ollama = await startOllamaStub({ models: ['qwen2.5:7b-instruct'] });
  s = await startTestServer({
    env: { NOCTURN_OLLAMA_HOST: ollama.url, NOCTURN_OLLAMA_MODEL: 'qwen2.5:7b-instruct', NOCTURN_OLLAMA_TIMEOUT_MS: '1500', NOCTURN_LLM_RETRIES: '0', NOCTURN_EMBEDDER: 'none' },
  });
  expect((await s.admin.post('/api/v1/properties', { name: 'Harbour View Hotel', slug: 'harbour', timezone: 'Asia/Kuala_Lumpur', currency: 'MYR' })).status).toBe(201);
  const kb = await s.admin.put('/api/v1/properties/harbour/knowledge-base', {
    items: [{ category: 'dining', title: 'Breakfast', content: 'Breakfast is served in the Harbour Cafe from 6:30am to 10:30am daily. Breakfast costs RM 45 per adult.' }],
  });
  expect(kb.status).toBe(200);
  await s.core.knowledge.whenIdle('harbour');
});
afterAll(async () => {
  await s.stop();
  await ollama.close();
});

describe('inbox row and take-over', () => {
  it('shows the guest’s latest words, not the hand-off notice, and takes over with an empty reply box', async () => {
    ollama.behave({ kind: 'reply', content: answer('Breakfast is RM 45 per adult.', 0.95) });
    const first = await handle(inbound('How much is breakfast?', 'handed-off'));
    expect(first.decision).toBe('answer');
    // The AI is unsure of the second question: it hands off with a notice to the guest.
    ollama.behave({ kind: 'reply', content: answer('Maybe there is a helipad.', 0.1) });
    const second = await handle(inbound('Can my helicopter land on the roof tomorrow?', 'handed-off'));
    expect(second.decision).toBe('handoff');
    expect(second.reply?.body).toBeTruthy();

    const row = await inboxRow(first.conversationId);
    expect(row.status).toBe('needs_human');
    expect(row.preview).toBe('Can my helicopter land on the roof tomorrow?');
    // The breakfast answer was for the earlier question; nothing answers the helicopter one.
    expect(await takeOver(first.conversationId)).toBeNull();
  });

  it('offers the AI’s answer to the latest guest message as the draft', async () => {
    ollama.behave({ kind: 'reply', content: answer('Breakfast is served from 6:30am to 10:30am.', 0.95) });
    const out = await handle(inbound('When is breakfast?', 'answered'));
    expect(out.decision).toBe('answer');
    expect((await inboxRow(out.conversationId)).preview).toBe('When is breakfast?');
    expect(await takeOver(out.conversationId)).toBe('Breakfast is served from 6:30am to 10:30am.');
  });

  it('offers no draft once staff have already replied after the guest', async () => {
    ollama.behave({ kind: 'reply', content: answer('Breakfast is RM 45 per adult.', 0.95) });
    const out = await handle(inbound('Breakfast price?', 'staff-replied'));
    expect(await takeOver(out.conversationId)).toBe('Breakfast is RM 45 per adult.');
    expect((await s.admin.post(`/api/v1/properties/harbour/conversations/${out.conversationId}/messages`, { text: 'It is RM 45, and children eat free.' })).status).toBe(201);
    expect((await s.admin.post(`/api/v1/properties/harbour/conversations/${out.conversationId}/hand-back`)).status).toBe(200);
    expect(await takeOver(out.conversationId)).toBeNull();
    // Staff wrote last, but the row still shows what the guest said.
    expect((await inboxRow(out.conversationId)).preview).toBe('Breakfast price?');
  });
});
