import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../server/cli/main.js';
import { signIn, startTestServer, tempDir } from '../support/server.js';

let tmp: ReturnType<typeof tempDir>;
const saved = { ...process.env };
beforeEach(() => {
  tmp = tempDir();
  process.env.NOCTURN_ENV = 'test';
  process.env.NOCTURN_DATA_DIR = tmp.dir;
  process.env.NOCTURN_LOG_LEVEL = 'error';
  // No model here: the demo must still work, answering from knowledge or handing off.
  process.env.NOCTURN_OLLAMA_HOST = 'http://127.0.0.1:9';
  process.env.NOCTURN_OLLAMA_TIMEOUT_MS = '300';
});
afterEach(() => {
  process.env = { ...saved };
  tmp.remove();
});

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l), stdin: async () => '' });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

interface DemoOutput {
  hotels: { id: string; slug: string; timezone: string; created: boolean; knowledgeItems: number }[];
  conversations: { hotel: string; status: string; duplicate: boolean }[];
  admin: { email: string; password: string } | null;
}

describe('nocturn demo', () => {
  it('creates two hotels in different time zones with conflicting knowledge, a demo admin and sample conversations', async () => {
    const run = await cli('demo');
    expect(run.code, run.err).toBe(0);
    const demo = JSON.parse(run.out) as DemoOutput;
    expect(demo.hotels.map((h) => h.slug)).toEqual(['demo-harbour-view', 'demo-hill-lodge']);
    expect(new Set(demo.hotels.map((h) => h.timezone)).size).toBe(2);
    expect(demo.hotels.every((h) => h.created && h.knowledgeItems >= 5)).toBe(true);
    expect(demo.admin).not.toBeNull();
    expect(run.err).toContain(demo.admin!.password);
    expect(demo.conversations.length).toBeGreaterThanOrEqual(6);
    // A guest asking for a person is waiting in the inbox when staff sign in.
    expect(demo.conversations.some((c) => c.status === 'needs_human')).toBe(true);

    const s = await startTestServer({ dataDir: tmp.dir, noAdmin: true });
    try {
      const admin = await signIn(s.staffUrl, demo.admin!.email, demo.admin!.password);
      const inbox = (await (await admin.get('/api/v1/inbox')).json()) as { items: { propertyId: string; status: string }[] };
      expect(new Set(inbox.items.map((c) => c.propertyId))).toEqual(new Set(demo.hotels.map((h) => h.id)));
      expect(inbox.items[0]!.status).toBe('needs_human');

      // The two hotels disagree, and each answers with its own fact.
      const search = async (hotel: string, query: string) =>
        ((await (await admin.post(`/api/v1/properties/${hotel}/knowledge-base/search`, { query, k: 1 })).json()) as { results: { snippet: string }[] }).results[0]?.snippet ?? '';
      expect(await search('demo-harbour-view', 'What time is check-in?')).toMatch(/2:00 pm/);
      expect(await search('demo-hill-lodge', 'What time is check-in?')).toMatch(/4:00 pm/);
      expect(await search('demo-harbour-view', 'Do you have parking?')).toMatch(/free/i);
      expect(await search('demo-hill-lodge', 'Do you have parking?')).toMatch(/£12/);

      const leads = (await (await admin.get('/api/v1/properties/demo-harbour-view/leads')).json()) as { items: { details: { guests: number | null } }[] };
      expect(leads.items.length).toBeGreaterThan(0);
    } finally {
      await s.close();
    }

    // Again: nothing is duplicated and no second admin is made.
    const again = await cli('demo');
    expect(again.code, again.err).toBe(0);
    const second = JSON.parse(again.out) as DemoOutput;
    expect(second.admin).toBeNull();
    expect(second.hotels.every((h) => !h.created)).toBe(true);
    expect(second.conversations.every((c) => c.duplicate)).toBe(true);
  }, 60_000);
});
