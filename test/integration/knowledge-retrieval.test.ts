import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BORDERLINE, HARBOUR, HELD_OUT, HILL, OFF_TOPIC, QUESTIONS, type FixtureQuestion, type Lang } from '../fixtures/knowledge/hotels.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Retrieval quality (C2) on a realistic two-hotel knowledge base, lexical only (no embedding model
 * is available here), and isolation (A3): a search on one hotel never returns the other's items.
 */
let s: TestServer;
const ids: Record<string, Map<string, string>> = {};
const hotels = { harbour: HARBOUR, hill: HILL } as const;

beforeAll(async () => {
  s = await startTestServer({ env: { NOCTURN_EMBEDDER: 'none' } });
  for (const h of [HARBOUR, HILL]) {
    s.core.properties.create({ name: h.name, slug: h.slug, timezone: h.timezone });
    const res = await s.admin.put(`/api/v1/properties/${h.slug}/knowledge-base`, { items: h.items });
    expect(res.status).toBe(200);
    const list = (await (await s.admin.get(`/api/v1/properties/${h.slug}/knowledge-base/items`)).json()) as { items: { id: string; title: string }[] };
    ids[h.slug] = new Map(list.items.map((i) => [i.id, i.title]));
  }
});
afterAll(async () => {
  await s.stop();
});

async function search(slug: string, query: string, k = 3) {
  const res = await s.admin.post(`/api/v1/properties/${slug}/knowledge-base/search`, { query, k });
  expect(res.status).toBe(200);
  return (await res.json()) as { results: { itemId: string; title: string; score: number }[]; mode: string };
}

interface Recall {
  n: number;
  at1: number;
  at3: number;
}

async function evaluate(questions: FixtureQuestion[]) {
  const byLang: Partial<Record<Lang | 'all', Recall>> = {};
  const misses: string[] = [];
  for (const q of questions) {
    const { results, mode } = await search(hotels[q.hotel].slug, q.q);
    expect(mode).toBe('lexical');
    const titles = results.map((r) => r.title);
    const at1 = q.expect.includes(titles[0] ?? '');
    const at3 = titles.some((t) => q.expect.includes(t));
    if (!at3) misses.push(`${q.hotel}/${q.lang}: "${q.q}" -> ${titles.join(' | ') || '(nothing)'}`);
    for (const key of [q.lang, 'all'] as const) {
      const r = (byLang[key] ??= { n: 0, at1: 0, at3: 0 });
      r.n++;
      r.at1 += at1 ? 1 : 0;
      r.at3 += at3 ? 1 : 0;
    }
  }
  const figures = Object.fromEntries(
    Object.entries(byLang).map(([k, r]) => [k, { questions: r.n, recallAt1: Number((r.at1 / r.n).toFixed(3)), recallAt3: Number((r.at3 / r.n).toFixed(3)) }]),
  );
  return { figures, misses };
}

describe('lexical retrieval quality', () => {
  it('puts a relevant item in the top 3 for at least 90% of 40+ paraphrased guest questions', async () => {
    expect(QUESTIONS.length).toBeGreaterThanOrEqual(40);
    const { figures, misses } = await evaluate(QUESTIONS);
    console.log(`knowledge retrieval (lexical), tuning set: ${JSON.stringify(figures)}`);
    if (misses.length) console.log(`misses:\n  ${misses.join('\n  ')}`);
    expect(figures.all!.recallAt3).toBeGreaterThanOrEqual(0.9);
  });

  it('reports recall on questions held out from tuning the hotel vocabulary', async () => {
    const { figures, misses } = await evaluate(HELD_OUT);
    console.log(`knowledge retrieval (lexical), held-out set: ${JSON.stringify(figures)}`);
    if (misses.length) console.log(`held-out misses:\n  ${misses.join('\n  ')}`);
    expect(figures.all!.recallAt3).toBeGreaterThanOrEqual(0.75);
  });

  it('answers each hotel with its own fact where the two hotels disagree', async () => {
    const checkIn = 'what time is check-in?';
    expect((await search(HARBOUR.slug, checkIn, 1)).results[0]!.title).toBe('Check-in and check-out times');
    const a = (await s.admin.post(`/api/v1/properties/${HARBOUR.slug}/knowledge-base/search`, { query: checkIn, k: 1 }).then((r) => r.json())) as { results: { snippet: string }[] };
    const b = (await s.admin.post(`/api/v1/properties/${HILL.slug}/knowledge-base/search`, { query: checkIn, k: 1 }).then((r) => r.json())) as { results: { snippet: string }[] };
    expect(a.results[0]!.snippet).toContain('3:00 pm');
    expect(b.results[0]!.snippet).toContain('2:00 pm');
  });

  it('returns nothing for questions the knowledge base does not answer', async () => {
    for (const q of OFF_TOPIC) {
      for (const h of [HARBOUR, HILL]) expect((await search(h.slug, q)).results, `${h.slug}: ${q}`).toEqual([]);
    }
    for (const q of BORDERLINE) {
      for (const h of [HARBOUR, HILL]) console.log(`borderline "${q}" on ${h.slug}: ${JSON.stringify((await search(h.slug, q)).results.map((r) => [r.title, r.score]))}`);
    }
  });
});

describe('tenant isolation of retrieval (A3)', () => {
  it("never returns another hotel's item, whatever the query", async () => {
    const queries = [
      ...QUESTIONS.map((q) => q.q),
      ...HELD_OUT.map((q) => q.q),
      ...[...HARBOUR.items, ...HILL.items].flatMap((i) => [i.title, i.content]),
      'strawberry2024',
      'HarbourView-Guest',
      '* OR "" NEAR(a b) title:parking',
    ];
    for (const h of [HARBOUR, HILL]) {
      const own = ids[h.slug]!;
      for (const q of queries) {
        const { results } = await search(h.slug, q.slice(0, 2000), 20);
        for (const r of results) expect(own.has(r.itemId), `${h.slug} returned ${r.title} for "${q.slice(0, 40)}"`).toBe(true);
      }
    }
    // The other hotel's unique facts are not found at all.
    expect((await search(HARBOUR.slug, 'strawberry2024')).results).toEqual([]);
    expect((await search(HILL.slug, 'HarbourView-Guest')).results).toEqual([]);
  });
});
