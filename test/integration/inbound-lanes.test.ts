import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageWebhook, postWebhook, startGraphStub, type GraphStub } from '../support/graph-stub.js';
import { startOllamaStub, type OllamaStub } from '../support/ollama-stub.js';
import { json, startTestServer, type TestServer } from '../support/server.js';
import { until } from '../support/wait.js';

/**
 * The durable inbound queue works a lane per hotel: while one hotel's guest waits on a slow local model,
 * another hotel's guests are answered.
 */

const SECRETS = { appSecret: 'lanes-app-secret-31337', accessToken: 'EAAlanes-token', verifyToken: 'lanes-verify-token' };

let s: TestServer;
let graph: GraphStub;
let ollama: OllamaStub;

async function hotel(slug: string, phoneNumberId: string): Promise<string> {
  const id = (await json(await s.admin.post('/api/v1/properties', { name: `Hotel ${slug}`, slug, timezone: 'Asia/Kuala_Lumpur' }))).id as string;
  expect((await s.admin.put(`/api/v1/properties/${id}/channels/whatsapp`, { phoneNumberId, ...SECRETS })).status).toBe(200);
  return id;
}

beforeAll(async () => {
  graph = await startGraphStub();
  ollama = await startOllamaStub({ models: ['qwen2.5:7b-instruct'] });
  s = await startTestServer({
    env: {
      NOCTURN_WHATSAPP_API_BASE: graph.url,
      NOCTURN_EMBEDDER: 'none',
      NOCTURN_OLLAMA_HOST: ollama.url,
      NOCTURN_OLLAMA_MODEL: 'qwen2.5:7b-instruct',
      NOCTURN_OLLAMA_TIMEOUT_MS: '4000',
      NOCTURN_LLM_RETRIES: '0',
    },
  });
});
afterAll(async () => {
  await s?.stop();
  await graph?.close();
  await ollama?.close();
});

describe('inbound queue lanes', () => {
  it("answers one hotel's guest while another hotel's guest waits on the model", async () => {
    const slowId = await hotel('slow-model', '106540352240001');
    await hotel('quick-hello', '106540352240002');
    expect((await s.admin.post(`/api/v1/properties/${slowId}/knowledge-base/items`, { category: 'facilities', title: 'Parking', content: 'Parking is free in the basement car park for hotel guests.' })).status).toBe(201);
    ollama.behave({ kind: 'hang' });

    const slow = messageWebhook({ phoneNumberId: '106540352240001', waId: '60120000001', text: 'Is there parking at the hotel?' });
    expect((await postWebhook(s.publicUrl, slow.body, SECRETS.appSecret)).status).toBe(200);
    await until(() => ollama.chatCalls() === 1, 'the slow hotel to ask its model');
    const quick = messageWebhook({ phoneNumberId: '106540352240002', waId: '60120000002', text: 'Hello!' });
    expect((await postWebhook(s.publicUrl, quick.body, SECRETS.appSecret)).status).toBe(200);

    // The greeting reaches its guest while the other hotel's model has still not answered.
    await until(() => graph.delivered().some((r) => r.path.includes('106540352240002')), 'the greeting');
    expect(graph.delivered().filter((r) => r.path.includes('106540352240001'))).toEqual([]);
    // The slow one is answered too, once its model gives up: a person takes over.
    await until(() => graph.delivered().some((r) => r.path.includes('106540352240001')), 'the hand-off notice', 15_000);
  }, 30_000);
});
