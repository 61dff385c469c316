import os from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../server/config/config.js';
import { openCore } from '../server/core.js';
import { EmbedderHandle, type EmbedKind, type Embedder } from '../server/features/knowledge/embedder.port.js';
import { KnowledgeService } from '../server/features/knowledge/knowledge.service.js';
import { createLogger } from '../server/shared/logger.js';
import { HashEmbedder } from '../test/fixtures/knowledge/hash-embedder.js';
import { QUESTIONS } from '../test/fixtures/knowledge/hotels.js';

/**
 * Knowledge retrieval: ingest throughput (import -> chunks + FTS5, then the background job with
 * the fixture embedder -> vec0) and search latency at 1k, 10k and 100k chunks in one hotel.
 * Hybrid latency excludes embedding time: query vectors are computed before the timed searches.
 */
const DIM = 384;
const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,100000').split(',').map(Number);
const SEARCHES = Number(process.env.BENCH_SEARCHES ?? 200);

/** Seeded PRNG (mulberry32), so every run indexes the same corpus. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOPICS = ['parking', 'breakfast', 'pool', 'wifi', 'check-in', 'check-out', 'airport transfer', 'pets', 'smoking', 'cancellation', 'laundry', 'gym', 'spa', 'room service', 'deposit', 'children', 'luggage', 'rates', 'suite', 'restaurant'];
const WORDS = 'guests level floor open daily from until free charge price per night hour minutes walk car taxi view sea city garden lobby front desk reception card cash request available please book ahead staff towel kettle safe shower bed king queen twin family loft veranda terrace rooftop basement ferry station bus train street market temple beach hill tea'.split(' ');

/** A chunk-sized paragraph about one topic, with a realistic spread of rare and common words. */
function paragraph(next: () => number, i: number): { title: string; content: string } {
  const topic = TOPICS[Math.floor(next() * TOPICS.length)]!;
  const words: string[] = [];
  const n = 45 + Math.floor(next() * 30);
  for (let w = 0; w < n; w++) {
    const r = next();
    words.push(r < 0.15 ? topic.split(' ')[0]! : r < 0.85 ? WORDS[Math.floor(next() * WORDS.length)]! : `term${Math.floor(next() * 20000)}`);
  }
  const sentences: string[] = [];
  for (let w = 0; w < words.length; w += 12) sentences.push(words.slice(w, w + 12).join(' ').replace(/^./, (c) => c.toUpperCase()) + '.');
  return { title: `${topic} note ${i}`, content: sentences.join(' ') };
}

function percentile(sorted: number[], p: number): number {
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]! * 100) / 100;
}

/** Embeds queries once, before timing, so hybrid latency measures retrieval alone. */
class CachedQueries implements Embedder {
  readonly name: string;
  private readonly cache = new Map<string, Float32Array>();
  constructor(private readonly inner: HashEmbedder) {
    this.name = inner.name;
  }
  dimension() {
    return this.inner.dimension();
  }
  async embed(texts: string[], kind: EmbedKind): Promise<Float32Array[]> {
    if (kind === 'passage') return this.inner.embed(texts, kind);
    return texts.map((t) => {
      let v = this.cache.get(t);
      if (!v) this.cache.set(t, (v = this.inner.vector(t)));
      return v;
    });
  }
  async close() {}
}

export async function run() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nocturn-bench-kb-'));
  const log = createLogger({ level: 'silent' });
  const core = openCore({ config: loadConfig({ NOCTURN_ENV: 'test', NOCTURN_DATA_DIR: dir, NOCTURN_EMBEDDER: 'none', NOCTURN_DB_SYNCHRONOUS: 'NORMAL', NOCTURN_LOG_LEVEL: 'silent' }), log });
  try {
    core.properties.create({ name: 'Bench Hotel', slug: 'bench', timezone: 'UTC' });
    const lexical = new KnowledgeService(core.properties, new EmbedderHandle(undefined), core.clock, log, { minSimilarity: 0.7, minLexicalScore: 0.4 });
    const embedder = new HashEmbedder(DIM, 'fixture:hash-384');
    const hybrid = new KnowledgeService(core.properties, new EmbedderHandle(new CachedQueries(embedder)), core.clock, log, { minSimilarity: 0.7, minLexicalScore: 0.4, batchSize: 256 });
    const next = rng(42);
    const queries = [...QUESTIONS.map((q) => q.q), ...TOPICS.map((t) => `what about the ${t}?`)];

    let chunks = 0;
    let importSeconds = 0;
    let embedSeconds = 0;
    const sizes: Record<string, unknown> = {};
    for (const target of SIZES) {
      // Ingest: JSON Q&A imports of 2,000 items (one chunk each), as staff would upload them.
      let t0 = process.hrtime.bigint();
      while (chunks < target) {
        const batch = Array.from({ length: Math.min(2000, target - chunks) }, (_, i) => paragraph(next, chunks + i));
        const body = Buffer.from(JSON.stringify(batch.map((b) => ({ question: b.title, answer: b.content, category: 'faqs' }))));
        const r = await lexical.import('bench', { bytes: body, contentType: 'application/json', query: { filename: 'bench.json' } });
        chunks += r.created;
      }
      importSeconds += Number(process.hrtime.bigint() - t0) / 1e9;

      // Vectors: the background job with the fixture embedder.
      t0 = process.hrtime.bigint();
      hybrid.start();
      await hybrid.whenIdle('bench');
      embedSeconds += Number(process.hrtime.bigint() - t0) / 1e9;
      const status = await hybrid.status('bench');
      if (status.embedded !== status.chunks || status.chunks !== chunks) throw new Error(`index incomplete: ${JSON.stringify(status)}`);

      const latency = async (svc: KnowledgeService) => {
        for (const q of queries.slice(0, 10)) await svc.search('bench', { query: q, k: 5 });
        const times: number[] = [];
        for (let i = 0; i < SEARCHES; i++) {
          const q = queries[i % queries.length]!;
          const t = process.hrtime.bigint();
          await svc.search('bench', { query: q, k: 5 });
          times.push(Number(process.hrtime.bigint() - t) / 1e6);
        }
        times.sort((a, b) => a - b);
        return { p50Ms: percentile(times, 50), p95Ms: percentile(times, 95), maxMs: percentile(times, 100) };
      };
      // Warm the query cache outside the timed loop.
      for (const q of queries) await new CachedQueries(embedder).embed([q], 'query');
      sizes[`${target}`] = { chunks, lexical: await latency(lexical), hybrid: await latency(hybrid) };
    }
    await lexical.close();
    await hybrid.close();
    return {
      benchmark: 'retrieval',
      ingest: {
        chunks,
        lexicalChunksPerSecond: Math.round(chunks / importSeconds),
        fixtureEmbedderChunksPerSecond: Math.round(chunks / embedSeconds),
        endToEndChunksPerSecond: Math.round(chunks / (importSeconds + embedSeconds)),
        note: 'lexical = JSON Q&A import -> chunking -> FTS5 (synchronous=NORMAL); embedder = background job, feature-hashing fixture embedder (384 dimensions) -> sqlite-vec vec0',
      },
      searchLatency: sizes,
      searchesPerSize: SEARCHES,
      note: 'one hotel; k = 5; hybrid = BM25 candidates + vec0 brute-force KNN (cosine) fused by RRF, query embedding excluded (precomputed)',
      machine: { cpus: os.cpus().length, platform: process.platform, node: process.version },
    };
  } finally {
    await core.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
