import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InboundQueueRepository } from '../../server/features/inbound/inbound-queue.repository.js';
import { messageWebhook, postWebhook, startGraphStub, type GraphStub } from '../support/graph-stub.js';
import { startOllamaStub, type OllamaStub } from '../support/ollama-stub.js';
import { json, startTestServer, type TestServer } from '../support/server.js';
import { until } from '../support/wait.js';

/**
 * Issue 15: a poison event (one that takes longer than its time budget) goes to the dead letters
 * staff can see, with the reason, and the next event of the same hotel is answered. After a
 * restart, an event that ran past its budget or was interrupted too often is not replayed.
 */

const SECRETS = { appSecret: 'poison-app-secret-4242', accessToken: 'EAApoison-token', verifyToken: 'poison-verify-token' };
const PHONE_NUMBER_ID = '106540352240042';

let s: TestServer;
let graph: GraphStub;
let ollama: OllamaStub;
let hotelId: string;

beforeAll(async () => {
  graph = await startGraphStub();
  ollama = await startOllamaStub({ models: ['qwen2.5:7b-instruct'] });
  s = await startTestServer({
    env: {
      NOCTURN_WHATSAPP_API_BASE: graph.url,
      NOCTURN_EMBEDDER: 'none',
      NOCTURN_OLLAMA_HOST: ollama.url,
      NOCTURN_OLLAMA_MODEL: 'qwen2.5:7b-instruct',
      NOCTURN_OLLAMA_TIMEOUT_MS: '60000',
      NOCTURN_LLM_RETRIES: '0',
      NOCTURN_INBOUND_EVENT_BUDGET_SECONDS: '2',
    },
  });
  hotelId = (await json(await s.admin.post('/api/v1/properties', { name: 'Poison Inn', slug: 'poison-inn', timezone: 'Asia/Kuala_Lumpur' }))).id as string;
  expect((await s.admin.put(`/api/v1/properties/${hotelId}/channels/whatsapp`, { phoneNumberId: PHONE_NUMBER_ID, ...SECRETS })).status).toBe(200);
  expect((await s.admin.post(`/api/v1/properties/${hotelId}/knowledge-base/items`, { category: 'facilities', title: 'Parking', content: 'Parking is free in the basement car park for hotel guests.' })).status).toBe(201);
});
afterAll(async () => {
  await s?.stop();
  await graph?.close();
  await ollama?.close();
});

describe('poison events (issue 15)', () => {
  it('an event past its time budget goes to the dead letters with the reason, and the next guest of the hotel is answered', async () => {
    ollama.once({ kind: 'hang' });
    const stuck = messageWebhook({ phoneNumberId: PHONE_NUMBER_ID, waId: '60120000041', text: 'Is there parking at the hotel?' });
    expect((await postWebhook(s.publicUrl, stuck.body, SECRETS.appSecret)).status).toBe(200);
    await until(() => ollama.chatCalls() === 1, 'the model to be asked');
    const next = messageWebhook({ phoneNumberId: PHONE_NUMBER_ID, waId: '60120000042', text: 'Hello!' });
    expect((await postWebhook(s.publicUrl, next.body, SECRETS.appSecret)).status).toBe(200);

    await until(() => graph.delivered().some((r) => r.body.to === '60120000042'), 'the next guest to be answered', 15_000);
    const dead = (await json(await s.admin.get(`/api/v1/properties/${hotelId}/inbound/dead-letters`))).items as { provider: string; reason: string }[];
    expect(dead).toEqual([expect.objectContaining({ provider: 'whatsapp', reason: expect.stringContaining('time budget of 2 s') })]);
    // The dead letter names no guest data.
    expect(JSON.stringify(dead)).not.toMatch(/60120000041|parking/i);

    // The system screen counts it for its hotel.
    const status = await json(await s.admin.get('/api/v1/system/status'));
    expect((status.hotels as { id: string; inboundFailed: number }[]).find((h) => h.id === hotelId)?.inboundFailed).toBe(1);

    // Staff send it back once the model is well again: processed, and off the list.
    const id = (dead[0] as unknown as { id: number }).id;
    ollama.behave({ kind: 'status', status: 503 });
    expect((await s.admin.post(`/api/v1/properties/${hotelId}/inbound/dead-letters/${id}/retry`)).status).toBeLessThan(300);
    await until(async () => ((await json(await s.admin.get(`/api/v1/properties/${hotelId}/inbound/dead-letters`))).items as unknown[]).length === 0, 'the retried event to leave the list', 15_000);
    // Off the list as soon as it is queued again; processed once the inbound queue settles.
    await s.core.inboundQueue.settle(15_000);
    expect((await s.admin.post(`/api/v1/properties/${hotelId}/inbound/dead-letters/${id}/retry`)).status).toBe(409);
    expect((await s.admin.post(`/api/v1/properties/${hotelId}/inbound/dead-letters/not-a-number/retry`)).status).toBe(409);
  }, 40_000);

  it('start-up does not replay an event that ran past its budget or was interrupted too often', () => {
    const repo = new InboundQueueRepository(s.core.databases.group);
    const scope = s.core.properties.scope(hotelId);
    // Due only in 2099, so the running server's own worker leaves them to this test.
    const later = '2099-01-01T00:00:00.000Z';
    const accept = (externalId: string) => repo.insert({ propertyId: hotelId, provider: 'test', externalId, eventType: 'message', payload: '{}', receivedAt: later }, scope).id;
    const overBudget = accept('restart-over-budget');
    const interrupted = accept('restart-interrupted');
    // The first claimed long ago (still 'processing' when the process died), the second just now.
    repo.claimDue(later, 10, { only: hotelId });
    s.core.databases.group.prepare(`update inbox_events set claimed_at = ? where id = ?`).run('2026-01-01T00:00:00.000Z', overBudget);
    const status = (id: number) => (s.core.databases.group.prepare('select status, last_error from inbox_events where id = ?').get(id) as { status: string; last_error: string | null });
    s.core.databases.group.prepare(`update inbox_events set claimed_at = ? where id = ?`).run(new Date().toISOString(), interrupted);
    const opts = { now: new Date().toISOString(), budgetMs: 60_000, maxInterruptions: 2 };

    expect(repo.releaseStuck(opts)).toEqual({ released: 1, dead: 1 });
    expect(status(overBudget)).toEqual({ status: 'failed', last_error: 'ran past its time budget of 60 s before a restart; not replayed' });
    expect(status(interrupted).status).toBe('pending');

    // Interrupted a second time: given up on.
    repo.claimDue(later, 10, { only: hotelId });
    s.core.databases.group.prepare(`update inbox_events set claimed_at = ? where id = ?`).run(new Date().toISOString(), interrupted);
    expect(repo.releaseStuck({ ...opts, now: new Date().toISOString() })).toEqual({ released: 0, dead: 1 });
    expect(status(interrupted)).toEqual({ status: 'failed', last_error: 'interrupted by 2 restarts while being processed; not replayed' });
  });
});
