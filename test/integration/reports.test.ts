import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectionOf } from '../../server/db/handle.js';
import type { Analytics, AnalyticsSummary, DrillPage, Figures, GroupSummary, KnowledgeGap, ReportInfo } from '../../server/contract/reports.js';
import { ConversationRepository } from '../../server/features/conversations/conversation.repository.js';
import { GuestRepository } from '../../server/features/guests/guest.repository.js';
import type { InboundMessage } from '../../server/features/pipeline/pipeline.service.js';
import type { PropertyScope } from '../../server/features/properties/property.service.js';
import { REPORT_QUERIES } from '../../server/features/reports/report.repository.js';
import { ReportRepository } from '../../server/features/reports/report.repository.js';
import { KnowledgeGapRepository, GAP_LIST_SQL } from '../../server/features/reports/knowledge-gap.repository.js';
import { ReportScheduler } from '../../server/features/reports/report.scheduler.js';
import { ReportService } from '../../server/features/reports/report.service.js';
import { newId } from '../../server/shared/ids.js';
import { startTestServer, type StaffClient, type TestServer } from '../support/server.js';

/**
 * Manager reports (F2, F5) against real hotel databases: figures checked against expectations
 * computed here, independently, from the raw rows; live rollups against a rebuild; exports;
 * query plans; and access.
 */

let s: TestServer;
let manager: StaffClient;

// --- an independent model of the figures, computed from the raw rows ---------------------------

interface RawConversation {
  id: string;
  channel: string;
  status: string;
  handoff_reason: string | null;
  after_hours: number;
  created_at: string;
}
interface RawMessage {
  id: string;
  conversation_id: string;
  role: string;
  created_at: string;
}
interface RawLead {
  id: string;
  conversation_id: string;
  intent: string;
  status: string;
  source_channel: string;
  after_hours: number;
  booking_value: number | null;
  converted_at: string | null;
  created_at: string;
}
interface Raw {
  conversations: RawConversation[];
  messages: RawMessage[];
  leads: RawLead[];
  spend: { day: string; spent_usd: number }[];
  feedback: { conversation_id: string; helpful: number }[];
}

function readRaw(scope: PropertyScope): Raw {
  const db = connectionOf(scope);
  return {
    conversations: db.prepare('select id, channel, status, handoff_reason, after_hours, created_at from conversations').all() as RawConversation[],
    messages: db.prepare('select id, conversation_id, role, created_at from messages').all() as RawMessage[],
    leads: db.prepare('select id, conversation_id, intent, status, source_channel, after_hours, booking_value, converted_at, created_at from leads').all() as RawLead[],
    spend: db.prepare('select day, spent_usd from cloud_spend').all() as { day: string; spent_usd: number }[],
    feedback: db.prepare('select conversation_id, helpful from widget_feedback').all() as { conversation_id: string; helpful: number }[],
  };
}

/** Local date and hour by Intl directly (not through the code under test). */
function local(iso: string, timeZone: string): { day: string; hour: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(iso)).map((p) => [p.type, p.value]),
  );
  return { day: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) };
}

function pct(values: number[], p: number): number | null {
  if (!values.length) return null;
  const v = [...values].sort((a, b) => a - b);
  const r = p * (v.length - 1);
  const lo = Math.floor(r);
  const hi = Math.ceil(r);
  return v[lo]! + (v[hi]! - v[lo]!) * (r - lo);
}

interface ExpectedConversation extends RawConversation {
  day: string;
  hour: number;
  handedOff: boolean;
  reason: string | null;
  aiResolved: boolean;
  aiSeconds: number | null;
  staffSeconds: number | null;
  up: number;
  down: number;
}

function model(raw: Raw, tz: string): { conversations: ExpectedConversation[]; leads: (RawLead & { day: string; convertedDay: string | null })[] } {
  const byConversation = new Map<string, RawMessage[]>();
  for (const m of raw.messages) byConversation.set(m.conversation_id, [...(byConversation.get(m.conversation_id) ?? []), m]);
  const conversations = raw.conversations.map((c) => {
    const msgs = (byConversation.get(c.id) ?? []).sort((a, b) => a.created_at.localeCompare(b.created_at));
    const first = (role: string) => msgs.find((m) => m.role === role)?.created_at ?? null;
    const start = Date.parse(first('guest') ?? c.created_at);
    const staffCount = msgs.filter((m) => m.role === 'staff').length;
    const aiCount = msgs.filter((m) => m.role === 'assistant').length;
    const handedOff = c.handoff_reason !== null || staffCount > 0 || c.status === 'needs_human' || c.status === 'human';
    const secs = (at: string | null) => (at ? (Date.parse(at) - start) / 1000 : null);
    const fb = raw.feedback.filter((f) => f.conversation_id === c.id);
    return {
      ...c,
      ...local(c.created_at, tz),
      handedOff,
      reason: handedOff ? (c.handoff_reason ?? 'staff') : null,
      aiResolved: !handedOff && aiCount > 0,
      aiSeconds: secs(first('assistant')),
      staffSeconds: secs(first('staff')),
      up: fb.filter((f) => f.helpful === 1).length,
      down: fb.filter((f) => f.helpful === 0).length,
    };
  });
  const leads = raw.leads.map((l) => ({ ...l, day: local(l.created_at, tz).day, convertedDay: l.status === 'converted' && l.converted_at ? local(l.converted_at, tz).day : null }));
  return { conversations, leads };
}

function expectedFigures(raw: Raw, tz: string, from: string, to: string) {
  const m = model(raw, tz);
  const inRange = (d: string | null) => d !== null && d >= from && d <= to;
  const convs = m.conversations.filter((c) => inRange(c.day));
  const captured = m.leads.filter((l) => inRange(l.day));
  const converted = m.leads.filter((l) => inRange(l.convertedDay));
  const reasons = new Map<string, number>();
  for (const c of convs.filter((c) => c.handedOff)) reasons.set(c.reason!, (reasons.get(c.reason!) ?? 0) + 1);
  const ai = convs.map((c) => c.aiSeconds).filter((x): x is number => x !== null);
  const staff = convs.map((c) => c.staffSeconds).filter((x): x is number => x !== null);
  const up = convs.reduce((n, c) => n + c.up, 0);
  const down = convs.reduce((n, c) => n + c.down, 0);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    convs,
    captured,
    converted,
    figures: {
      inquiries: convs.length,
      afterHours: convs.filter((c) => c.after_hours === 1).length,
      aiResolved: convs.filter((c) => c.aiResolved).length,
      handoffs: convs.filter((c) => c.handedOff).length,
      reasons,
      ai: { count: ai.length, median: pct(ai, 0.5), p90: pct(ai, 0.9) },
      staff: { count: staff.length, median: pct(staff, 0.5), p90: pct(staff, 0.9) },
      leads: captured.length,
      afterHoursLeads: captured.filter((l) => l.after_hours === 1).length,
      conversions: converted.length,
      bookingValue: sum(converted.map((l) => l.booking_value ?? 0)),
      revenueRecovered: sum(converted.filter((l) => l.after_hours === 1).map((l) => l.booking_value ?? 0)),
      cloud: sum(raw.spend.filter((d) => inRange(d.day)).map((d) => d.spent_usd)),
      up,
      down,
    },
  };
}

function checkFigures(actual: Figures, raw: Raw, tz: string, from: string, to: string): void {
  const e = expectedFigures(raw, tz, from, to).figures;
  const share = (a: number, b: number) => (b ? a / b : null);
  expect(actual.inquiries).toBe(e.inquiries);
  expect(actual.afterHours).toBe(e.afterHours);
  expect(actual.afterHoursShare).toBe(share(e.afterHours, e.inquiries));
  expect(actual.aiResolved).toBe(e.aiResolved);
  expect(actual.aiResolvedShare).toBe(share(e.aiResolved, e.inquiries));
  expect(actual.handoffs).toBe(e.handoffs);
  expect(actual.handoffShare).toBe(share(e.handoffs, e.inquiries));
  expect(new Map(actual.handoffReasons.map((r) => [r.reason, r.count]))).toEqual(e.reasons);
  for (const who of ['ai', 'staff'] as const) {
    expect(actual.firstResponse[who].count).toBe(e[who].count);
    for (const [k, v] of [['medianSeconds', e[who].median], ['p90Seconds', e[who].p90]] as const) {
      if (v === null) expect(actual.firstResponse[who][k]).toBeNull();
      else expect(actual.firstResponse[who][k]).toBeCloseTo(v, 2);
    }
  }
  expect(actual.leads).toBe(e.leads);
  expect(actual.afterHoursLeads).toBe(e.afterHoursLeads);
  expect(actual.conversions).toBe(e.conversions);
  expect(actual.bookingValue).toBeCloseTo(e.bookingValue, 2);
  expect(actual.revenueRecovered).toBeCloseTo(e.revenueRecovered, 2);
  expect(actual.cloudCostUsd).toBeCloseTo(e.cloud, 6);
  expect(actual.feedback).toEqual({ helpful: e.up, notHelpful: e.down, helpfulShare: share(e.up, e.up + e.down) });
}

// --- a generated dataset, written straight into a hotel's database ---------------------------

function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHANNELS = ['whatsapp', 'email', 'widget'] as const;
const INTENTS = ['room_booking', 'event', 'dining', 'other'] as const;
const REASONS = ['low_confidence', 'no_knowledge', 'asked_for_person', 'complaint', 'payment'] as const;

/**
 * ~20 conversations a day from `firstDay` for `days` days, plus the given edge instants (around
 * midnight and a daylight-saving change). Desk hours 08:00-22:00: the after-hours flag is set as
 * the pipeline would, from the local hour.
 */
function seed(scope: PropertyScope, opts: { firstDayUtc: string; days: number; edges: string[]; seed: number }): void {
  const rnd = prng(opts.seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const { cipher } = scope;
  const db = connectionOf(scope);
  const guests = new GuestRepository(scope);
  const insConv = db.prepare(
    `insert into conversations (id, guest_id, channel, thread_bidx, status, handoff_reason, after_hours, message_count, last_message_at, first_response_at, resolved_at, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insMsg = db.prepare(
    'insert into messages (id, conversation_id, role, body_enc, provider, confidence, cost_usd, input_tokens, output_tokens, latency_ms, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insLead = db.prepare(
    `insert into leads (id, conversation_id, guest_id, intent, status, details_enc, source_channel, after_hours, booking_value, converted_at, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insFeedback = db.prepare('insert into widget_feedback (message_id, conversation_id, helpful, created_at, updated_at) values (?, ?, ?, ?, ?)');
  const insSpend = db.prepare('insert into cloud_spend (day, spent_usd) values (?, ?) on conflict (day) do update set spent_usd = excluded.spent_usd');
  const base = Date.parse(`${opts.firstDayUtc}T00:00:00Z`);
  const starts = [...Array.from({ length: opts.days * 20 }, () => new Date(base + Math.floor(rnd() * opts.days * 86_400_000)).toISOString()), ...opts.edges];
  db.transaction(() => {
    starts.forEach((at, i) => {
      const t0 = Date.parse(at);
      const iso = (ms: number) => new Date(t0 + ms).toISOString();
      const guest = guests.insert({ name: `Guest ${i}`, phone: `+4477009${String(i).padStart(5, '0')}`, email: `guest${i}@example.com` }, at);
      const id = newId('cnv');
      const channel = pick(CHANNELS);
      const hour = local(at, scope.property.timezone).hour;
      const afterHours = hour < 8 || hour >= 22 ? 1 : 0;
      const msgs: { id: string; role: string; at: string; provider: string | null; cost: number | null }[] = [{ id: newId('msg'), role: 'guest', at, provider: null, cost: null }];
      const aiReply = rnd() < 0.8;
      if (aiReply) {
        const provider = pick(['ollama', 'cloud', 'knowledge', 'template']);
        msgs.push({ id: newId('msg'), role: 'assistant', at: iso(1000 + Math.floor(rnd() * 120_000)), provider, cost: provider === 'cloud' ? Math.round(rnd() * 10_000) / 1e6 : null });
      }
      const staffReply = rnd() < 0.35;
      if (staffReply) msgs.push({ id: newId('msg'), role: 'staff', at: iso(60_000 + Math.floor(rnd() * 4 * 3_600_000)), provider: null, cost: null });
      if (rnd() < 0.3) msgs.push({ id: newId('msg'), role: 'guest', at: iso(30 * 60_000 + Math.floor(rnd() * 3_600_000)), provider: null, cost: null });
      let status: string;
      let reason: string | null = null;
      if (staffReply) {
        status = pick(['human', 'resolved']);
        if (rnd() < 0.5) reason = pick(REASONS);
      } else {
        status = pick(['ai', 'ai', 'resolved', 'needs_human']);
        if (status === 'needs_human') reason = pick(REASONS);
        else if (status === 'resolved' && rnd() < 0.2) reason = 'no_knowledge';
      }
      const last = msgs.map((m) => m.at).sort().at(-1)!;
      const firstResponse = msgs.filter((m) => m.role !== 'guest').map((m) => m.at).sort()[0] ?? null;
      insConv.run(id, guest.id, channel, `thread-${id}`, status, reason, afterHours, msgs.length, last, firstResponse, status === 'resolved' ? last : null, at, last);
      for (const m of msgs) {
        insMsg.run(m.id, id, m.role, cipher.encrypt(`text of ${m.id}`, { table: 'messages', column: 'body', rowId: m.id }), m.provider, m.role === 'assistant' ? 0.8 : null, m.cost, null, null, null, m.at);
        if (m.role === 'assistant' && channel === 'widget' && rnd() < 0.6) insFeedback.run(m.id, id, rnd() < 0.7 ? 1 : 0, m.at, m.at);
      }
      if (rnd() < 0.65) {
        const leadId = newId('lead');
        const leadStatus = pick(['new', 'contacted', 'converted', 'converted', 'lost']);
        const converted = leadStatus === 'converted';
        insLead.run(
          leadId, id, guest.id, pick(INTENTS), leadStatus,
          cipher.encrypt(JSON.stringify({ phone: guest.phone, email: guest.email }), { table: 'leads', column: 'details', rowId: leadId }),
          channel, afterHours, converted ? Math.round(rnd() * 200_000) / 100 : null, converted ? iso(Math.floor(rnd() * 3 * 86_400_000)) : null, at, last,
        );
      }
    });
    for (let d = 0; d < opts.days + 2; d++) insSpend.run(new Date(base + d * 86_400_000).toISOString().slice(0, 10), Math.round(rnd() * 5_000_000) / 1e6);
  })();
}

interface Hotel {
  id: string;
  slug: string;
  timezone: string;
  currency: string;
}

const hotels: Record<'london' | 'newyork' | 'kl' | 'live', Hotel> = {
  london: { id: '', slug: 'harbour-london', timezone: 'Europe/London', currency: 'GBP' },
  newyork: { id: '', slug: 'hudson-ny', timezone: 'America/New_York', currency: 'USD' },
  kl: { id: '', slug: 'seri-kl', timezone: 'Asia/Kuala_Lumpur', currency: 'MYR' },
  live: { id: '', slug: 'live-kl', timezone: 'Asia/Kuala_Lumpur', currency: 'MYR' },
};

async function getJson<T>(client: StaffClient, path: string): Promise<T> {
  const res = await client.get(path);
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

beforeAll(async () => {
  s = await startTestServer({ env: { NOCTURN_OLLAMA_HOST: 'http://127.0.0.1:9', NOCTURN_OLLAMA_TIMEOUT_MS: '300', NOCTURN_EMBEDDER: 'none' } });
  for (const [name, h] of Object.entries(hotels)) {
    const res = await s.admin.post('/api/v1/properties', { name: `Hotel ${name}`, slug: h.slug, timezone: h.timezone, currency: h.currency });
    expect(res.status).toBe(201);
    h.id = ((await res.json()) as { id: string }).id;
  }
  manager = await s.staff('manager');
  // London: the clocks go forward at 01:00 UTC on Sunday 29 March 2026.
  seed(s.core.properties.scope(hotels.london.slug), {
    firstDayUtc: '2026-03-24',
    days: 10,
    seed: 1,
    edges: ['2026-03-28T23:30:00.000Z', '2026-03-29T00:30:00.000Z', '2026-03-29T00:59:59.000Z', '2026-03-29T01:00:00.000Z', '2026-03-29T22:59:00.000Z', '2026-03-29T23:30:00.000Z', '2026-03-30T23:10:00.000Z'],
  });
  // New York: the clocks go back at 06:00 UTC on Sunday 1 November 2026 (01:00-02:00 local happens twice).
  seed(s.core.properties.scope(hotels.newyork.slug), {
    firstDayUtc: '2026-10-28',
    days: 9,
    seed: 2,
    edges: ['2026-11-01T03:59:00.000Z', '2026-11-01T04:30:00.000Z', '2026-11-01T05:30:00.000Z', '2026-11-01T06:30:00.000Z', '2026-11-02T04:30:00.000Z', '2026-11-02T05:30:00.000Z'],
  });
  seed(s.core.properties.scope(hotels.kl.slug), { firstDayUtc: '2026-03-24', days: 10, seed: 3, edges: ['2026-03-28T15:59:59.000Z', '2026-03-28T16:00:00.000Z'] });
  for (const h of [hotels.london, hotels.newyork, hotels.kl]) s.core.reports.rebuild(s.core.properties.scope(h.slug));
}, 120_000);

afterAll(async () => {
  await s?.stop();
});

describe('figures on a generated dataset match the raw rows', () => {
  const cases = [
    { hotel: 'london' as const, from: '2026-03-28', to: '2026-03-31' },
    { hotel: 'london' as const, from: '2026-03-29', to: '2026-03-29' },
    { hotel: 'newyork' as const, from: '2026-10-31', to: '2026-11-02' },
    { hotel: 'newyork' as const, from: '2026-11-01', to: '2026-11-01' },
    { hotel: 'kl' as const, from: '2026-03-24', to: '2026-04-03' },
  ];
  for (const c of cases) {
    it(`${c.hotel} ${c.from}..${c.to}: every hero figure, now and in the previous period`, async () => {
      const h = hotels[c.hotel];
      const raw = readRaw(s.core.properties.scope(h.slug));
      const summary = await getJson<AnalyticsSummary>(manager, `/api/v1/properties/${h.id}/analytics/summary?from=${c.from}&to=${c.to}`);
      expect(summary.currency).toBe(h.currency);
      expect(summary.current.inquiries).toBeGreaterThan(0);
      checkFigures(summary.current, raw, h.timezone, c.from, c.to);
      checkFigures(summary.previous, raw, h.timezone, summary.previousPeriod.from, summary.previousPeriod.to);
      expect(summary.previousPeriod.days).toBe(summary.period.days);
      const prev = expectedFigures(raw, h.timezone, summary.previousPeriod.from, summary.previousPeriod.to).figures;
      const cur = expectedFigures(raw, h.timezone, c.from, c.to).figures;
      if (prev.inquiries === 0) expect(summary.change.inquiries).toBeNull();
      else expect(summary.change.inquiries).toBeCloseTo((cur.inquiries - prev.inquiries) / prev.inquiries, 6);
    });
  }

  it('puts conversations on the hotel day and hour across midnight and the spring-forward change (London)', async () => {
    const h = hotels.london;
    const raw = readRaw(s.core.properties.scope(h.slug));
    const a = await getJson<Analytics>(manager, `/api/v1/properties/${h.id}/analytics?from=2026-03-28&to=2026-03-31`);
    const m = model(raw, h.timezone);
    for (const day of a.days) {
      const convs = m.conversations.filter((c) => c.day === day.day);
      expect({ day: day.day, inquiries: day.inquiries, afterHours: day.afterHours, aiResolved: day.aiResolved, handoffs: day.handoffs }).toEqual({
        day: day.day,
        inquiries: convs.length,
        afterHours: convs.filter((c) => c.after_hours).length,
        aiResolved: convs.filter((c) => c.aiResolved).length,
        handoffs: convs.filter((c) => c.handedOff).length,
      });
      const conv = m.leads.filter((l) => l.convertedDay === day.day);
      expect(day.leads).toBe(m.leads.filter((l) => l.day === day.day).length);
      expect(day.conversions).toBe(conv.length);
      expect(day.bookingValue).toBeCloseTo(conv.reduce((n, l) => n + (l.booking_value ?? 0), 0), 2);
      expect(day.revenueRecovered).toBeCloseTo(conv.filter((l) => l.after_hours).reduce((n, l) => n + (l.booking_value ?? 0), 0), 2);
      expect(day.cloudCostUsd).toBeCloseTo(raw.spend.find((x) => x.day === day.day)?.spent_usd ?? 0, 6);
    }
    // 23:30 UTC on the 28th is 23:30 GMT (the 28th); 23:30 UTC on the 29th is 00:30 BST (the 30th).
    const drill = async (day: string, hour: number) =>
      (await getJson<DrillPage>(manager, `/api/v1/properties/${h.id}/analytics/conversations?metric=inquiries&from=${day}&to=${day}&hour=${hour}&limit=200`)).items.map((i) => i.startedAt);
    expect(await drill('2026-03-28', 23)).toContain('2026-03-28T23:30:00.000Z');
    expect(await drill('2026-03-30', 0)).toContain('2026-03-29T23:30:00.000Z');
    expect(await drill('2026-03-29', 23)).toContain('2026-03-29T22:59:00.000Z');
    // 00:59:59 UTC is 00:59:59 GMT; one second later it is 02:00 BST: 01:xx does not exist that night.
    expect(await drill('2026-03-29', 0)).toContain('2026-03-29T00:59:59.000Z');
    expect(await drill('2026-03-29', 2)).toContain('2026-03-29T01:00:00.000Z');
    expect(a.byHour.length).toBe(24);
    for (const row of a.byHour) {
      const convs = m.conversations.filter((c) => c.day >= '2026-03-28' && c.day <= '2026-03-31' && c.hour === row.hour);
      expect(row).toEqual({ hour: row.hour, inquiries: convs.length, afterHours: convs.filter((c) => c.after_hours).length });
    }
  });

  it('counts the repeated hour of the autumn change twice, on the right day (New York)', async () => {
    const h = hotels.newyork;
    const a = await getJson<Analytics>(manager, `/api/v1/properties/${h.id}/analytics?from=2026-11-01&to=2026-11-01`);
    const m = model(readRaw(s.core.properties.scope(h.slug)), h.timezone);
    const nov1 = m.conversations.filter((c) => c.day === '2026-11-01');
    expect(a.byHour[1]!.inquiries).toBe(nov1.filter((c) => c.hour === 1).length);
    expect(a.byHour[1]!.inquiries).toBeGreaterThanOrEqual(2); // 05:30Z (EDT) and 06:30Z (EST)
    expect(a.days).toEqual([expect.objectContaining({ day: '2026-11-01', inquiries: nov1.length })]);
    // 04:30 UTC on 2 November is 23:30 EST on 1 November; 03:59 UTC on 1 November is 23:59 EDT on 31 October.
    const ids = (await getJson<DrillPage>(manager, `/api/v1/properties/${h.id}/analytics/conversations?metric=inquiries&from=2026-11-01&to=2026-11-01&limit=200`)).items.map((i) => i.startedAt);
    expect(ids).toContain('2026-11-02T04:30:00.000Z');
    expect(ids).not.toContain('2026-11-01T03:59:00.000Z');
    expect(ids.length).toBe(nov1.length);
  });

  it('breaks the figures down by channel and intent', async () => {
    const h = hotels.kl;
    const a = await getJson<Analytics>(manager, `/api/v1/properties/${h.id}/analytics?from=2026-03-24&to=2026-04-03`);
    const e = expectedFigures(readRaw(s.core.properties.scope(h.slug)), h.timezone, '2026-03-24', '2026-04-03');
    for (const row of a.byChannel) {
      const convs = e.convs.filter((c) => c.channel === row.channel);
      expect(row.inquiries).toBe(convs.length);
      expect(row.afterHours).toBe(convs.filter((c) => c.after_hours).length);
      expect(row.handoffs).toBe(convs.filter((c) => c.handedOff).length);
      expect(row.leads).toBe(e.captured.filter((l) => l.source_channel === row.channel).length);
      expect(row.conversions).toBe(e.converted.filter((l) => l.source_channel === row.channel).length);
    }
    for (const row of a.byIntent) {
      expect(row.leads).toBe(e.captured.filter((l) => l.intent === row.intent).length);
      expect(row.conversions).toBe(e.converted.filter((l) => l.intent === row.intent).length);
      expect(row.bookingValue).toBeCloseTo(e.converted.filter((l) => l.intent === row.intent).reduce((n, l) => n + (l.booking_value ?? 0), 0), 2);
    }
    checkFigures(a.totals, readRaw(s.core.properties.scope(h.slug)), h.timezone, '2026-03-24', '2026-04-03');
  });

  it('drills down from a number to exactly the conversations behind it', async () => {
    const h = hotels.london;
    const e = expectedFigures(readRaw(s.core.properties.scope(h.slug)), h.timezone, '2026-03-24', '2026-04-03');
    const all = async (metric: string) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page: DrillPage = await getJson<DrillPage>(manager, `/api/v1/properties/${h.id}/analytics/conversations?metric=${metric}&from=2026-03-24&to=2026-04-03&limit=37${cursor ? `&cursor=${cursor}` : ''}`);
        ids.push(...page.items.map((i) => i.conversationId));
        cursor = page.nextCursor;
      } while (cursor);
      return ids.sort();
    };
    expect(await all('after_hours')).toEqual(e.convs.filter((c) => c.after_hours).map((c) => c.id).sort());
    expect(await all('handoffs')).toEqual(e.convs.filter((c) => c.handedOff).map((c) => c.id).sort());
    expect(await all('ai_resolved')).toEqual(e.convs.filter((c) => c.aiResolved).map((c) => c.id).sort());
    expect(await all('revenue_recovered')).toEqual(e.converted.filter((l) => l.after_hours).map((l) => l.conversation_id).sort());
    const page = await getJson<DrillPage>(manager, `/api/v1/properties/${h.id}/analytics/conversations?metric=after_hours&from=2026-03-24&to=2026-04-03&limit=1`);
    expect(page.items[0]!.transcriptAvailable).toBe(true);
    expect(JSON.stringify(page)).not.toMatch(/@example\.com|\+44/);
  });

  it('sums the group over the hotels a manager may see, money per currency', async () => {
    const scoped = await s.staff('manager', [hotels.london.id, hotels.newyork.id]);
    const g = await getJson<GroupSummary>(scoped, '/api/v1/group/analytics/summary?from=2026-03-24&to=2026-11-05');
    expect(g.hotels.map((x) => x.slug).sort()).toEqual([hotels.london.slug, hotels.newyork.slug].sort());
    expect(g.totals.inquiries).toBe(g.hotels.reduce((n, x) => n + x.current.inquiries, 0));
    expect(g.money.map((m) => m.currency)).toEqual(['GBP', 'USD']);
    for (const m of g.money) expect(m.bookingValue).toBeCloseTo(g.hotels.find((x) => x.currency === m.currency)!.current.bookingValue, 2);
    const all = await getJson<GroupSummary>(manager, '/api/v1/group/analytics/summary?from=2026-03-24&to=2026-11-05');
    expect(all.money.map((m) => m.currency)).toEqual(['GBP', 'MYR', 'USD']);
  });
});

describe('live rollups and a rebuild from the raw rows agree', () => {
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const LIVE_PERIOD = `from=${day(-10)}&to=${day(2)}`;
  let n = 0;
  const msg = (text: string, daysAgo: number, extra: Partial<InboundMessage> = {}): InboundMessage => ({
    channel: 'test',
    threadKey: `live-${++n}`,
    externalId: `live-e${n}`,
    text,
    from: { name: `Live Guest ${n}`, phone: `+6012555${String(n).padStart(4, '0')}`, email: `live${n}@example.com` },
    receivedAt: new Date(Date.now() - daysAgo * 86_400_000 - n * 60_000),
    ...extra,
  });

  async function snapshot(): Promise<unknown> {
    const h = hotels.live;
    const strip = (x: Record<string, unknown>) => JSON.parse(JSON.stringify(x, (k, v: unknown) => (k === 'generatedAt' ? undefined : v))) as unknown;
    // Reading the figures first: they take in feedback noted since the last event.
    const summary = strip(await getJson(manager, `/api/v1/properties/${h.id}/analytics/summary?${LIVE_PERIOD}`));
    const analytics = strip(await getJson(manager, `/api/v1/properties/${h.id}/analytics?${LIVE_PERIOD}`));
    const db = connectionOf(s.core.properties.scope(h.slug));
    const facts = db.prepare('select * from report_conversations order by conversation_id').all().map((r) => ({ ...(r as Record<string, unknown>), updated_at: undefined }));
    const leadFacts = db.prepare('select * from report_leads order by lead_id').all().map((r) => ({ ...(r as Record<string, unknown>), updated_at: undefined }));
    const daily = db.prepare('select * from report_daily order by day, channel').all();
    const hours = db.prepare('select * from report_daily_hours order by day, hour').all();
    const dailyLeads = db.prepare('select * from report_daily_leads order by day, channel, intent').all();
    const handoffs = db.prepare('select * from report_daily_handoffs order by day, channel, reason').all();
    return {
      summary,
      analytics,
      facts,
      leadFacts,
      daily,
      hours,
      dailyLeads,
      handoffs,
    };
  }

  it('drives traffic through the pipeline and staff actions, then rebuilds to the same numbers', async () => {
    const h = hotels.live;
    const scope = () => s.core.properties.scope(h.slug);
    s.core.knowledge.create(h.slug, { category: 'facilities', title: 'Swimming pool', content: 'The rooftop swimming pool is open daily from 7am to 10pm. Towels are provided at the pool.' });
    const outcomes = [];
    outcomes.push(await s.core.pipeline.handle(scope(), msg('hello', 3)));
    outcomes.push(await s.core.pipeline.handle(scope(), msg('Can I speak to a person please?', 3)));
    outcomes.push(await s.core.pipeline.handle(scope(), msg('Do you have an airport shuttle bus?', 2)));
    outcomes.push(await s.core.pipeline.handle(scope(), msg('Is there a shuttle bus to the airport?', 1)));
    outcomes.push(await s.core.pipeline.handle(scope(), msg('When is the rooftop swimming pool open?', 1)));
    outcomes.push(await s.core.pipeline.handle(scope(), msg('I would like to book a room for 2 adults from 24 to 27 December', 0)));
    outcomes.push(await s.core.pipeline.handle(scope(), msg('Can I bring my parrot to the spa sauna?', 0)));
    expect(outcomes.filter((o) => o.decision === 'handoff').length).toBeGreaterThanOrEqual(3);

    const [greeting, person, shuttle] = outcomes;
    const base = `/api/v1/properties/${h.id}/conversations`;
    expect((await s.admin.post(`${base}/${person!.conversationId}/take-over`)).status).toBe(200);
    expect((await s.admin.post(`${base}/${person!.conversationId}/messages`, { text: 'Hello, this is Aisha at the front desk.' })).status).toBe(201);
    expect((await s.admin.post(`${base}/${person!.conversationId}/resolve`)).status).toBe(200);
    expect((await s.admin.post(`${base}/${shuttle!.conversationId}/messages`, { text: 'Yes, every hour from 6am.' })).status).toBe(201);
    expect((await s.admin.post(`${base}/${shuttle!.conversationId}/hand-back`)).status).toBe(200);
    expect((await s.admin.post(`${base}/${greeting!.conversationId}/resolve`)).status).toBe(200);
    const leads = (await getJson<{ items: { id: string; conversationId: string }[] }>(s.admin, `/api/v1/properties/${h.id}/leads`)).items;
    const lead = leads.find((l) => l.conversationId === person!.conversationId)!;
    expect((await s.admin.patch(`/api/v1/properties/${h.id}/leads/${lead.id}`, { status: 'converted', bookingValue: 540.5 })).status).toBe(200);
    const other = leads.find((l) => l.conversationId === shuttle!.conversationId)!;
    expect((await s.admin.patch(`/api/v1/properties/${h.id}/leads/${other.id}`, { status: 'lost', lostReason: 'booked elsewhere' })).status).toBe(200);
    // A guest answers "was this helpful?" on the widget: no event, the database notes it.
    const reply = outcomes.find((o) => o.reply && o.decision === 'answer')?.reply ?? outcomes[0]!.reply!;
    const at = new Date().toISOString();
    connectionOf(scope()).prepare('insert into widget_feedback (message_id, conversation_id, helpful, created_at, updated_at) values (?, ?, 1, ?, ?)').run(reply.id, greeting!.conversationId, at, at);

    const live = await snapshot();
    const summary = (live as { summary: AnalyticsSummary }).summary;
    expect(summary.current.inquiries).toBe(7);
    expect(summary.current.conversions).toBe(1);
    expect(summary.current.bookingValue).toBe(540.5);
    expect(summary.current.handoffs).toBeGreaterThanOrEqual(3);
    expect(summary.current.handoffReasons.map((r) => r.reason)).toContain('asked_for_person');
    expect(summary.current.firstResponse.staff.count).toBe(2);
    expect(summary.current.feedback.helpful).toBe(1);

    // From scratch: drop every rollup, rebuild from the raw rows, compare.
    connectionOf(scope()).exec('delete from report_conversations; delete from report_leads; delete from report_daily; delete from report_daily_hours; delete from report_daily_leads; delete from report_daily_handoffs;');
    const rebuilt = s.core.reports.rebuild(scope());
    expect(rebuilt.conversations).toBe(7);
    expect(await snapshot()).toEqual(live);
  });

  it('keeps the figures when retention deletes the raw rows', async () => {
    const h = hotels.live;
    const scope = s.core.properties.scope(h.slug);
    const before = await getJson<AnalyticsSummary>(manager, `/api/v1/properties/${h.id}/analytics/summary?${LIVE_PERIOD}`);
    const victim = connectionOf(scope).prepare('select id, guest_id from conversations order by created_at limit 1').get() as { id: string; guest_id: string };
    connectionOf(scope).prepare('delete from guests where id = ?').run(victim.guest_id);
    s.core.reports.rebuild(scope);
    const after = await getJson<AnalyticsSummary>(manager, `/api/v1/properties/${h.id}/analytics/summary?${LIVE_PERIOD}`);
    expect(after.current).toEqual(before.current);
    const drill = await getJson<DrillPage>(manager, `/api/v1/properties/${h.id}/analytics/conversations?metric=inquiries&${LIVE_PERIOD}`);
    expect(drill.items.find((i) => i.conversationId === victim.id)?.transcriptAvailable).toBe(false);
  });

  it('clusters the questions the AI could not answer, and adds an answer to the knowledge base', async () => {
    const h = hotels.live;
    const gaps = (await getJson<{ items: KnowledgeGap[] }>(manager, `/api/v1/properties/${h.id}/knowledge-gaps`)).items;
    const shuttle = gaps.find((g) => /shuttle/i.test(g.question));
    expect(shuttle, JSON.stringify(gaps)).toBeDefined();
    expect(shuttle!.count).toBe(2);
    expect(gaps.find((g) => /parrot/.test(g.question))?.count).toBe(1);
    expect(JSON.stringify(gaps)).not.toMatch(/\+6012555|@example\.com/);
    const res = await manager.post(`/api/v1/properties/${h.id}/knowledge-gaps/${shuttle!.id}/knowledge`, {
      category: 'directions',
      title: 'Airport shuttle',
      content: 'A free shuttle bus leaves for the airport every hour from 6am to 10pm.',
    });
    expect(res.status).toBe(201);
    const { knowledgeItemId, gap } = (await res.json()) as { knowledgeItemId: string; gap: KnowledgeGap };
    expect(gap.status).toBe('added');
    const item = await getJson<{ title: string }>(manager, `/api/v1/properties/${h.id}/knowledge-base/items/${knowledgeItemId}`);
    expect(item.title).toBe('Airport shuttle');
    const open = (await getJson<{ items: KnowledgeGap[] }>(manager, `/api/v1/properties/${h.id}/knowledge-gaps`)).items;
    expect(open.find((g) => g.id === shuttle!.id)).toBeUndefined();
    expect((await manager.post(`/api/v1/properties/${h.id}/knowledge-gaps/${shuttle!.id}/dismiss`)).status).toBe(409);
  });
});

describe('rollups follow the writes, in batches', () => {
  it('rolls a burst up in the background, and takes in a write whose refresh never ran', async () => {
    const res = await s.admin.post('/api/v1/properties', { name: 'Hotel burst', slug: 'burst-kl', timezone: 'Asia/Kuala_Lumpur', currency: 'MYR' });
    const id = ((await res.json()) as { id: string }).id;
    const scope = s.core.properties.scope(id);
    const dirty = () => (connectionOf(scope).prepare('select count(*) as n from report_dirty').get() as { n: number }).n;
    const facts = () => (connectionOf(scope).prepare('select count(*) as n from report_conversations').get() as { n: number }).n;
    const guest = (i: number): InboundMessage => ({
      channel: 'test',
      threadKey: `burst-${i}`,
      externalId: `burst-e${i}`,
      text: 'hello',
      from: { name: `Burst Guest ${i}`, phone: `+6012777${String(i).padStart(4, '0')}` },
      receivedAt: new Date(),
    });
    // A burst: the messages are noted as they are written, and rolled up shortly after, without a read.
    await Promise.all(Array.from({ length: 30 }, (_, i) => s.core.pipeline.handle(scope, guest(i))));
    await vi.waitFor(() => expect(dirty()).toBe(0), { timeout: 5_000 });
    expect(facts()).toBe(30);

    // A conversation written with no event after it (as if the process died right after the commit):
    // the note is in the database, so the next read of the figures takes it in.
    scope.transaction(() => {
      const g = new GuestRepository(scope).insert({ name: 'Quiet Guest', phone: '+60127779999' }, new Date().toISOString());
      const conversations = new ConversationRepository(scope);
      const c = conversations.insert({ guestId: g.id, channel: 'test', threadBidx: 'quiet-thread', status: 'ai', language: 'en', afterHours: false, at: new Date().toISOString() });
      conversations.insertMessage({ conversationId: c.id, role: 'guest', body: 'Is breakfast included?', createdAt: new Date().toISOString() });
    });
    expect(dirty()).toBe(1);
    const summary = await getJson<AnalyticsSummary>(manager, `/api/v1/properties/${id}/analytics/summary`);
    expect(summary.current.inquiries).toBe(31);
    expect(dirty()).toBe(0);
  });
});

describe('report history, CSV and PDF', () => {
  let report: ReportInfo;

  it('makes a report on request and lists it in the history', async () => {
    const h = hotels.london;
    const res = await manager.post(`/api/v1/properties/${h.id}/reports`, { from: '2026-03-28', to: '2026-03-31' });
    expect(res.status).toBe(201);
    report = (await res.json()) as ReportInfo;
    const list = await getJson<{ items: ReportInfo[] }>(manager, `/api/v1/properties/${h.id}/reports`);
    expect(list.items.map((r) => r.id)).toContain(report.id);
  });

  it('renders a PDF whose text carries the hero numbers', async () => {
    const h = hotels.london;
    const summary = await getJson<AnalyticsSummary>(manager, `/api/v1/properties/${h.id}/analytics/summary?from=2026-03-28&to=2026-03-31`);
    const res = await manager.get(`/api/v1/properties/${h.id}/reports/${report.id}?format=pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(Buffer.from(bytes.subarray(0, 5)).toString()).toBe('%PDF-');
    const { text } = await extractText(await getDocumentProxy(bytes), { mergePages: true });
    const flat = text.replace(/\s+/g, ' ');
    const money = (v: number) => `GBP ${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    expect(flat).toContain(`Inquiries: ${summary.current.inquiries}`);
    expect(flat).toContain(`Leads: ${summary.current.leads}`);
    expect(flat).toContain(`Conversions: ${summary.current.conversions}`);
    expect(flat).toContain(`Hand-offs: ${summary.current.handoffs}`);
    expect(flat).toContain(`Booking value: ${money(summary.current.bookingValue)}`);
    expect(flat).toContain(`Revenue recovered after hours: ${money(summary.current.revenueRecovered)}`);
    expect(flat).toContain(`After-hours share: ${((summary.current.afterHoursShare ?? 0) * 100).toFixed(1)}%`);
    expect(flat).toContain('Inquiries per day');
    expect(flat).not.toMatch(/@example\.com|\+44 ?77/);
  });

  it('exports a CSV with one row per conversation and no phone number or email address', async () => {
    const h = hotels.london;
    const res = await manager.fetch(`/api/v1/properties/${h.id}/reports/${report.id}`, { headers: { accept: 'text/csv' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename=".+\.csv"/);
    const csv = await res.text();
    const lines = csv.trim().split('\r\n');
    const e = expectedFigures(readRaw(s.core.properties.scope(h.slug)), h.timezone, '2026-03-28', '2026-03-31');
    expect(lines.length - 1).toBe(e.convs.length);
    expect(new Set(lines.slice(1).map((l) => l.split(',')[0]))).toEqual(new Set(e.convs.map((c) => c.id)));
    expect(csv).not.toMatch(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/);
    expect(csv).not.toMatch(/\+?4477009\d{5}|\+44 ?77/);
    expect(csv).not.toMatch(/Guest \d/);
  });

  it('answers JSON by default with the stored figures', async () => {
    const h = hotels.london;
    const detail = await getJson<{ snapshot: { summary: AnalyticsSummary } }>(manager, `/api/v1/properties/${h.id}/reports/${report.id}`);
    expect(detail.snapshot.summary.period).toMatchObject({ from: '2026-03-28', to: '2026-03-31', days: 4 });
  });
});

describe('scheduled reports', () => {
  it('makes the daily report at the hotel’s local time, and the weekly one on its day, once', () => {
    let now = new Date('2026-03-30T05:59:00.000Z'); // 06:59 BST on Monday 30 March in London
    const clock = { now: () => now };
    const reports = new ReportService({ properties: s.core.properties, gaps: s.core.knowledgeGaps, leads: s.core.leads, clock, log: s.core.log });
    const london = { list: () => [s.core.properties.get(hotels.london.slug)], scope: (id: string) => s.core.properties.scope(id) };
    const scheduler = new ReportScheduler(reports, london, { dailyTime: '07:00', weeklyDay: 'mon' }, s.core.log);
    const before = scheduler.tick().map((r) => `${r.kind} ${r.period.from}..${r.period.to}`);
    expect(before).toEqual(['daily 2026-03-28..2026-03-28', 'weekly 2026-03-16..2026-03-22']);
    now = new Date('2026-03-30T06:00:00.000Z'); // 07:00 BST
    expect(scheduler.tick().map((r) => `${r.kind} ${r.period.from}..${r.period.to}`)).toEqual(['daily 2026-03-29..2026-03-29', 'weekly 2026-03-23..2026-03-29']);
    expect(scheduler.tick()).toEqual([]);
    now = new Date('2026-03-31T06:30:00.000Z');
    expect(scheduler.tick().map((r) => `${r.kind} ${r.period.from}..${r.period.to}`)).toEqual(['daily 2026-03-30..2026-03-30']);
  });
});

describe('report queries use their indexes', () => {
  const BIG = /\b(report_conversations|report_leads|report_daily\w*|messages|conversations|leads|knowledge_gap\w*|cloud_spend)\b/;
  function assertIndexed(plan: string[], what: string): void {
    const scans = plan.filter((d) => /^SCAN /.test(d) && !/^SCAN (CONSTANT ROW|\(subquery)/.test(d));
    expect(scans, `${what}: ${plan.join(' | ')}`).toEqual([]);
    expect(plan.some((d) => /^SEARCH /.test(d)), `${what}: ${plan.join(' | ')}`).toBe(true);
    for (const d of plan.filter((x) => BIG.test(x) && /^(SEARCH|SCAN) /.test(x))) expect(d, what).toMatch(/USING (COVERING )?(INDEX|PRIMARY KEY|INTEGER PRIMARY KEY)/);
  }

  it('reads every summary and trend query through an index range of days', () => {
    const repo = new ReportRepository(s.core.properties.scope(hotels.london.slug));
    for (const [name, sql] of Object.entries(REPORT_QUERIES)) assertIndexed(repo.explain(sql, '2026-03-01', '2026-03-31'), name);
  });

  it('drill-down, CSV and knowledge-gap lists use indexes too', () => {
    const scope = s.core.properties.scope(hotels.london.slug);
    const repo = new ReportRepository(scope);
    for (const metric of ['inquiries', 'after_hours', 'handoffs', 'leads', 'conversions', 'revenue_recovered']) {
      assertIndexed(repo.drillPlans({ metric, from: '2026-03-01', to: '2026-03-31', limit: 50, cursor: { startedAt: '2026-03-31T00:00:00Z', id: 'x' } }), `drill ${metric}`);
    }
    assertIndexed(new KnowledgeGapRepository(scope).explain(GAP_LIST_SQL, { status: 'open', from: '', to: 'z', limit: 50 }), 'knowledge gaps');
  });
});

describe('access', () => {
  it('answers 403 to agents on every reports route, and 200 to managers', async () => {
    const h = hotels.london;
    const agent = await s.staff('agent', [h.id]);
    const reportId = (await getJson<{ items: ReportInfo[] }>(manager, `/api/v1/properties/${h.id}/reports`)).items[0]!.id;
    const routes = s.routes.filter((r) => r.tag === 'reports');
    expect(routes.length).toBeGreaterThanOrEqual(10);
    for (const r of routes) {
      const path = r.path.replace(':id', h.id).replace(':reportId', reportId).replace(':gapId', 'gap_x');
      const res = r.method === 'get' ? await agent.get(path) : await agent.fetch(path, { method: r.method.toUpperCase(), body: JSON.stringify({}), headers: { 'content-type': 'application/json' } });
      expect(res.status, `${r.method.toUpperCase()} ${r.path}`).toBe(403);
      if (r.method === 'get') expect((await manager.get(path)).status, `manager ${r.path}`).toBe(200);
    }
  });

  it('hides another hotel’s reports from a manager not granted it', async () => {
    const scoped = await s.staff('manager', [hotels.kl.id]);
    expect((await scoped.get(`/api/v1/properties/${hotels.london.id}/analytics/summary`)).status).toBe(404);
  });
});
