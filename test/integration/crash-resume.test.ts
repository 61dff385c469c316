import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config/config.js';
import { openCore } from '../../server/core.js';
import { cliActor } from '../../server/shared/actor.js';
import { createLogger } from '../../server/shared/logger.js';
import { messageWebhook, postWebhook, startGraphStub, type GraphStub } from '../support/graph-stub.js';
import { startOllamaStub, type OllamaChatBody, type OllamaStub } from '../support/ollama-stub.js';
import { tempDir } from '../support/server.js';
import { spawnServer, type ServerProcess } from '../support/server-process.js';

/**
 * Issue 15: the process dies (SIGKILL) while the local model is generating the answer to a guest
 * message that is already stored. After a restart on the same data the guest gets exactly one
 * reply, or, with no model reachable any more, a hand-off to staff; never silence.
 */

const APP_SECRET = 'resume-app-secret-8812';
const PHONE_NUMBER_ID = '106540352240015';
const GUEST = '60123450015';
const MODEL = 'qwen2.5:7b-instruct';

const processes: ServerProcess[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const p of processes.splice(0)) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  for (const c of cleanups.splice(0).reverse()) await c();
});

function modelJson(body: OllamaChatBody): string {
  const system = body.messages.find((m) => m.role === 'system')?.content ?? '';
  const itemId = /<item id="([^"]+)"/.exec(system)?.[1] ?? 'missing';
  return JSON.stringify({
    reply: 'Yes, parking is available, and breakfast is served from 6:30am to 10:30am.',
    confidence: 0.95,
    intent: 'other',
    handoff: false,
    handoffReason: null,
    citedItemIds: [itemId],
    lead: { name: null, checkIn: null, checkOut: null, guests: null, roomType: null, intentDetails: null },
  });
}

/** A hotel with WhatsApp and a knowledge base, created before the appliance starts. */
async function prepareHotel(dataDir: string): Promise<string> {
  const core = openCore({ config: loadConfig({ NOCTURN_ENV: 'test', NOCTURN_DATA_DIR: dataDir, NOCTURN_EMBEDDER: 'none' }), log: createLogger({ level: 'silent' }) });
  const property = core.properties.create({ name: 'Resume Inn', slug: 'resume-inn', timezone: 'Asia/Kuala_Lumpur' }, cliActor('test'));
  core.channels.put(property.id, 'whatsapp', { routingKey: PHONE_NUMBER_ID, secrets: { appSecret: APP_SECRET, accessToken: 'EAAresume', verifyToken: 'resume-verify' }, settings: {} }, cliActor('test'));
  core.knowledge.replaceAll(property.id, {
    items: [
      { category: 'facilities', title: 'Parking', content: 'Guests can park in our covered car park on level B1. Parking costs RM 20 per night. Valet parking is available from 7am to 11pm.' },
      { category: 'dining', title: 'Breakfast', content: 'Breakfast is served in the Harbour Cafe from 6:30am to 10:30am daily.' },
    ],
  });
  await core.knowledge.whenIdle(property.id);
  await core.close();
  return property.id;
}

async function waitFor<T>(what: string, fn: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Text messages the guest received (sends the Graph stand-in answered 200). */
const sentTo = (graph: GraphStub) => graph.delivered().filter((r) => r.body.to === GUEST && r.body.type === 'text').map((r) => (r.body.text as { body: string }).body);

async function killWhileGenerating(dataDir: string, graph: GraphStub, ollama: OllamaStub): Promise<void> {
  ollama.behave({ kind: 'reply', content: modelJson, delayMs: 8_000 });
  const first = await spawnServer(dataDir, { NOCTURN_OLLAMA_HOST: ollama.url, NOCTURN_OLLAMA_MODEL: MODEL, NOCTURN_OLLAMA_TIMEOUT_MS: '30000', NOCTURN_WHATSAPP_API_BASE: graph.url });
  processes.push(first);
  const { body } = messageWebhook({ phoneNumberId: PHONE_NUMBER_ID, waId: GUEST, wamid: 'wamid.resume.1', text: 'Is parking available, and when is breakfast?' });
  expect((await postWebhook(first.publicUrl, body, APP_SECRET)).status).toBe(200);
  await waitFor('the model to be asked', () => ollama.chatCalls() >= 1);
  first.child.kill('SIGKILL');
  await first.exited;
  expect(sentTo(graph)).toEqual([]);
}

describe('a crash while the model answers (issue 15)', () => {
  it('after a restart the guest gets exactly one reply', async () => {
    const tmp = tempDir();
    const graph = await startGraphStub();
    const ollama = await startOllamaStub({ models: [MODEL] });
    cleanups.push(() => tmp.remove(), () => graph.close(), () => ollama.close());
    await prepareHotel(tmp.dir);
    await killWhileGenerating(tmp.dir, graph, ollama);

    ollama.behave({ kind: 'reply', content: modelJson });
    const second = await spawnServer(tmp.dir, { NOCTURN_OLLAMA_HOST: ollama.url, NOCTURN_OLLAMA_MODEL: MODEL, NOCTURN_WHATSAPP_API_BASE: graph.url });
    processes.push(second);
    await waitFor('a reply', () => sentTo(graph).length > 0);
    // Meta's redelivery of the same notification changes nothing.
    const { body } = messageWebhook({ phoneNumberId: PHONE_NUMBER_ID, waId: GUEST, wamid: 'wamid.resume.1', text: 'Is parking available, and when is breakfast?' });
    expect((await postWebhook(second.publicUrl, body, APP_SECRET)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(sentTo(graph)).toEqual(['Yes, parking is available, and breakfast is served from 6:30am to 10:30am.']);
    second.child.kill('SIGINT');
    await second.exited;
  }, 90_000);

  it('with no model reachable after the restart, the guest gets one reply from the knowledge base, and a question it cannot answer goes to staff, once', async () => {
    const tmp = tempDir();
    const graph = await startGraphStub();
    const ollama = await startOllamaStub({ models: [MODEL] });
    cleanups.push(() => tmp.remove(), () => graph.close());
    const propertyId = await prepareHotel(tmp.dir);
    await killWhileGenerating(tmp.dir, graph, ollama);
    await ollama.close();

    const second = await spawnServer(tmp.dir, { NOCTURN_WHATSAPP_API_BASE: graph.url });
    processes.push(second);
    await waitFor('the reply', () => sentTo(graph).length > 0);
    await new Promise((r) => setTimeout(r, 1_000));
    // The resumed message is answered once, with no model, from the sentences of the two items.
    expect(sentTo(graph)).toHaveLength(1);
    expect(sentTo(graph)[0]).toContain('covered car park');
    expect(sentTo(graph)[0]).toContain('6:30am to 10:30am');

    const { body } = messageWebhook({ phoneNumberId: PHONE_NUMBER_ID, waId: GUEST, wamid: 'wamid.resume.2', text: 'Do you have a helipad for my helicopter?' });
    expect((await postWebhook(second.publicUrl, body, APP_SECRET)).status).toBe(200);
    await waitFor('the hand-off notice', () => sentTo(graph).length > 1);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(sentTo(graph)).toHaveLength(2);
    const hotel = new Database(path.join(tmp.dir, 'properties', `${propertyId}.db`), { readonly: true });
    try {
      expect(hotel.prepare('select status, handoff_reason from conversations').all()).toEqual([{ status: 'needs_human', handoff_reason: 'no_knowledge' }]);
    } finally {
      hotel.close();
    }
    second.child.kill('SIGINT');
    await second.exited;
  }, 90_000);
});
