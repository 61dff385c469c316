import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransformersEmbedder } from '../../server/features/knowledge/transformers.adapter.js';
import { KnowledgeRepository } from '../../server/features/knowledge/knowledge.repository.js';
import { TINY_CONCEPTS, writeTinyModel } from '../fixtures/knowledge/tiny-model.js';
import { startTestServer, tempDir, type TestServer } from '../support/server.js';

/**
 * The transformers.js path, offline: a tiny BERT-shaped model written by the fixture script is
 * loaded through the real adapter with remote loading disabled, its vectors go into sqlite-vec's
 * vec0 table, and KNN finds them. Nothing is downloaded.
 */
const models = tempDir('nocturn-models-');
const data = tempDir('nocturn-data-');
const A = writeTinyModel(models.dir, 'nocturn-test/tiny-embedder');
const B = writeTinyModel(models.dir, 'nocturn-test/tiny-embedder-b', [...TINY_CONCEPTS, ['spa', 'massage']]);
const env = (model: string) => ({ NOCTURN_EMBEDDER: 'transformers', NOCTURN_MODELS_DIR: models.dir, NOCTURN_EMBED_MODEL: model });
const kb = '/api/v1/properties/harbour/knowledge-base';
let s: TestServer;

const ITEMS = [
  { category: 'facilities', title: 'Laundry', content: 'Laundry service: hand in your laundry bag by 10 am for same-day washing.' },
  { category: 'facilities', title: 'Parking', content: 'Parking in the garage costs RM 20 per day; valet parking is available.' },
  { category: 'facilities', title: 'Pool', content: 'The swimming pool is open from 7 am to 9 pm.' },
  { category: 'dining', title: 'Breakfast', content: 'The breakfast buffet is served from 6:30 am.' },
  { category: 'facilities', title: 'Gym', content: 'Fitness and exercise room open 24 hours.' },
];

async function json<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

beforeAll(async () => {
  s = await startTestServer({ dataDir: data.dir, env: env(A.modelId) });
  s.core.properties.create({ name: 'Harbour View', slug: 'harbour', timezone: 'Asia/Kuala_Lumpur' });
});
afterAll(async () => {
  await s.stop();
  data.remove();
  models.remove();
});

describe('transformers.js embeddings, offline', () => {
  it('loads the local model through the adapter with remote loading off, and embeds', async () => {
    const e = new TransformersEmbedder({ modelsDir: models.dir, modelId: A.modelId });
    const [clothes, laundry, pool] = await e.embed(['clothes', 'Laundry service for your washing', 'swimming pool'], 'passage');
    const cos = (x: Float32Array, y: Float32Array) => x.reduce((sum, v, i) => sum + v * y[i]!, 0);
    expect(clothes).toHaveLength(A.dimension);
    expect(cos(clothes!, laundry!)).toBeGreaterThan(0.9);
    expect(cos(clothes!, pool!)).toBeLessThan(0.2);
    const { env: tf } = await import('@huggingface/transformers');
    expect(tf.allowRemoteModels).toBe(false);
    await e.close();

    const missing = new TransformersEmbedder({ modelsDir: models.dir, modelId: 'nocturn-test/not-there' });
    await expect(missing.embed(['x'], 'query')).rejects.toThrow(/not in .*missing config\.json.*npm run models:fetch/);
  });

  it('indexes items into vec0 in the background, then searches in hybrid mode', async () => {
    expect((await s.admin.put(kb, { items: ITEMS })).status).toBe(200);
    await s.core.knowledge.whenIdle('harbour');
    const status = await json<Record<string, unknown>>(await s.admin.get(`${kb}/index`));
    expect(status).toMatchObject({ mode: 'hybrid', embedder: `transformers:${A.modelId}`, dimension: A.dimension, state: 'idle', chunks: 5, embedded: 5, progress: 1 });

    // The vectors are in sqlite-vec, and KNN over them finds the laundry chunk for "clothes".
    const repo = new KnowledgeRepository(s.core.properties.scope('harbour'));
    expect(repo.counts()).toEqual({ chunks: 5, embedded: 5, vectors: 5 });
    const [q] = await new TransformersEmbedder({ modelsDir: models.dir, modelId: A.modelId }).embed(['clothes'], 'query');
    const [nearest] = repo.nearest(q!, 2);
    expect(repo.hits([nearest!.chunkId])[0]!.title).toBe('Laundry');

    // No item shares a word with "clothes": only the vector half of hybrid search can find it.
    const found = await json<{ mode: string; results: { title: string; score: number }[] }>(await s.admin.post(`${kb}/search`, { query: 'clothes', k: 3 }));
    expect(found.mode).toBe('hybrid');
    expect(found.results[0]!.title).toBe('Laundry');
    for (const other of found.results.slice(1)) expect(other.score).toBeLessThan(found.results[0]!.score);
    // Search returns its top k so a model can judge, but nothing near the 0.7 similarity floor scores high.
    const noise = await json<{ results: { score: number }[] }>(await s.admin.post(`${kb}/search`, { query: 'qwerty zxcv', k: 3 }));
    for (const r of noise.results) expect(r.score).toBeLessThan(0.3);

    const ready = await json<{ checks: Record<string, { ok: boolean; detail: Record<string, unknown> }> }>(await fetch(`${s.staffUrl}/ready`));
    expect(ready.checks.embedder).toMatchObject({ ok: true, detail: { search: 'hybrid', embedder: `transformers:${A.modelId}`, dimension: A.dimension } });
  });

  it('never returns a deactivated item from the vector index either', async () => {
    const laundry = (await json<{ items: { id: string; title: string }[] }>(await s.admin.get(`${kb}/items`))).items.find((i) => i.title === 'Laundry')!;
    await s.admin.post(`${kb}/items/${laundry.id}/deactivate`);
    const without = await json<{ results: { title: string }[] }>(await s.admin.post(`${kb}/search`, { query: 'clothes', k: 5 }));
    expect(without.results.map((r) => r.title)).not.toContain('Laundry');
    await s.admin.patch(`${kb}/items/${laundry.id}`, { active: true });
    await s.core.knowledge.whenIdle('harbour');
    expect((await json<{ results: { title: string }[] }>(await s.admin.post(`${kb}/search`, { query: 'clothes', k: 3 }))).results[0]!.title).toBe('Laundry');
  });

  it('streams re-index progress to the UI as server-sent events', async () => {
    const controller = new AbortController();
    const res = await s.admin.fetch(`${kb}/index/events`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const events: { state: string; embedded: number; chunks: number; progress: number }[] = [];
    const reader = res.body!.getReader();
    const reading = (async () => {
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += new TextDecoder().decode(value);
        for (const m of buf.matchAll(/data: (.*)\n\n/g)) events.push(JSON.parse(m[1]!));
        buf = buf.slice(buf.lastIndexOf('\n\n') + 2);
        const last = events[events.length - 1];
        if (events.length > 1 && last?.state === 'idle' && last.progress === 1) return;
      }
    })();
    expect((await s.admin.post(`${kb}/reindex`)).status).toBe(202);
    await reading;
    controller.abort();
    expect(events.some((e) => e.state === 'indexing')).toBe(true);
    const done = events.slice(1).map((e) => e.embedded);
    expect(done).toEqual([...done].sort((x, y) => x - y));
    expect(events[events.length - 1]).toMatchObject({ state: 'idle', embedded: 5, chunks: 5, progress: 1 });
  });

  it('re-indexes every chunk when the embedder changes, and keeps searching meanwhile', async () => {
    await s.stop();
    s = await startTestServer({ dataDir: data.dir, env: env(B.modelId) });
    // Lexical search answers while the new vectors are computed.
    expect((await json<{ results: { title: string }[] }>(await s.admin.post(`${kb}/search`, { query: 'swimming pool hours', k: 1 }))).results[0]!.title).toBe('Pool');
    await s.core.knowledge.whenIdle('harbour');
    const status = await json<Record<string, unknown>>(await s.admin.get(`${kb}/index`));
    expect(status).toMatchObject({ mode: 'hybrid', embedder: `transformers:${B.modelId}`, dimension: B.dimension, chunks: 5, embedded: 5, state: 'idle' });
    const repo = new KnowledgeRepository(s.core.properties.scope('harbour'));
    expect(repo.counts()).toEqual({ chunks: 5, embedded: 5, vectors: 5 });
    expect((await json<{ results: { title: string }[] }>(await s.admin.post(`${kb}/search`, { query: 'clothes', k: 1 }))).results[0]!.title).toBe('Laundry');
  });
});

describe('without the model files', () => {
  it('runs lexical-only and says why in /ready and the index status', async () => {
    const t = await startTestServer({ env: { NOCTURN_EMBEDDER: 'auto', NOCTURN_MODELS_DIR: tempDir('nocturn-empty-').dir } });
    try {
      t.core.properties.create({ name: 'Bay Inn', slug: 'bay', timezone: 'Asia/Kuala_Lumpur' });
      const ready = await json<{ ready: boolean; checks: Record<string, { ok: boolean; critical: boolean; detail: Record<string, string> }> }>(await fetch(`${t.staffUrl}/ready`));
      expect(ready.ready).toBe(true);
      expect(ready.checks.embedder).toMatchObject({ ok: false, critical: false, detail: { search: 'lexical-only', state: 'missing' } });
      expect(ready.checks.embedder!.detail.reason).toMatch(/paraphrase-multilingual-MiniLM-L12-v2 is not in .*npm run models:fetch/);
      const status = await json<Record<string, unknown>>(await t.admin.get('/api/v1/properties/bay/knowledge-base/index'));
      expect(status).toMatchObject({ mode: 'lexical', configuredEmbedder: { state: 'missing' } });
    } finally {
      await t.stop();
    }
  });
});
