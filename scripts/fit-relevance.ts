/**
 * Fits the relevance model (server/features/knowledge/relevance.ts) on the labelled DEV questions
 * (test/fixtures/knowledge/dev-questions.ts) and reports recall and calibration on DEV and ASIDE,
 * as JSON. ASIDE is never fitted on.
 *
 *   npx tsx scripts/fit-relevance.ts            # fit, print coefficients and figures
 *   npx tsx scripts/fit-relevance.ts --eval DIR # also measure (never fit) on an evaluation set:
 *                                               # DIR/hotels.json and DIR/tune.jsonl, figures only
 *
 * Paste the printed `model` into RELEVANCE_MODEL; the figures printed under `current` are those
 * of the coefficients already there.
 */
import os from 'node:os';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../server/config/config.js';
import { openCore } from '../server/core.js';
import { EmbedderHandle } from '../server/features/knowledge/embedder.port.js';
import { KnowledgeService } from '../server/features/knowledge/knowledge.service.js';
import { FEATURE_NAMES, relevance, RELEVANCE_MODEL, type RelevanceFeatures, type RelevanceModel } from '../server/features/knowledge/relevance.js';
import { createLogger } from '../server/shared/logger.js';
import { ASIDE, DEV, type DevQuestion } from '../test/fixtures/knowledge/dev-questions.js';
import { HashEmbedder } from '../test/fixtures/knowledge/hash-embedder.js';
import { HARBOUR, HILL } from '../test/fixtures/knowledge/hotels.js';

type Mode = 'lexical' | 'hybrid';
interface Example {
  question: DevQuestion;
  items: { title: string; features: RelevanceFeatures }[];
}

const K = 10;

async function collect(svc: KnowledgeService, questions: DevQuestion[]): Promise<Example[]> {
  const out: Example[] = [];
  for (const q of questions) {
    const slug = q.hotel === 'harbour' ? HARBOUR.slug : q.hotel === 'hill' ? HILL.slug : q.hotel;
    const { items } = await svc.explain(slug, { query: q.q, k: K });
    out.push({ question: q, items: items.map((i) => ({ title: i.title, features: i.features })) });
  }
  return out;
}

/** L2-regularised logistic regression by batch gradient descent over the candidates' features. */
/**
 * Features whose weight is a prior, kept as it is in RELEVANCE_MODEL and held fixed while the others
 * are fitted: the DEV questions hold too few examples of them (see relevance.ts).
 */
const PRIORS: (keyof RelevanceFeatures)[] = ['focusMissing'];

function fit(examples: Example[], names: (keyof RelevanceFeatures)[], fixed: RelevanceModel): RelevanceModel {
  const offset = (f: RelevanceFeatures) => PRIORS.reduce((s, n) => s + fixed[n] * f[n], 0);
  const rows = examples.flatMap((e) => e.items.map((i) => ({ x: names.map((n) => i.features[n]), offset: offset(i.features), y: e.question.expect.includes(i.title) ? 1 : 0 })));
  const w = new Array<number>(names.length + 1).fill(0);
  const lambda = 0.01;
  for (let step = 0; step < 20_000; step++) {
    const grad = new Array<number>(w.length).fill(0);
    for (const r of rows) {
      const z = w[0]! + r.offset + r.x.reduce((s, x, j) => s + x * w[j + 1]!, 0);
      const err = 1 / (1 + Math.exp(-z)) - r.y;
      grad[0]! += err;
      r.x.forEach((x, j) => (grad[j + 1]! += err * x));
    }
    for (let j = 0; j < w.length; j++) w[j]! -= (0.5 * (grad[j]! / rows.length + (j > 0 ? lambda * w[j]! : 0)));
  }
  const model = { intercept: round(w[0]!) } as RelevanceModel;
  for (const n of FEATURE_NAMES) model[n] = PRIORS.includes(n) ? fixed[n] : 0;
  names.forEach((n, j) => (model[n] = round(w[j + 1]!)));
  return model;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function figures(examples: Example[], model: RelevanceModel) {
  const byKind: Record<string, { n: number; at1: number; at3: number }> = {};
  const off: number[] = [];
  const scored: { p: number; y: number }[] = [];
  const misses: string[] = [];
  let empty = 0;
  for (const e of examples) {
    if (e.question.expect.length > 0 && e.items.length === 0) empty++;
    const ranked = e.items.map((i) => ({ title: i.title, p: relevance(i.features, model) })).sort((a, b) => b.p - a.p);
    for (const r of ranked.slice(0, 3)) scored.push({ p: r.p, y: e.question.expect.includes(r.title) ? 1 : 0 });
    if (e.question.expect.length === 0) {
      off.push(ranked[0]?.p ?? 0);
      continue;
    }
    const at1 = e.question.expect.includes(ranked[0]?.title ?? '');
    const at3 = ranked.slice(0, 3).some((r) => e.question.expect.includes(r.title));
    if (!at1) misses.push(`${e.question.hotel}: ${e.question.q} -> ${ranked.slice(0, 3).map((r) => `${r.title} ${r.p.toFixed(2)}`).join(' | ') || '(nothing)'}`);
    for (const key of [e.question.kind, 'all']) {
      const f = (byKind[key] ??= { n: 0, at1: 0, at3: 0 });
      f.n++;
      f.at1 += at1 ? 1 : 0;
      f.at3 += at3 ? 1 : 0;
    }
  }
  const recall = Object.fromEntries(Object.entries(byKind).map(([k, f]) => [k, { n: f.n, recallAt1: round3(f.at1 / f.n), recallAt3: round3(f.at3 / f.n) }]));
  // Reliability of the top-3 scores: the share of items in each score band that answer the question.
  const bands = [0, 0.3, 0.5, 0.8, 1.01];
  const calibration = bands.slice(0, -1).map((lo, i) => {
    const inBand = scored.filter((s) => s.p >= lo && s.p < bands[i + 1]!);
    return { band: `${lo}-${Math.min(1, bands[i + 1]!)}`, items: inBand.length, answering: inBand.length ? round3(inBand.reduce((s, x) => s + x.y, 0) / inBand.length) : null };
  });
  return { recall, answerableWithNoResult: empty, calibration, offTopicTopScoreMax: round3(Math.max(0, ...off)), misses };
}

function withoutMisses<T extends { misses: string[] }>(f: T): Omit<T, 'misses'> & { misses: number } {
  return { ...f, misses: f.misses.length };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

interface EvalSet {
  hotels: { slug: string; name: string; timezone: string; items: { category: string; title: string; content: string }[] }[];
  questions: DevQuestion[];
}

/** An evaluation set in the wt-eval format: messages whose expected items are known, by kind. */
function readEval(dir: string): EvalSet {
  const hotels = (JSON.parse(readFileSync(path.join(dir, 'hotels.json'), 'utf8')) as { hotels: EvalSet['hotels'] }).hotels;
  const questions = readFileSync(path.join(dir, 'tune.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { hotel: string; kind: string; text: string; expect: { items?: string[]; decision?: string } })
    .filter((r) => (r.expect.items?.length ?? 0) > 0 || r.kind === 'out_of_kb' || r.kind === 'other_hotel')
    .map((r) => ({ hotel: r.hotel, kind: r.kind, q: r.text, expect: r.expect.items ?? [] }) as unknown as DevQuestion);
  return { hotels, questions };
}

async function main() {
  const args = process.argv.slice(2);
  const evalDir = args.includes('--eval') ? args[args.indexOf('--eval') + 1] : undefined;
  const evalSet = evalDir ? readEval(evalDir) : undefined;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nocturn-fit-'));
  const log = createLogger({ level: 'silent' });
  const core = openCore({ config: loadConfig({ NOCTURN_ENV: 'test', NOCTURN_DATA_DIR: dir, NOCTURN_EMBEDDER: 'none', NOCTURN_LOG_LEVEL: 'silent' }), log });
  try {
    const all = [HARBOUR, HILL, ...(evalSet?.hotels ?? [])];
    for (const h of all) core.properties.create({ name: h.name, slug: h.slug, timezone: h.timezone });
    const services: Record<Mode, KnowledgeService> = {
      lexical: new KnowledgeService(core.properties, new EmbedderHandle(undefined), core.clock, log, { minSimilarity: 0.7 }),
      hybrid: new KnowledgeService(core.properties, new EmbedderHandle(new HashEmbedder(256)), core.clock, log, { minSimilarity: 0.7 }),
    };
    for (const h of all) services.lexical.replaceAll(h.slug, { items: h.items });
    for (const h of all) await services.hybrid.reindex(h.slug);
    for (const h of all) await services.hybrid.whenIdle(h.slug);
    const report: Record<string, unknown> = {};
    for (const mode of ['lexical', 'hybrid'] as Mode[]) {
      const dev = await collect(services[mode], DEV);
      const aside = await collect(services[mode], ASIDE);
      const names = FEATURE_NAMES.filter((n) => !PRIORS.includes(n) && (mode === 'hybrid' || n !== 'vector'));
      const model = fit(dev, names, RELEVANCE_MODEL[mode]);
      report[mode] = {
        model,
        fitted: { dev: figures(dev, model), aside: figures(aside, model) },
        current: { dev: figures(dev, RELEVANCE_MODEL[mode]), aside: figures(aside, RELEVANCE_MODEL[mode]) },
        // Measured only; its messages are never printed, fitted on or copied.
        ...(evalSet ? { eval: withoutMisses(figures(await collect(services[mode], evalSet.questions), RELEVANCE_MODEL[mode])) } : {}),
      };
    }
    console.log(JSON.stringify(report, null, 2));
    await Promise.all(Object.values(services).map((s) => s.close()));
  } finally {
    core.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
