import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../server/features/pipeline/pipeline.service.js';
import { startTestServer, type StaffClient, type TestServer } from '../support/server.js';

let s: TestServer;
let hotelA: { id: string };
let hotelB: { id: string };
let n = 0;
const msg = (text: string, extra: Partial<InboundMessage> = {}): InboundMessage => ({
  channel: 'test',
  threadKey: `t${++n}`,
  externalId: `e${n}`,
  text,
  from: { name: `Guest ${n}`, phone: `+6012000${String(n).padStart(4, '0')}` },
  receivedAt: new Date(),
  ...extra,
});

beforeAll(async () => {
  s = await startTestServer({ env: { NOCTURN_OLLAMA_HOST: 'http://127.0.0.1:9', NOCTURN_OLLAMA_TIMEOUT_MS: '300' } });
  hotelA = (await (await s.admin.post('/api/v1/properties', { name: 'Harbour View', slug: 'harbour', timezone: 'Asia/Kuala_Lumpur' })).json()) as { id: string };
  hotelB = (await (await s.admin.post('/api/v1/properties', { name: 'Hill Lodge', slug: 'hill', timezone: 'Europe/London' })).json()) as { id: string };
});
afterAll(async () => {
  await s.stop();
});

/** Reads server-sent events until `until` says stop or the time runs out. */
function readEvents(client: StaffClient, opts: { lastEventId?: string; until: (events: { id: string; event: string; data: string }[]) => boolean; timeoutMs?: number }) {
  return new Promise<{ id: string; event: string; data: string }[]>((resolve, reject) => {
    const events: { id: string; event: string; data: string }[] = [];
    const req = http.get(`${s.staffUrl}/api/v1/events`, { headers: { cookie: client.cookie, ...(opts.lastEventId ? { 'last-event-id': opts.lastEventId } : {}) } }, (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const e = { id: '', event: 'message', data: '' };
          for (const line of block.split('\n')) {
            if (line.startsWith('id: ')) e.id = line.slice(4);
            else if (line.startsWith('event: ')) e.event = line.slice(7);
            else if (line.startsWith('data: ')) e.data = line.slice(6);
          }
          if (e.data || e.event !== 'message') events.push(e);
          if (opts.until(events)) {
            req.destroy();
            resolve(events);
          }
        }
      });
    });
    req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
    setTimeout(() => {
      req.destroy();
      resolve(events);
    }, opts.timeoutMs ?? 3000);
  });
}

describe('staff inbox across hotels', () => {
  it('puts conversations that need a person first, and shows masked contact details', async () => {
    const a = s.core.properties.scope('harbour');
    await s.core.pipeline.handle(a, msg('hello'));
    await s.core.pipeline.handle(a, msg('I want to speak to a manager about a refund'));
    await s.core.pipeline.handle(s.core.properties.scope('hill'), msg('Can I talk to a person please?'));
    const res = (await (await s.admin.get('/api/v1/inbox')).json()) as { items: { status: string; propertyId: string; guest: { phone: string; name: string } }[]; needsHuman: number };
    expect(res.items.map((c) => c.status)).toEqual(['needs_human', 'needs_human', 'ai']);
    expect(res.needsHuman).toBe(2);
    expect(res.items[0]!.guest.phone).toMatch(/^\+60 12-••• \d{4}$/);
    expect(res.items[0]!.guest.name).toMatch(/^Guest \d+$/);
  });

  it('shows an agent only the hotels granted', async () => {
    const agent = await s.staff('agent', [hotelA.id]);
    const res = (await (await agent.get('/api/v1/inbox')).json()) as { items: { propertyId: string }[] };
    expect(res.items.length).toBe(2);
    expect(new Set(res.items.map((c) => c.propertyId))).toEqual(new Set([hotelA.id]));
    expect((await agent.get(`/api/v1/inbox?propertyId=${hotelB.id}`)).status).toBe(200);
    expect(((await (await agent.get(`/api/v1/inbox?propertyId=${hotelB.id}`)).json()) as { items: unknown[] }).items).toEqual([]);
  });

  it('reveals contact details only on request, and audits the reveal', async () => {
    const list = (await (await s.admin.get('/api/v1/properties/harbour/conversations')).json()) as { items: { id: string }[] };
    const id = list.items[0]!.id;
    const reveal = await s.admin.post(`/api/v1/properties/harbour/conversations/${id}/reveal`);
    expect(((await reveal.json()) as { phone: string }).phone).toMatch(/^\+6012000\d{4}$/);
    const audit = (await (await s.admin.get('/api/v1/audit?action=guest.reveal')).json()) as { items: { target: string; after: unknown }[] };
    expect(audit.items[0]!.target).toBe(`conversation:${id}`);
    expect(JSON.stringify(audit.items[0])).not.toMatch(/6012000/);
  });
});

describe('live updates over server-sent events', () => {
  it('streams events for visible hotels only, and replays what a reconnecting client missed', async () => {
    const agent = await s.staff('agent', [hotelA.id]);
    const first = readEvents(agent, { until: (ev) => ev.some((e) => e.event === 'handoff.requested') });
    await new Promise((r) => setTimeout(r, 200));
    await s.core.pipeline.handle(s.core.properties.scope('hill'), msg('I need a human'));
    await s.core.pipeline.handle(s.core.properties.scope('harbour'), msg('I need a human'));
    const events = await first;
    const handoffs = events.filter((e) => e.event === 'handoff.requested').map((e) => JSON.parse(e.data) as { propertyId: string });
    expect(handoffs.length).toBe(1);
    expect(handoffs[0]!.propertyId).toBe(hotelA.id);
    expect(events.every((e) => !e.data.includes(hotelB.id))).toBe(true);

    const lastId = events.filter((e) => e.id).at(-1)!.id;
    await s.core.pipeline.handle(s.core.properties.scope('harbour'), msg('Can I talk to a person?'));
    const replay = await readEvents(agent, { lastEventId: lastId, until: (ev) => ev.some((e) => e.event === 'handoff.requested') });
    expect(replay.some((e) => e.event === 'handoff.requested')).toBe(true);
  });

  it('requires a session', async () => {
    expect((await fetch(`${s.staffUrl}/api/v1/events`)).status).toBe(401);
  });
});

describe('system screen', () => {
  it('reports parts, queues, errors and disk for admins only', async () => {
    const res = (await (await s.admin.get('/api/v1/system/status')).json()) as { checks: Record<string, unknown>; hotels: { outbox: Record<string, number> }[]; disk: { freeBytes: number }; inboundQueue: unknown };
    expect(Object.keys(res.checks)).toEqual(expect.arrayContaining(['database', 'keys', 'ai', 'llm', 'embedder']));
    expect(res.hotels).toHaveLength(2);
    expect(res.hotels[0]!.outbox.sent).toBeGreaterThan(0); // test-channel replies were delivered
    expect(res.disk.freeBytes).toBeGreaterThan(0);
    const agent = await s.staff('agent');
    expect((await agent.get('/api/v1/system/status')).status).toBe(403);
  });
});
