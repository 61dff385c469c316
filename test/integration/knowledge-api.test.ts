import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../../server/cli/main.js';
import { startTestServer, tempDir, type TestServer } from '../support/server.js';

let s: TestServer;
const kb = (hotel: string) => `/api/v1/properties/${hotel}/knowledge-base`;

interface Item {
  id: string;
  category: string;
  title: string;
  content: string;
  metadata: Record<string, unknown>;
  active: boolean;
  author: string | null;
  updatedAt: string;
}

beforeAll(async () => {
  s = await startTestServer({ env: { NOCTURN_EMBEDDER: 'none' } });
  s.core.properties.create({ name: 'Harbour View', slug: 'harbour', timezone: 'Asia/Kuala_Lumpur' });
  s.core.properties.create({ name: 'Hill Lodge', slug: 'hill', timezone: 'Asia/Kuala_Lumpur' });
});
afterAll(async () => {
  await s.stop();
});

async function list(hotel: string, query = ''): Promise<Item[]> {
  const res = await s.admin.get(`${kb(hotel)}/items${query}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: Item[] }).items;
}

async function search(hotel: string, query: string, k = 5) {
  const res = await s.admin.post(`${kb(hotel)}/search`, { query, k });
  expect(res.status).toBe(200);
  return (await res.json()) as { results: { itemId: string; title: string; category: string; score: number; snippet: string }[]; mode: string };
}

describe('knowledge items API (C3, F3)', () => {
  it('creates, reads, updates and deactivates items; a deactivated item is never retrieved', async () => {
    const created = await s.admin.post(`${kb('harbour')}/items`, {
      category: 'facilities',
      title: 'Parking',
      content: 'Guests park free in the covered car park on B1. Valet parking costs RM 20 per day.',
      metadata: { floor: 'B1', ev: true },
    });
    expect(created.status).toBe(201);
    const item = (await created.json()) as Item;
    expect(item).toMatchObject({ category: 'facilities', title: 'Parking', active: true, metadata: { floor: 'B1', ev: true }, author: 'Test Admin' });
    expect(created.headers.get('location')).toBe(`/api/v1/properties/harbour/knowledge-base/items/${item.id}`);
    expect(await (await s.admin.get(`${kb('harbour')}/items/${item.id}`)).json()).toEqual(item);

    const found = await search('harbour', 'where can I park my car?');
    expect(found).toEqual({
      mode: 'lexical',
      results: [{ itemId: item.id, title: 'Parking', category: 'facilities', score: expect.any(Number), snippet: expect.stringContaining('park'), matched: ['parking'] }],
    });
    expect(Object.keys(found.results[0]!).sort()).toEqual(['category', 'itemId', 'matched', 'score', 'snippet', 'title']);
    expect(found.results[0]!.score).toBeGreaterThan(0);
    expect(found.results[0]!.score).toBeLessThanOrEqual(1);

    const patched = await s.admin.patch(`${kb('harbour')}/items/${item.id}`, { content: 'Parking costs RM 15 per night on B1 and B2.' });
    expect(patched.status).toBe(200);
    expect((await search('harbour', 'parking price')).results[0]!.snippet).toContain('RM 15');

    const off = await s.admin.post(`${kb('harbour')}/items/${item.id}/deactivate`);
    expect(off.status).toBe(200);
    expect(((await off.json()) as Item).active).toBe(false);
    expect((await search('harbour', 'parking price')).results).toEqual([]);
    expect((await search('harbour', 'Parking costs RM 15 per night on B1 and B2.')).results).toEqual([]);
    expect((await list('harbour')).map((i) => i.title)).not.toContain('Parking');
    expect((await list('harbour', '?active=false')).map((i) => i.title)).toEqual(['Parking']);

    // The title stays reserved until the item is reactivated.
    const again = await s.admin.post(`${kb('harbour')}/items`, { category: 'facilities', title: 'parking', content: 'x' });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { detail: string }).detail).toMatch(/deactivated item.*reactivate/);
    await s.admin.patch(`${kb('harbour')}/items/${item.id}`, { active: true });
    expect((await search('harbour', 'parking price')).results.map((r) => r.itemId)).toEqual([item.id]);
  });

  it('refuses invalid items with the fields named', async () => {
    const res = await s.admin.post(`${kb('harbour')}/items`, { category: 'spa', title: '', content: 'x', extra: 1 });
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((e) => e.path).sort()).toEqual(expect.arrayContaining(['category', 'title']));
    expect((await s.admin.patch(`${kb('harbour')}/items/kn_nope`, { title: 'x' })).status).toBe(404);
    expect((await s.admin.post(`${kb('nowhere')}/items`, { category: 'faqs', title: 'x', content: 'y' })).status).toBe(404);
    expect((await s.admin.post(`${kb('harbour')}/search`, { query: '', k: 5 })).status).toBe(400);
    expect((await s.admin.post(`${kb('harbour')}/search`, { query: 'x', k: 500 })).status).toBe(400);
  });

  it('replaces the whole set: updates by title, creates new titles, deactivates the rest', async () => {
    const first = await s.admin.put(kb('hill'), {
      items: [
        { category: 'policies', title: 'Check-in', content: 'Check-in is from 2 pm.' },
        { category: 'dining', title: 'Breakfast', content: 'Breakfast is served from 7 am to 10 am.' },
        { category: 'policies', title: 'Pets', content: 'Dogs are welcome in the chalets.' },
      ],
    });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ created: 3, updated: 0, unchanged: 0, deactivated: 0 });
    const ids = Object.fromEntries((await list('hill')).map((i) => [i.title, i.id]));

    const second = await s.admin.put(kb('hill'), {
      items: [
        { category: 'policies', title: 'Check-in', content: 'Check-in is from 2 pm.' },
        { category: 'dining', title: 'breakfast', content: 'Breakfast is served from 7:30 am to 10 am.' },
        { category: 'facilities', title: 'Parking', content: 'Parking costs RM 10 per night.' },
      ],
    });
    const summary = (await second.json()) as { created: number; updated: number; unchanged: number; deactivated: number; items: { id: string; title: string; change: string }[] };
    expect(summary).toMatchObject({ created: 1, updated: 1, unchanged: 1, deactivated: 1 });
    const after = await list('hill');
    expect(after.map((i) => i.title).sort()).toEqual(['Check-in', 'Parking', 'breakfast']);
    expect(after.find((i) => i.title === 'breakfast')!.id).toBe(ids.Breakfast);
    expect((await list('hill', '?active=false')).map((i) => i.title)).toEqual(['Pets']);
    expect((await search('hill', 'can I bring my dog?')).results).toEqual([]);
    expect((await search('hill', 'breakfast time')).results[0]!.snippet).toContain('7:30');

    const dup = await s.admin.put(kb('hill'), { items: [{ category: 'faqs', title: 'A', content: 'x' }, { category: 'faqs', title: 'a', content: 'y' }] });
    expect(dup.status).toBe(400);
    expect(((await dup.json()) as { errors: { path: string; message: string }[] }).errors[0]).toMatchObject({ path: 'items.1.title', message: expect.stringMatching(/unique/) });
  });

  it('keeps each hotel to its own items and enforces the knowledge permissions', async () => {
    const harbourIds = new Set((await list('harbour', '?active=all')).map((i) => i.id));
    for (const r of (await search('hill', 'parking breakfast check-in dogs pets')).results) expect(harbourIds.has(r.itemId)).toBe(false);

    const agent = await s.staff('agent');
    expect((await agent.post(`${kb('harbour')}/search`, { query: 'parking', k: 3 })).status).toBe(200);
    expect((await agent.get(`${kb('harbour')}/items`)).status).toBe(200);
    expect((await agent.post(`${kb('harbour')}/items`, { category: 'faqs', title: 'x', content: 'y' })).status).toBe(403);
    expect((await agent.put(kb('harbour'), { items: [] })).status).toBe(403);

    const hillOnly = await s.staff('manager', [s.core.properties.get('hill').id]);
    expect((await hillOnly.post(`${kb('harbour')}/search`, { query: 'parking', k: 3 })).status).toBe(404);
    expect((await hillOnly.get(`${kb('harbour')}/items`)).status).toBe(404);
    expect((await hillOnly.post(`${kb('hill')}/items`, { category: 'faqs', title: 'Lift', content: 'No lift, sorry.' })).status).toBe(201);
  });

  it('reports the index as lexical-only without an embedder, in /ready and in the index status', async () => {
    const status = (await (await s.admin.get(`${kb('harbour')}/index`)).json()) as Record<string, unknown>;
    expect(status).toMatchObject({ mode: 'lexical', embedder: 'none', configuredEmbedder: { name: 'none', state: 'disabled' }, state: 'idle' });
    const ready = (await (await fetch(`${s.staffUrl}/ready`)).json()) as { ready: boolean; checks: Record<string, { ok: boolean; critical: boolean; detail: Record<string, unknown> }> };
    expect(ready.ready).toBe(true);
    expect(ready.checks.embedder).toMatchObject({ critical: false, detail: { search: 'lexical-only', state: 'disabled' } });
    const reindex = await s.admin.post(`${kb('harbour')}/reindex`);
    expect(reindex.status).toBe(202);
    expect((await search('harbour', 'parking price')).results).toHaveLength(1);
  });
});

describe('nocturn kb', () => {
  it('imports a file and searches from the command line', async () => {
    const tmp = tempDir();
    const saved = { ...process.env };
    try {
      Object.assign(process.env, { NOCTURN_ENV: 'test', NOCTURN_DATA_DIR: tmp.dir, NOCTURN_LOG_LEVEL: 'error', NOCTURN_EMBEDDER: 'none' });
      const out: string[] = [];
      const err: string[] = [];
      const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), stdin: async () => '' };
      expect(await runCli(['property', 'create', '--name', 'Bay Inn', '--slug', 'bay', '--timezone', 'Asia/Kuala_Lumpur'], io)).toBe(0);
      const file = path.join(tmp.dir, 'faq.csv');
      writeFileSync(file, 'question,answer\nIs there a shuttle to the airport?,"Yes, every hour from 6 am, RM 20."\n');
      out.length = 0;
      expect(await runCli(['kb', 'import', '--property', 'bay', file], io)).toBe(0);
      expect(JSON.parse(out.join('\n'))).toMatchObject({ format: 'csv', created: 1 });
      out.length = 0;
      expect(await runCli(['kb', 'search', '--property', 'bay', 'airport transfer?'], io)).toBe(0);
      const result = JSON.parse(out.join('\n')) as { mode: string; results: { title: string }[] };
      expect(result.mode).toBe('lexical');
      expect(result.results[0]!.title).toBe('Is there a shuttle to the airport?');
      expect(await runCli(['kb', 'search', 'no property'], io)).toBe(2);
    } finally {
      process.env = saved;
      tmp.remove();
    }
  });
});
