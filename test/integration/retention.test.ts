import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionOf } from '../../server/db/handle.js';
import { ConversationRepository } from '../../server/features/conversations/conversation.repository.js';
import { GuestRepository } from '../../server/features/guests/guest.repository.js';
import { LeadRepository } from '../../server/features/leads/lead.repository.js';
import { ManualClock } from '../support/clock.js';
import { startTestServer, type TestServer } from '../support/server.js';

let s: TestServer;
const clock = new ManualClock();
const DAY = 86_400_000;
const now = () => clock.now().getTime();

/** 200 days of conversations: one a day, every fifth with a converted lead. */
function seed() {
  const scope = s.core.properties.scope('harbour');
  const conversations = new ConversationRepository(scope);
  const guests = new GuestRepository(scope);
  const leads = new LeadRepository(scope);
  const expected = { expiredConversations: 0, keptConverted: 0 };
  scope.transaction(() => {
    for (let d = 1; d <= 200; d++) {
      const at = new Date(now() - d * DAY + DAY / 2).toISOString(); // mid-day, clear of the cut-off
      const g = guests.insert({ name: `Guest ${d}`, phone: `+6012300${String(d).padStart(4, '0')}` }, at);
      const c = conversations.insert({ guestId: g.id, channel: 'test', threadBidx: `seed-${d}`, status: 'resolved', language: 'en', afterHours: d % 2 === 0, at });
      conversations.insertMessage({ conversationId: c.id, role: 'guest', body: `Hello from day ${d}`, createdAt: at });
      conversations.insertMessage({ conversationId: c.id, role: 'assistant', body: 'Thanks!', confidence: 0.9, createdAt: at });
      const lead = leads.insert({ conversationId: c.id, guestId: g.id, intent: 'room_booking', details: { name: null, phone: null, email: null, checkIn: null, checkOut: null, guests: 2, roomType: null, intentDetails: null, notes: null }, sourceChannel: 'test', afterHours: d % 2 === 0, at });
      const converted = d % 5 === 0;
      if (converted) leads.save({ ...lead, status: 'converted', bookingValue: 500, convertedAt: at }, at);
      if (d > 90 && !converted) expected.expiredConversations++;
      if (d > 90 && converted) expected.keptConverted++;
    }
  });
  return expected;
}

beforeAll(async () => {
  s = await startTestServer({ clock });
  await s.admin.post('/api/v1/properties', { name: 'Harbour View', slug: 'harbour', timezone: 'Asia/Kuala_Lumpur', retentionDays: 90 });
});
afterAll(async () => {
  await s.stop();
});

describe('retention (B5)', () => {
  it('removes exactly the expired rows, keeps report totals, audits counts, and a second run removes nothing', async () => {
    const expected = seed();
    const scope = s.core.properties.scope('harbour');
    s.core.reports.rebuild(scope);
    const period = `from=${new Date(now() - 210 * DAY).toISOString().slice(0, 10)}&to=${new Date(now()).toISOString().slice(0, 10)}`;
    const before = await (await s.admin.get(`/api/v1/properties/harbour/analytics/summary?${period}`)).json();
    const count = (sql: string) => (connectionOf(scope).prepare(sql).get() as { n: number }).n;
    const conversationsBefore = count('select count(*) as n from conversations');

    const first = await runRetention();
    expect(first.conversations).toBe(expected.expiredConversations);
    expect(first.messages).toBe(expected.expiredConversations * 2);
    expect(first.leads).toBe(expected.expiredConversations);
    expect(first.guests).toBe(expected.expiredConversations);
    expect(count('select count(*) as n from conversations')).toBe(conversationsBefore - expected.expiredConversations);
    const cutoff = new Date(now() - 90 * DAY).toISOString();
    expect(count(`select count(*) as n from conversations c join leads l on l.conversation_id = c.id where c.last_message_at < '${cutoff}' and l.status <> 'converted'`)).toBe(0);
    expect(count(`select count(*) as n from conversations where last_message_at < '${cutoff}'`)).toBe(expected.keptConverted);
    expect(count(`select count(*) as n from conversations where last_message_at >= '${cutoff}'`)).toBe(90);

    s.core.reports.rebuild(scope);
    const after = await (await s.admin.get(`/api/v1/properties/harbour/analytics/summary?${period}`)).json();
    expect({ ...(after as object), generatedAt: null }).toEqual({ ...(before as object), generatedAt: null });
    expect((after as { current: { inquiries: number; leads: number } }).current).toMatchObject({ inquiries: 200, leads: 200 });

    const second = await runRetention();
    expect(second).toMatchObject({ conversations: 0, messages: 0, leads: 0, guests: 0 });

    const audit = (await (await s.admin.get('/api/v1/audit?action=retention.purge')).json()) as { items: { after: Record<string, unknown> }[] };
    expect(audit.items).toHaveLength(2);
    expect(audit.items[1]!.after).toMatchObject({ conversations: expected.expiredConversations, retentionDays: 90 });
    expect(JSON.stringify(audit.items)).not.toMatch(/Guest \d|60123/);
  });

  it('runs once per hotel day after the configured local time', () => {
    const results = s.core.retention.runDue();
    expect(results.length).toBeLessThanOrEqual(1);
    expect(s.core.retention.runDue()).toEqual([]);
  });
});

async function runRetention() {
  return s.core.retention.run(s.core.properties.scope('harbour'));
}

describe('offboarding a hotel', () => {
  it('exports it, then destroys its data key and database file', async () => {
    const { existsSync, readFileSync, copyFileSync } = await import('node:fs');
    const { runCli } = await import('../../server/cli/main.js');
    await s.admin.post('/api/v1/properties', { name: 'Closing Inn', slug: 'closing', timezone: 'Europe/Paris' });
    const scope = s.core.properties.scope('closing');
    await s.core.pipeline.handle(scope, { channel: 'test', threadKey: 'x', externalId: 'off-1', text: 'Can I talk to a person about my booking?', from: { name: 'Marie Curie', email: 'marie@example.fr' }, receivedAt: new Date() });
    const file = s.core.databases.propertyFile(scope.property.id);
    copyFileSync(file, `${file}.copy`);
    const exportFile = `${s.dataDir}/closing-export.json`;
    const out: string[] = [];
    const saved = { ...process.env };
    Object.assign(process.env, { NOCTURN_ENV: 'test', NOCTURN_DATA_DIR: s.dataDir, NOCTURN_LOG_LEVEL: 'error' });
    const code = await runCli(['offboard', '--property', 'closing', '--export', exportFile, '--yes'], { out: (l) => out.push(l), err: (l) => out.push(l), stdin: async () => '' });
    process.env = saved;
    expect(code).toBe(0);
    expect(JSON.parse(out[0]!)).toMatchObject({ exported: { conversations: 1, guests: 1 } });
    expect(readFileSync(exportFile, 'utf8')).toContain('Can I talk to a person about my booking?');
    expect(existsSync(file)).toBe(false);
    const keys = s.core.databases.group.prepare('select count(*) as n from property_keys where property_id = ?').get(scope.property.id) as { n: number };
    expect(keys.n).toBe(0);
    // The running server sees it gone too (its cached connection and keys are released on next lookup).
    s.core.vault.forget(scope.property.id);
    expect((await s.admin.get('/api/v1/properties/closing')).status).toBe(404);
    expect(() => s.core.vault.forProperty(scope.property.id)).toThrow(/no keys/);
  });
});
