import os from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { bindConnection, connectionOf } from '../server/db/handle.js';
import { loadConfig } from '../server/config/config.js';
import { openCore } from '../server/core.js';
import { EmbedderHandle, type EmbedKind, type Embedder } from '../server/features/knowledge/embedder.port.js';
import { BINARY_OVERSAMPLE, KnowledgeRepository } from '../server/features/knowledge/knowledge.repository.js';
import { KnowledgeService } from '../server/features/knowledge/knowledge.service.js';
import type { Db } from '../server/db/sqlite.js';
import { createLogger } from '../server/shared/logger.js';
import { HashEmbedder } from '../test/fixtures/knowledge/hash-embedder.js';
import { DEV } from '../test/fixtures/knowledge/dev-questions.js';
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

/** Topics of a hotel knowledge base, each with the words its paragraphs use. */
const TOPICS: Record<string, string[]> = {
  parking: ['parking', 'car', 'park', 'valet', 'basement', 'height', 'limit', 'charging'],
  breakfast: ['breakfast', 'buffet', 'served', 'cafe', 'halal', 'vegetarian', 'eggs', 'coffee'],
  pool: ['pool', 'swimming', 'towels', 'lifeguard', 'rooftop', 'children', 'open', 'deck'],
  wifi: ['wifi', 'internet', 'network', 'password', 'speed', 'video', 'calls', 'connect'],
  checkin: ['check', 'arrival', 'passport', 'early', 'late', 'noon', 'key', 'reception'],
  airport: ['airport', 'transfer', 'taxi', 'grab', 'flight', 'pickup', 'driver', 'book'],
  pets: ['pets', 'dogs', 'cats', 'guide', 'fee', 'chalet', 'allowed', 'leash'],
  smoking: ['smoking', 'terrace', 'vaping', 'cleaning', 'fee', 'balcony', 'designated', 'area'],
  cancellation: ['cancel', 'cancellation', 'refund', 'arrival', 'night', 'charged', 'flexible', 'rate'],
  laundry: ['laundry', 'washing', 'dry', 'cleaning', 'ironing', 'bag', 'same', 'day'],
  gym: ['gym', 'fitness', 'treadmill', 'weights', 'yoga', 'hours', 'trainer', 'towels'],
  spa: ['spa', 'massage', 'sauna', 'treatment', 'therapist', 'booking', 'oils', 'relax'],
  dining: ['restaurant', 'dinner', 'lunch', 'menu', 'bar', 'room', 'service', 'wine'],
  rooms: ['room', 'suite', 'king', 'twin', 'view', 'shower', 'minibar', 'kettle'],
  rates: ['rate', 'price', 'night', 'weekend', 'tax', 'deposit', 'ringgit', 'package'],
  directions: ['address', 'street', 'ferry', 'station', 'walk', 'minutes', 'bus', 'train'],
};
const TOPIC_NAMES = Object.keys(TOPICS);
const FUNCTION_WORDS = 'the a an and or to of in on at for from by with our your you we is are be can will please this that it as all each any per until'.split(' ');
const GENERAL = 'guests hotel staff front desk lobby level floor daily free charge request available ahead card cash family adults garden city sea local time morning evening week stay'.split(' ');

/** A chunk-sized paragraph about one or two topics: mostly function words, some topic words, a few rare ones. */
function paragraph(next: () => number, i: number): { title: string; content: string } {
  const pick = <T>(xs: T[]) => xs[Math.floor(next() * xs.length)]!;
  const topics = [pick(TOPIC_NAMES), ...(next() < 0.3 ? [pick(TOPIC_NAMES)] : [])];
  const words: string[] = [];
  const n = 45 + Math.floor(next() * 30);
  for (let w = 0; w < n; w++) {
    const r = next();
    words.push(r < 0.45 ? pick(FUNCTION_WORDS) : r < 0.8 ? pick(TOPICS[pick(topics)]!) : r < 0.93 ? pick(GENERAL) : `term${Math.floor(next() * 50_000)}`);
  }
  const sentences: string[] = [];
  for (let w = 0; w < words.length; w += 12) sentences.push(words.slice(w, w + 12).join(' ').replace(/^./, (c) => c.toUpperCase()) + '.');
  return { title: `${topics[0]} note ${i}`, content: sentences.join(' ') };
}

/**
 * The vector half against brute force over every stored float32 vector, for the 10 neighbours a
 * k = 5 search fuses: `recallAt10` = share of the exact top 10 found; `similarityAt10` = the found
 * ten's summed similarity over the exact ten's (1 = as good as exact; near-ties, of which this
 * repetitive corpus has many, lower recall but not this). Averaged over the queries.
 */
function vectorQuality(db: Db, embedder: HashEmbedder, queries: string[]): { recallAt10: number; similarityAt10: number } {
  const all = (db.prepare('select chunk_id as id, embedding from knowledge_vectors').all() as { id: number; embedding: Buffer }[]).map((r) => ({
    id: r.id,
    v: new Float32Array(r.embedding.buffer.slice(r.embedding.byteOffset, r.embedding.byteOffset + r.embedding.byteLength)),
  }));
  const repo = new KnowledgeRepository(bindConnection({}, db));
  const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
  let found = 0;
  let ratio = 0;
  for (const q of queries) {
    const qv = embedder.vector(q);
    const exact = all.map((r) => ({ id: r.id, s: dot(qv, r.v) })).sort((a, b) => b.s - a.s).slice(0, 10);
    const ids = new Set(exact.map((r) => r.id));
    const approx = repo.nearest(qv, 10);
    found += approx.filter((r) => ids.has(r.chunkId)).length;
    ratio += approx.reduce((sum, r) => sum + r.similarity, 0) / exact.reduce((sum, r) => sum + r.s, 0);
  }
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { recallAt10: round(found / (queries.length * 10)), similarityAt10: round(ratio / queries.length) };
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
    const lexical = new KnowledgeService(core.properties, new EmbedderHandle(undefined), core.clock, log, { minSimilarity: 0.7 });
    const embedder = new HashEmbedder(DIM, 'fixture:hash-384');
    const hybrid = new KnowledgeService(core.properties, new EmbedderHandle(new CachedQueries(embedder)), core.clock, log, { minSimilarity: 0.7, batchSize: 256 });
    const next = rng(42);
    // Short questions and the chatty, misspelt, Malay and Chinese messages of the dev set, interleaved.
    const queries = QUESTIONS.flatMap((q, i) => [q.q, DEV[i % DEV.length]!.q]);

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
        const cpu: number[] = [];
        for (let i = 0; i < SEARCHES; i++) {
          const q = queries[i % queries.length]!;
          const c = process.cpuUsage();
          const t = process.hrtime.bigint();
          await svc.search('bench', { query: q, k: 5 });
          times.push(Number(process.hrtime.bigint() - t) / 1e6);
          const used = process.cpuUsage(c);
          cpu.push((used.user + used.system) / 1000);
        }
        times.sort((a, b) => a - b);
        cpu.sort((a, b) => a - b);
        return { p50Ms: percentile(times, 50), p95Ms: percentile(times, 95), maxMs: percentile(times, 100), cpuP50Ms: percentile(cpu, 50), cpuP95Ms: percentile(cpu, 95) };
      };
      // Warm the query cache outside the timed loop.
      for (const q of queries) await new CachedQueries(embedder).embed([q], 'query');
      sizes[`${target}`] = { chunks, lexical: await latency(lexical), hybrid: await latency(hybrid), vector: vectorQuality(connectionOf(core.properties.scope('bench')), embedder, queries.slice(0, 30)) };
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
      loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
      vectorSearch: `vec0 bit KNN (Hamming) over 3-bit thermometer codes of the vectors, ${BINARY_OVERSAMPLE * 10} candidates for the 10 that k = 5 fuses, re-scored with their float32 vectors; vector.recallAt10 / similarityAt10 compare those 10 with brute force over the float32 vectors`,
      note: 'wall-clock p50/p95 per search, and the CPU time of the same searches (the machine is shared; CPU time is what contention does not inflate); one hotel; k = 5; hybrid = BM25 candidates + vec0 KNN fused by RRF, query embedding excluded (precomputed)',
      machine: { cpus: os.cpus().length, platform: process.platform, node: process.version },
    };
  } finally {
    await core.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
