import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionOf } from '../../server/db/handle.js';
import { ask } from '../../server/cli/ask.js';
import type { Lead } from '../../server/contract/conversations.js';
import type { AnalyticsSummary, GroupSummary, KnowledgeGap } from '../../server/contract/reports.js';
import { ConversationRepository } from '../../server/features/conversations/conversation.repository.js';
import { EmailThreadRepository } from '../../server/features/channels/email/email-thread.repository.js';
import { GuestRepository } from '../../server/features/guests/guest.repository.js';
import { LeadRepository } from '../../server/features/leads/lead.repository.js';
import type { InboundMessage } from '../../server/features/pipeline/pipeline.service.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Issue 16: figures a manager and answers a privacy officer can trust — a guest found and erased
 * everywhere, only real leads counted, test traffic kept out of the figures, one definition of a
 * period, knowledge gaps without the guest's details.
 */

// 12:00 UTC on Monday 7 December 2026: already Tuesday 8 December (02:00) at Kiritimati (UTC+14).
const now = new Date('2026-12-07T12:00:00.000Z');
let s: TestServer;
const ids: Record<string, string> = {};
let n = 0;

function msg(channel: InboundMessage['channel'], text: string, from: InboundMessage['from'], extra: Partial<InboundMessage> = {}): InboundMessage {
  n++;
  return { channel, threadKey: `t-${n}`, externalId: `e-${n}`, text, from, receivedAt: new Date(now.getTime() - 60_000), ...extra };
}

async function send(slug: string, m: InboundMessage) {
  return s.core.pipeline.handle(s.core.properties.scope(slug), m);
}

async function get<T>(p: string): Promise<T> {
  const res = await s.admin.get(p);
  expect(res.status, p).toBe(200);
  return (await res.json()) as T;
}

function allDatabaseBytes(): Buffer {
  const files = ['group.db', ...readdirSync(path.join(s.dataDir, 'properties')).map((f) => `properties/${f}`)];
  return Buffer.concat(files.flatMap((f) => ['', '-wal'].filter((x) => existsSync(path.join(s.dataDir, f + x))).map((x) => readFileSync(path.join(s.dataDir, f + x)))));
}

beforeAll(async () => {
  s = await startTestServer({ clock: { now: () => now }, env: { NOCTURN_OLLAMA_HOST: 'http://127.0.0.1:9', NOCTURN_OLLAMA_TIMEOUT_MS: '200' } });
  for (const [slug, timezone] of [
    ['bay', 'Asia/Kuala_Lumpur'],
    ['atoll', 'Pacific/Kiritimati'],
    ['samoa', 'Pacific/Pago_Pago'],
    ['figures', 'Asia/Kuala_Lumpur'],
  ] as const) {
    const res = await s.admin.post('/api/v1/properties', { name: `Hotel ${slug}`, slug, timezone, currency: 'MYR', country: 'MY' });
    expect(res.status).toBe(201);
    ids[slug] = ((await res.json()) as { id: string }).id;
  }
});
afterAll(async () => {
  await s?.stop();
});

describe('finding and erasing a guest (B6)', () => {
  const nur = { name: 'Nur Aziz', phone: '60128884321', email: 'Nur.Aziz@Example.com' };

  it('finds a guest who gave her phone and email in different messages and channels by either, and erasure by one leaves nothing findable by the other', async () => {
    // WhatsApp: her number is the channel's; she writes her email in the message.
    await send('bay', msg('whatsapp', `Hi, I would like a room for 2 adults on 24 December. You can also email me at ${nur.email}`, { name: nur.name, phone: nur.phone }, { replyTo: { waId: nur.phone } }));
    // Email, from that address: a separate guest record.
    // As the email channel does: the thread is known by the stored (keyed) form of its root Message-ID.
    const threads = new EmailThreadRepository(s.core.properties.scope('bay'));
    const threadKey = threads.threadKeyOf('root-1@mail.example.com');
    await send('bay', msg('email', 'Any news about my room?', { name: nur.name, email: nur.email.toLowerCase() }, { threadKey, replyTo: { email: nur.email.toLowerCase(), threadKey } }));
    threads.record('root-1@mail.example.com', threadKey, 'inbound', now.toISOString());
    // Website chat, without contact details: her number written the local way.
    await send('bay', msg('widget', 'It is Nur again, my number is 012-888 4321 if the chat closes', {}));
    // Someone else at the same hotel.
    await send('bay', msg('whatsapp', 'Do you have a gym?', { name: 'Other Guest', phone: '60199990001' }));

    const byEmail = await (await s.admin.post('/api/v1/privacy/export', { email: 'NUR.AZIZ@example.com' })).json() as { hotels: { guests: unknown[] }[] };
    const byPhone = await (await s.admin.post('/api/v1/privacy/export', { phone: '012-888 4321' })).json() as { hotels: { guests: unknown[] }[] };
    const byIntl = await (await s.admin.post('/api/v1/privacy/export', { phone: '+60 12 888 4321' })).json() as { hotels: { guests: unknown[] }[] };
    for (const found of [byEmail, byPhone, byIntl]) {
      expect(found.hotels).toHaveLength(1);
      expect(found.hotels[0]!.guests).toHaveLength(3);
      expect(JSON.stringify(found)).not.toContain('gym');
    }

    const scope = s.core.properties.scope('bay');
    const secrets = [scope.blindIndex.phone('60128884321')!, scope.blindIndex.phone('0128884321')!, scope.blindIndex.email(nur.email)!];
    expect(allDatabaseBytes().includes(Buffer.from(secrets[2]!))).toBe(true); // the scan can see them while they are held

    const res = await s.admin.post('/api/v1/privacy/erase', { email: 'nur.aziz@example.com' });
    expect(res.status).toBe(200);
    const erased = (await res.json()) as { hotels: { guests: number; conversations: number; leads: number; identifiers: number; emailThreads: number }[] };
    expect(erased.hotels).toEqual([expect.objectContaining({ guests: 3, conversations: 3, emailThreads: 1 })]);
    expect(erased.hotels[0]!.identifiers).toBeGreaterThanOrEqual(3);

    expect(((await (await s.admin.post('/api/v1/privacy/export', { phone: '+60128884321' })).json()) as { hotels: unknown[] }).hotels).toEqual([]);
    expect((await s.admin.post('/api/v1/privacy/erase', { phone: '012 888 4321' })).status).toBe(404);
    const bytes = allDatabaseBytes();
    for (const secret of [...secrets, 'Nur Aziz', 'nur.aziz@example.com', 'Nur.Aziz@Example.com', '60128884321', '012-888 4321', 'root-1@mail.example.com']) {
      expect(bytes.includes(Buffer.from(secret)), secret).toBe(false);
    }
    // The other guest stays, and the audit entry holds counts only.
    expect(JSON.stringify(await (await s.admin.post('/api/v1/privacy/export', { phone: '60199990001' })).json())).toContain('gym');
    const audit = await get<{ items: unknown[] }>('/api/v1/audit?action=privacy.erase');
    expect(JSON.stringify(audit.items)).not.toMatch(/nur|aziz|888/i);
  });

  it('forgets an identifier once retention has deleted where it was written', async () => {
    const out = await send('bay', msg('widget', 'Please write to me at kept.briefly@example.com about the spa', {}));
    const found = async () => ((await (await s.admin.post('/api/v1/privacy/export', { email: 'kept.briefly@example.com' })).json()) as { hotels: unknown[] }).hotels;
    expect(await found()).toHaveLength(1);
    connectionOf(s.core.properties.scope('bay')).prepare('delete from conversations where id = ?').run(out.conversationId); // as retention does
    expect(await found()).toEqual([]);
    const key = s.core.properties.scope('bay').blindIndex.email('kept.briefly@example.com')!;
    expect(connectionOf(s.core.properties.scope('bay')).prepare('select count(*) from guest_identifiers where bidx = ?').pluck().get(key)).toBe(0);
  });
});

describe('leads: only real leads are counted (F2)', () => {
  it('counts a booking request as a lead and a plain question as an inquiry only', async () => {
    await send('figures', msg('widget', 'What time is breakfast served?', {}));
    await send('figures', msg('widget', 'I would like to book a room for 2 adults from 24 to 27 December', {}));
    await send('figures', msg('widget', 'Is the pool heated? Please email me the answer at lee.wong@example.com', {}));
    const summary = await get<AnalyticsSummary>(`/api/v1/properties/${ids.figures}/analytics/summary`);
    expect(summary.current.inquiries).toBe(3);
    expect(summary.current.leads).toBe(2); // the booking, and the question that left an email for a reply
    const leads = await get<{ items: Lead[] }>(`/api/v1/properties/${ids.figures}/leads?kind=leads`);
    expect(leads.items.map((l) => l.isLead)).toEqual([true, true]);
    const inquiries = await get<{ items: Lead[] }>(`/api/v1/properties/${ids.figures}/leads?kind=inquiries`);
    expect(inquiries.items).toHaveLength(1);
    expect(inquiries.items[0]!.intent).toBe('other');
    expect((await get<{ items: Lead[] }>(`/api/v1/properties/${ids.figures}/leads`)).items).toHaveLength(3);
  });
});

describe('knowledge gaps (F5)', () => {
  it("never hold the guest's name, phone or email", async () => {
    await send('figures', msg('widget', 'Hi, my name is Farah Lim (farah.lim@example.com, +60 13-555 2468). Can I bring my parrot to the sauna?', {}));
    await send('figures', msg('whatsapp', 'Hello, do you have a helipad for my private jet?', { name: 'Chandra Devi', phone: '60135557777' }));
    const gaps = await get<{ items: KnowledgeGap[] }>(`/api/v1/properties/${ids.figures}/knowledge-gaps`);
    const text = JSON.stringify(gaps.items.map((g) => g.question));
    expect(text).toContain('parrot');
    expect(text).toContain('helipad');
    for (const pii of ['Farah', 'Lim', 'farah.lim', '555 2468', '5552468', 'Chandra', 'Devi']) expect(text, pii).not.toContain(pii);
  });

  it('report rebuild masks the questions earlier versions stored with the guest’s name', async () => {
    const scope = s.core.properties.scope('figures');
    const gap = (await get<{ items: KnowledgeGap[] }>(`/api/v1/properties/${ids.figures}/knowledge-gaps`)).items.find((g) => g.question.includes('parrot'))!;
    const old = 'Hi, my name is Farah Lim (farah.lim@example.com). Can I bring my parrot to the sauna?';
    connectionOf(scope).prepare('update knowledge_gaps set question_enc = ? where id = ?').run(scope.cipher.encrypt(old, { table: 'knowledge_gaps', column: 'question', rowId: gap.id }), gap.id);
    expect(JSON.stringify(await get(`/api/v1/properties/${ids.figures}/knowledge-gaps`))).toContain('Farah');
    s.core.reports.rebuild(scope);
    const text = JSON.stringify(await get(`/api/v1/properties/${ids.figures}/knowledge-gaps`));
    expect(text).toContain('parrot');
    for (const pii of ['Farah', 'Lim', 'farah.lim']) expect(text, pii).not.toContain(pii);
  });
});

describe('one definition of a period', () => {
  it('reports the same days and counts for a hotel in the group and on its own, when its date is not the appliance’s', async () => {
    const at = (iso: string) => ({ receivedAt: new Date(iso) });
    for (const slug of ['atoll', 'samoa']) {
      await send(slug, msg('widget', 'Hello there, a question about parking', {}, at('2026-11-30T12:00:00Z'))); // 1 Dec at Kiritimati, 30 Nov at Pago Pago
      await send(slug, msg('widget', 'Is there a shuttle from the airport?', {}, at('2026-12-01T12:00:00Z')));
      await send(slug, msg('widget', 'I want to book a room for 2 adults from 20 to 22 December', {}, at('2026-12-07T11:00:00Z'))); // 8 Dec at Kiritimati
    }
    const group = await get<GroupSummary>('/api/v1/group/analytics/summary');
    const atoll = await get<AnalyticsSummary>(`/api/v1/properties/${ids.atoll}/analytics/summary`);
    const samoa = await get<AnalyticsSummary>(`/api/v1/properties/${ids.samoa}/analytics/summary`);
    expect(atoll.period).toEqual({ from: '2026-12-02', to: '2026-12-08', days: 7 });
    expect(samoa.period).toEqual({ from: '2026-12-01', to: '2026-12-07', days: 7 });
    for (const own of [atoll, samoa]) {
      const inGroup = group.hotels.find((h) => h.propertyId === own.propertyId)!;
      expect(inGroup.period).toEqual(own.period);
      expect(inGroup.current).toEqual(own.current);
    }
    expect(atoll.current.inquiries).toBe(2);
    expect(samoa.current.inquiries).toBe(2);
    expect(group.sameDays).toBe(false);
    expect(group.period).toEqual({ from: '2026-12-01', to: '2026-12-08', days: 8 });
    // Asked as "the last 7 days", the same; with explicit dates every hotel counts those days.
    expect((await get<AnalyticsSummary>(`/api/v1/properties/${ids.atoll}/analytics/summary?last=7`)).current).toEqual(atoll.current);
    expect((await get<AnalyticsSummary>(`/api/v1/properties/${ids.atoll}/analytics/summary?last=yesterday`)).period).toEqual({ from: '2026-12-07', to: '2026-12-07', days: 1 });
    expect((await get<AnalyticsSummary>(`/api/v1/properties/${ids.samoa}/analytics/summary?last=today`)).period).toEqual({ from: '2026-12-07', to: '2026-12-07', days: 1 });
    const last7 = await get<GroupSummary>('/api/v1/group/analytics/summary?last=7');
    expect(last7.hotels.find((h) => h.propertyId === ids.atoll)!.current).toEqual(atoll.current);
    const fixed = await get<GroupSummary>('/api/v1/group/analytics/summary?from=2026-12-01&to=2026-12-07');
    expect(fixed.sameDays).toBe(true);
    expect(fixed.hotels.every((h) => h.period.from === '2026-12-01' && h.period.to === '2026-12-07')).toBe(true);
    expect((await s.admin.get('/api/v1/group/analytics/summary?last=7&from=2026-12-01')).status).toBe(400);
    // A drill-down of the hotel's default period lists the same conversations.
    const drill = await get<{ total: number }>(`/api/v1/properties/${ids.atoll}/analytics/conversations`);
    expect(drill.total).toBe(atoll.current.inquiries);
  });
});

describe('test traffic', () => {
  async function figures(slug: string) {
    const id = ids[slug]!;
    const strip = (x: unknown) => JSON.parse(JSON.stringify(x, (k, v: unknown) => (k === 'generatedAt' ? undefined : v))) as unknown;
    return {
      summary: strip(await get(`/api/v1/properties/${id}/analytics/summary`)),
      analytics: strip(await get(`/api/v1/properties/${id}/analytics`)),
      leads: await get(`/api/v1/properties/${id}/leads`),
      gaps: await get(`/api/v1/properties/${id}/knowledge-gaps`),
    };
  }

  it('report rebuild removes what test questions of earlier versions left in the figures, leads and knowledge gaps', async () => {
    const before = await figures('figures');
    // What the old `nocturn ask` left: it ran test conversations for real, then deleted them.
    const scope = s.core.properties.scope('figures');
    const conversations = new ConversationRepository(scope);
    const at = new Date(now.getTime() - 30_000).toISOString();
    for (const text of ['I want to book a room for 2 on 24 December', 'Can I land a helicopter on the roof?']) {
      const guest = new GuestRepository(scope).insert({}, at);
      const c = conversations.insert({ guestId: guest.id, channel: 'test', threadBidx: `ask-${text.length}`, status: 'ai', language: 'en', afterHours: false, at });
      conversations.insertMessage({ conversationId: c.id, role: 'guest', body: text, externalId: null, flags: [], createdAt: at });
      new LeadRepository(scope).insert({ conversationId: c.id, guestId: guest.id, intent: 'room_booking', details: { name: null, phone: null, email: null, checkIn: '2026-12-24', checkOut: null, guests: 2, roomType: null, intentDetails: null, notes: null }, sourceChannel: 'test', afterHours: false, at });
      conversations.update(c.id, { status: 'needs_human', handoff_reason: 'no_knowledge' }, at);
      s.core.reports.refreshNoted(scope);
      s.core.knowledgeGaps.record(scope, c.id, 'no_knowledge');
      connectionOf(scope).prepare('delete from conversations where id = ?').run(c.id);
      connectionOf(scope).prepare('delete from guests where id = ?').run(guest.id);
    }
    expect(await figures('figures')).not.toEqual(before);

    const result = s.core.reports.rebuild(scope, { removeTestTraffic: true });
    expect(result.testTraffic).toMatchObject({ facts: 2, leads: 2, gapQuestions: 2 });
    expect(await figures('figures')).toEqual(before);
  });

  // Goes green with the pipeline's dry run for test traffic (lead engineer's half of issue 16).
  it('three test questions leave every report figure, the leads list and the knowledge gaps unchanged', async () => {
    const before = await figures('figures');
    await ask(s.core, 'figures', [
      { id: '1', text: 'What time is breakfast?' },
      { id: '2', text: 'I would like to book a room for 2 adults from 24 to 27 December, my email is test.guest@example.com' },
      { id: '3', text: 'Can I bring my parrot to the spa sauna?' },
    ]);
    expect(await figures('figures')).toEqual(before);
  });
});

describe('audit log people can read (E4)', () => {
  it('says who (by name), what (a sentence), where (the hotel) and what changed; knowledge writes are audited; the chain holds', async () => {
    const base = `/api/v1/properties/${ids.figures}/knowledge-base`;
    const created = await s.admin.post(`${base}/items`, { category: 'facilities', title: 'Pool hours', content: 'The pool is open from 7am to 9pm.' });
    expect(created.status).toBe(201);
    const item = (await created.json()) as { id: string };
    expect((await s.admin.patch(`${base}/items/${item.id}`, { content: 'The pool is open from 6am to 10pm.' })).status).toBe(200);
    expect((await s.admin.post(`${base}/items/${item.id}/deactivate`)).status).toBe(200);
    const imported = await s.admin.fetch(`${base}/import?filename=spa.md`, { method: 'POST', body: '# Spa\nThe spa opens at 10am.\n\n# Gym\nThe gym never closes.', headers: { 'content-type': 'text/markdown' } });
    expect(imported.status).toBe(201);

    type Entry = { action: string; actorName: string; hotel: string | null; summary: string; changes: { field: string; before: unknown; after: unknown }[] };
    const entries = (await get<{ items: Entry[] }>('/api/v1/audit?limit=20')).items;
    const of = (action: string) => entries.find((e) => e.action === action)!;
    expect(of('knowledge.create')).toMatchObject({ actorName: 'Test Admin', hotel: 'Hotel figures', summary: 'Added the knowledge item “Pool hours”' });
    expect(of('knowledge.update').summary).toBe('Edited the knowledge item “Pool hours”');
    expect(of('knowledge.update').changes).toEqual([{ field: 'Content', before: 'The pool is open from 7am to 9pm.', after: 'The pool is open from 6am to 10pm.' }]);
    expect(of('knowledge.deactivate')).toMatchObject({ summary: 'Deactivated the knowledge item “Pool hours”', changes: [{ field: 'Active', before: true, after: false }] });
    expect(of('knowledge.import').summary).toBe('Imported 2 knowledge items from spa.md');
    expect(of('property.create')).toMatchObject({ summary: 'Created the hotel Hotel figures', hotel: 'Hotel figures', actorName: 'Test Admin' });
    const erased = (await get<{ items: Entry[] }>('/api/v1/audit?action=privacy.erase')).items[0]!;
    expect(erased.summary).toBe('Erased a guest: 3 guest records, 3 conversations and 3 inquiries in 1 hotel');
    expect(await get('/api/v1/audit/verify')).toMatchObject({ ok: true, firstBrokenSeq: null });
  });
});
