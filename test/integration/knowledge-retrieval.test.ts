import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionOf } from '../../server/db/handle.js';
import { ASIDE, DEV, type DevQuestion } from '../fixtures/knowledge/dev-questions.js';
import { BORDERLINE, HARBOUR, HELD_OUT, HILL, OFF_TOPIC, QUESTIONS, type FixtureQuestion, type Lang } from '../fixtures/knowledge/hotels.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Retrieval quality (C2) on a realistic two-hotel knowledge base, lexical only (no embedding model
 * is available here): ranking (recall@1, recall@3) and calibration (unrelated items score low) on
 * guest messages written the way guests write; the hotel's own synonyms and learned questions;
 * and isolation (A3): a search on one hotel never returns the other's items.
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
  return (await res.json()) as { results: { itemId: string; title: string; score: number; matched: string[] }[]; mode: string };
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

  it("does not let the names in a guest's story drown the question", async () => {
    // The same words, once written as names (capitalised inside a sentence) and once not: names the
    // hotel never mentions are the guest's story, not the topic, so the pet item scores higher.
    const story = (n: (w: string) => string) =>
      `Evening! My partner ${n('Rafael')} and I are coming from ${n('Ipoh')} with our dog ${n('Noodle')}. Could he sleep in the room with us? Best, ${n('Ines')}`;
    const named = await search(HARBOUR.slug, story((w) => w));
    const plain = await search(HARBOUR.slug, story((w) => w.toLowerCase()));
    expect(named.results[0]?.title).toBe('Pets');
    expect(plain.results[0]?.title).toBe('Pets');
    expect(named.results[0]!.score).toBeGreaterThan(plain.results[0]!.score + 0.03);
    // A name that is the whole question, about something the hotel does not have, still scores low.
    const { results } = await search(HARBOUR.slug, 'Do you sell tickets for Legoland?');
    for (const r of results) expect(r.score, r.title).toBeLessThan(0.4);
  });

  it('puts the item that says the asked things together above one that mentions them apart', async () => {
    s.core.properties.create({ name: 'Quay Rooms', slug: 'quay-rooms', timezone: 'Asia/Kuala_Lumpur' });
    const items = [
      { category: 'facilities', title: 'Level 12', content: 'Live jazz plays on the terrace every Friday from 8 pm. The lobby has a grand piano.' },
      { category: 'facilities', title: 'Level 3', content: 'A jazz record shop is across the road from the lobby. Our terrace is closed for repairs until March.' },
    ];
    expect((await s.admin.put('/api/v1/properties/quay-rooms/knowledge-base', { items })).status).toBe(200);
    const { results } = await search('quay-rooms', 'any jazz on the terrace?');
    expect(results.map((r) => r.title)).toEqual(['Level 12', 'Level 3']);
    expect(results[0]!.score).toBeGreaterThan(results[1]!.score + 0.05);
  });

  it('says which of the question\'s concepts each item holds', async () => {
    const { results } = await search(HARBOUR.slug, 'is valet parking free for hotel guests?', 5);
    const parking = results.find((r) => r.title === 'Parking');
    expect(parking?.matched).toEqual(expect.arrayContaining(['parking', 'free']));
    for (const r of results) expect(r.matched.length, r.title).toBeGreaterThan(0);
  });

  it('scores an item low when it never mentions the thing the guest asks the hotel to have', async () => {
    // Both questions share "rooftop" and "pool" with the pool item; only one asks for something it has.
    const pool = async (q: string) => (await search(HARBOUR.slug, q, 5)).results.find((r) => r.title === 'Rooftop swimming pool')?.score ?? 0;
    const has = await pool('Is there a rooftop pool with towels?');
    const lacks = await pool('Is there a sauna near the rooftop pool?');
    expect(has).toBeGreaterThan(0.5);
    expect(lacks).toBeLessThan(0.3);
  });

  it('finds an item by what a word the hotel never uses means, in English or Chinese', async () => {
    // WordNet: a dachshund is a hunting dog, so a dog; the Pets item says "Guide dogs".
    const dog = await search(HARBOUR.slug, 'Can we bring our dachshund?');
    expect(dog.results[0]?.title).toBe('Pets');
    expect(dog.results[0]?.matched).toContain('dachshund');
    // CC-CEDICT: 外套 is a coat or a jacket, which the weather item tells guests to bring.
    const jacket = await search(HILL.slug, '要带外套吗？');
    expect(jacket.results[0]?.title).toBe('Weather and what to pack');
    // 旅店 is an inn, a small hotel: what every item is about, so a common word here, not a topic the hotel lacks.
    const inn = await search(HARBOUR.slug, '旅店有停车场吗？');
    expect(inn.results[0]?.title).toBe('Parking');
    expect(inn.results[0]?.score).toBeGreaterThan(0.5);
    // A broader class does not show the hotel has the thing asked for: a sauna is a kind of room.
    const sauna = await search(HARBOUR.slug, 'Is there a sauna?', 5);
    for (const r of sauna.results) expect(r.score, r.title).toBeLessThan(0.3);
  });

  it('scores every item low for questions the knowledge base does not answer', async () => {
    for (const q of [...OFF_TOPIC, ...BORDERLINE]) {
      for (const h of [HARBOUR, HILL]) {
        const { results } = await search(h.slug, q);
        for (const r of results) expect(r.score, `${h.slug}: "${q}" -> ${r.title}`).toBeLessThan(0.4);
      }
    }
  });
});

/** recall@1 / recall@3 by kind of message, and the best score of messages no item answers. */
async function evaluateDev(questions: DevQuestion[]) {
  const byKind: Record<string, Recall> = {};
  const offTopic: number[] = [];
  const misses: string[] = [];
  for (const q of questions) {
    const { results } = await search(hotels[q.hotel].slug, q.q);
    if (q.expect.length === 0) {
      offTopic.push(results[0]?.score ?? 0);
      continue;
    }
    const at1 = q.expect.includes(results[0]?.title ?? '');
    const at3 = results.some((r) => q.expect.includes(r.title));
    if (!at1) misses.push(`${q.hotel}/${q.kind}: "${q.q}" -> ${results.map((r) => `${r.title} ${r.score}`).join(' | ') || '(nothing)'}`);
    for (const key of [q.kind, 'all']) {
      const r = (byKind[key] ??= { n: 0, at1: 0, at3: 0 });
      r.n++;
      r.at1 += at1 ? 1 : 0;
      r.at3 += at3 ? 1 : 0;
    }
  }
  const figures = Object.fromEntries(Object.entries(byKind).map(([k, r]) => [k, { n: r.n, recallAt1: Number((r.at1 / r.n).toFixed(3)), recallAt3: Number((r.at3 / r.n).toFixed(3)) }]));
  return { figures, offTopicMax: Math.max(0, ...offTopic), misses };
}

describe('ranking and calibration on guest messages (dev set, and the part kept aside)', () => {
  it('ranks the answering item first for most messages and in the top 3 for nearly all', async () => {
    const { figures, offTopicMax, misses } = await evaluateDev(DEV);
    console.log(`knowledge retrieval (lexical), dev set: ${JSON.stringify(figures)}; off-topic top score ${offTopicMax}`);
    if (misses.length) console.log(`dev misses at 1:\n  ${misses.join('\n  ')}`);
    expect(DEV.length).toBeGreaterThanOrEqual(90);
    expect(figures.all!.recallAt1).toBeGreaterThanOrEqual(0.85);
    expect(figures.all!.recallAt3).toBeGreaterThanOrEqual(0.93);
    for (const kind of ['chatty', 'typo', 'ms', 'mixed', 'zh', 'multi']) expect(figures[kind]!.recallAt3, kind).toBeGreaterThanOrEqual(0.85);
    expect(offTopicMax).toBeLessThan(0.4);
  });

  it('keeps its ranking on the messages never used for fitting', async () => {
    const { figures, offTopicMax, misses } = await evaluateDev(ASIDE);
    console.log(`knowledge retrieval (lexical), aside set: ${JSON.stringify(figures)}; off-topic top score ${offTopicMax}`);
    if (misses.length) console.log(`aside misses at 1:\n  ${misses.join('\n  ')}`);
    expect(figures.all!.recallAt1).toBeGreaterThanOrEqual(0.8);
    expect(figures.all!.recallAt3).toBeGreaterThanOrEqual(0.9);
    expect(offTopicMax).toBeLessThan(0.4);
  });

  it('puts the item that answers above items that merely share a word, with a score that says so', async () => {
    const checkIn = (await search(HARBOUR.slug, 'What time is check-in?')).results;
    expect(checkIn[0]!.title).toBe('Check-in and check-out times');
    expect(checkIn[0]!.score).toBeGreaterThanOrEqual(0.8);
    const cancellation = checkIn.find((r) => r.title === 'Cancellation policy');
    if (cancellation) expect(cancellation.score).toBeLessThan(0.3);
    const park = (await search(HARBOUR.slug, 'where can I park?')).results;
    expect(park[0]!.title).toBe('Parking');
    expect(park[0]!.score).toBeGreaterThanOrEqual(0.8);
    for (const r of park.slice(1)) expect(r.score, r.title).toBeLessThan(0.3);
    // Scores come back in rank order.
    for (const list of [checkIn, park]) expect(list.map((r) => r.score)).toEqual([...list.map((r) => r.score)].sort((a, b) => b - a));
  });

  it('finds the item for chatty, misspelt, Malay and Chinese messages', async () => {
    const cases: [string, string, string][] = [
      [HARBOUR.slug, 'Hi there! We land around 10am and were hoping we could get into the room a bit earlier than usual, is that something you can do? Thanks so much', 'Check-in and check-out times'],
      [HARBOUR.slug, 'whats the wifi pasword', 'Wi-Fi and internet'],
      [HILL.slug, 'how much is parkng per nite', 'Parking'],
      [HARBOUR.slug, 'Bolehkah saya membatalkan tempahan?', 'Cancellation policy'],
      [HARBOUR.slug, '你好，请问泳池几点开放？', 'Rooftop swimming pool'],
    ];
    for (const [slug, q, title] of cases) expect((await search(slug, q)).results.map((r) => r.title), q).toContain(title);
  });

  it("keeps a chatty message's topic ahead of its asides, which the hotel never mentions", async () => {
    const { results } = await search(HARBOUR.slug, 'Hello! My partner and I travel with our old beagle Biscuit, he sleeps all day and never barks. Would a dog be allowed?');
    expect(results[0]!.title).toBe('Pets');
    // The same question about something the hotel lacks scores lower: the asides did not decide.
    const missing = await search(HARBOUR.slug, 'Hello! Would a helipad be available for us?');
    expect(results[0]!.score).toBeGreaterThan(missing.results[0]?.score ?? 0);
  });

  it('weighs a word no dictionary knows less than a real word the hotel lacks, and a product name as a real word', async () => {
    const top = async (q: string) => (await search(HARBOUR.slug, q)).results[0]!;
    const plain = await top('wifi password?');
    // A chat form or a typo past repair says little; a real thing the hotel never mentions says it lacks it.
    const chat = await top('wifi password wotz?');
    const lacking = await top('wifi password sauna?');
    const product = await top('wifi password qBlox?');
    for (const r of [chat, lacking, product]) expect(r.title).toBe(plain.title);
    expect(chat.score).toBeGreaterThan(lacking.score + 0.1);
    expect(product.score).toBeCloseTo(lacking.score, 2);
    expect(plain.score).toBeGreaterThan(chat.score);
  });

  it('returns the top k even when the best match is weak, so a model can judge', async () => {
    const { results } = await search(HILL.slug, 'Hi, is it ok if we come in late, around 11:30pm? The drive is long', 3);
    expect(results).toHaveLength(3);
    expect(results.map((r) => r.title)).toContain('Check-in and check-out times');
    // Nothing searchable at all: no results rather than noise.
    expect((await search(HILL.slug, 'hello, thank you!')).results).toEqual([]);
  });
});

describe("a hotel's own words", () => {
  it('applies the synonyms a manager saves on the knowledge screen; agents may read but not change them', async () => {
    const question = 'how do I get there from the jetty?';
    const before = (await search(HARBOUR.slug, question)).results;
    expect(before[0]?.title).not.toBe('Address and getting here');
    const agent = await s.staff('agent', 'all');
    const manager = await s.staff('manager', 'all');
    const url = `/api/v1/properties/${HARBOUR.slug}/knowledge-base/synonyms`;
    expect((await agent.put(url, { synonyms: [{ words: ['jetty', 'ferry terminal'] }] })).status).toBe(403);
    const bad = await manager.put(url, { synonyms: [{ words: ['jetty'] }] });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    const saved = await manager.put(url, { synonyms: [{ words: ['jetty', 'ferry terminal'] }, { words: ['doggo', 'dog'] }] });
    expect(saved.status).toBe(200);
    const listed = (await (await agent.get(url)).json()) as { synonyms: { words: string[] }[] };
    expect(listed.synonyms.map((x) => x.words)).toEqual([['jetty', 'ferry terminal'], ['doggo', 'dog']]);
    expect((await search(HARBOUR.slug, question)).results[0]!.title).toBe('Address and getting here');
    expect((await search(HARBOUR.slug, 'can bring my doggo?')).results[0]!.title).toBe('Pets');
    // Another hotel is not affected.
    expect((await search(HILL.slug, 'can bring my doggo?')).results[0]?.title).not.toBe('Pets');
    expect((await manager.put(url, { synonyms: [] })).status).toBe(200);
  });

  it('finds an item by the wording of a question staff answered with it, without keeping personal data', async () => {
    const question = 'bushwalking for beginners? mail me at jo@example.com';
    expect((await search(HILL.slug, 'do you know good bushwalking spots?')).results[0]?.title).not.toBe('Things to do nearby');
    const item = [...ids[HILL.slug]!].find(([, title]) => title === 'Things to do nearby')![0];
    s.core.knowledge.learnQuestion(HILL.slug, item, question);
    const found = (await search(HILL.slug, 'do you know good bushwalking spots?')).results;
    expect(found[0]!.title).toBe('Things to do nearby');
    const stored = connectionOf(s.core.properties.scope(HILL.slug)).prepare('select text from knowledge_questions').pluck().all() as string[];
    expect(stored.join(' ')).toContain('bushwalking');
    expect(stored.join(' ')).not.toMatch(/jo@|example/);
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
