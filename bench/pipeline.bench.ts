import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectionOf } from '../server/db/handle.js';
import { loadConfig } from '../server/config/config.js';
import { openCore } from '../server/core.js';
import type { LlmRouter } from '../server/features/llm/llm.router.js';
import { KnowledgeRetriever } from '../server/features/pipeline/knowledge.retriever.js';
import { PipelineService } from '../server/features/pipeline/pipeline.service.js';
import { createLogger } from '../server/shared/logger.js';
import { HARBOUR, QUESTIONS } from '../test/fixtures/knowledge/hotels.js';

/**
 * Pipeline overhead per message without model time: a hotel with ~10k knowledge chunks, an
 * instant in-process stand-in model, and every other step real (SQLite files, encryption,
 * retrieval, lead extraction, outbox). Prints p50/p95 per message and messages per second.
 */
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 600);
const FILLER_ITEMS = Number(process.env.BENCH_ITEMS ?? 4950);

function percentile(sorted: number[], p: number): number {
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! * 100) / 100;
}

export async function run() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nocturn-bench-pipeline-'));
  const config = loadConfig({ NOCTURN_ENV: 'test', NOCTURN_DATA_DIR: dir, NOCTURN_DB_SYNCHRONOUS: 'FULL', NOCTURN_CLOUD_PROVIDER: 'none' });
  const log = createLogger({ level: 'silent' });
  const core = openCore({ config, log });
  try {
    core.properties.create({ name: HARBOUR.name, slug: HARBOUR.slug, timezone: HARBOUR.timezone });
    const filler = Array.from({ length: FILLER_ITEMS }, (_, i) => ({
      category: 'faqs',
      title: `Guest note ${i}`,
      content: `Note ${i}. ${'Guests often ask about the neighbourhood, the lobby, the lifts and the quiet floors. '.repeat(4)}\n\nSection two of note ${i}: ${'Rooms on high floors have views of the harbour and the old town. '.repeat(4)}\n\nSection three: ${'Our concierge can recommend restaurants and book tours for you. '.repeat(4)}\n\nSection four: ${'Daily housekeeping is included; eco options are available. '.repeat(4)}`,
      metadata: {},
    }));
    const started = performance.now();
    core.knowledge.replaceAll(HARBOUR.slug, { items: [...HARBOUR.items.map((i) => ({ ...i, metadata: {} })), ...filler] });
    await core.knowledge.whenIdle(core.properties.get(HARBOUR.slug).id);
    const ingestMs = performance.now() - started;
    const scope = core.properties.scope(HARBOUR.slug);
    const chunks = (connectionOf(scope).prepare('select count(*) as n from knowledge_chunks').get() as { n: number } | undefined)?.n ?? null;

    // An instant model: cites the first knowledge item offered, confident.
    let modelMs = 0;
    const instant: Pick<LlmRouter, 'generate'> = {
      generate: async (req) => {
        const t = performance.now();
        const id = /<item id="([^"]+)"/.exec(req.system)?.[1] ?? 'none';
        const text = JSON.stringify({ reply: 'Here is what we have on that.', confidence: 0.9, intent: 'other', handoff: false, handoffReason: null, citedItemIds: [id], lead: { name: null, checkIn: null, checkOut: null, guests: null, roomType: null, intentDetails: null } });
        modelMs += performance.now() - t;
        return { text, provider: 'ollama', model: 'instant', inputTokens: 0, outputTokens: 0, latencyMs: 0, costUsd: 0, route: 'local', attempts: [] };
      },
    };
    const pipeline = new PipelineService({ ai: core.ai, retriever: new KnowledgeRetriever(core.knowledge), router: instant, ledger: core.ledger, clock: core.clock, log });
    const questions = QUESTIONS.filter((q) => q.hotel === 'harbour').map((q) => q.q);
    const times: number[] = [];
    const decisions: Record<string, number> = {};
    const loopStart = performance.now();
    for (let i = 0; i < MESSAGES; i++) {
      const before = modelMs;
      const t = performance.now();
      const out = await pipeline.handle(scope, {
        channel: 'test',
        threadKey: `bench-${i}`,
        externalId: `bench-${i}`,
        text: questions[i % questions.length]!,
        from: { name: `Guest ${i}`, phone: `+6012${String(1_000_000 + i)}` },
        receivedAt: new Date(),
      });
      times.push(performance.now() - t - (modelMs - before));
      decisions[out.decision] = (decisions[out.decision] ?? 0) + 1;
    }
    const totalSeconds = (performance.now() - loopStart) / 1000;
    times.sort((a, b) => a - b);
    return {
      benchmark: 'pipeline',
      knowledge: { items: HARBOUR.items.length + FILLER_ITEMS, chunks, ingestMs: Math.round(ingestMs) },
      messages: MESSAGES,
      overheadMsExcludingModel: { p50: percentile(times, 0.5), p95: percentile(times, 0.95), max: percentile(times, 1) },
      messagesPerSecond: Math.round(MESSAGES / totalSeconds),
      decisions,
      target: { p95Ms: 50 },
      note: 'every step real except the model: guest and conversation upsert, encryption, guards, hybrid-capable retrieval (lexical here), lead extraction, outbox enqueue, events',
      machine: { cpus: os.cpus().length, loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100), node: process.version },
    };
  } finally {
    await core.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
