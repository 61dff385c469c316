import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { connectionOf } from '../server/db/handle.js';
import { loadConfig } from '../server/config/config.js';
import { openCore } from '../server/core.js';
import type { PropertyScope } from '../server/features/properties/property.service.js';
import { addDays } from '../server/features/reports/local-calendar.js';
import { cliActor } from '../server/shared/actor.js';
import { createLogger } from '../server/shared/logger.js';

/**
 * Manager reports at scale: 1M messages across 3 hotels over a year, written straight into the
 * hotel databases with prepared statements, then the rollups rebuilt, then the latency of the
 * summary (hero numbers with the previous period) and of the 90-day trend (analytics), per hotel
 * and for the group. Target: under 300 ms each.
 */
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1_000_000);
const DAYS = Number(process.env.BENCH_DAYS ?? 365);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const TARGET_MS = 300;

function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes about `messages` messages (1-7 per conversation) into one hotel, ending today. */
export function generate(scope: PropertyScope, messages: number, seed: number): { conversations: number; messages: number; leads: number } {
  const next = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  const db = connectionOf(scope);
  const insGuest = db.prepare('insert into guests (id, created_at, updated_at) values (?, ?, ?)');
  const insConv = db.prepare(
    `insert into conversations (id, guest_id, channel, thread_bidx, status, handoff_reason, after_hours, message_count, last_message_at, first_response_at, resolved_at, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insMsg = db.prepare('insert into messages (id, conversation_id, role, body_enc, provider, confidence, cost_usd, latency_ms, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const insLead = db.prepare(
    `insert into leads (id, conversation_id, guest_id, intent, status, details_enc, source_channel, after_hours, booking_value, converted_at, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insSpend = db.prepare('insert into cloud_spend (day, spent_usd) values (?, ?) on conflict (day) do nothing');
  const blob = randomBytes(64);
  const end = Date.now();
  const start = end - DAYS * 86_400_000;
  let written = 0;
  let conversations = 0;
  let leads = 0;
  let guestId = '';
  const batch = db.transaction((until: number) => {
    while (written < until) {
      const t0 = start + Math.floor(next() * (end - start - 86_400_000));
      const at = (ms: number) => new Date(t0 + ms).toISOString();
      const id = `cnv_b${seed}_${conversations++}`;
      if (conversations % 3 === 1) {
        guestId = `gst_b${seed}_${conversations}`;
        insGuest.run(guestId, at(0), at(0));
      }
      const hour = new Date(t0).getUTCHours();
      const afterHours = hour < 1 || hour >= 14 ? 1 : 0;
      const n = 1 + Math.floor(next() * 7);
      let last = at(0);
      let staff = false;
      let firstResponse: string | null = null;
      const msgs: [string, string, string | null, number | null][] = [];
      for (let k = 0; k < n; k++) {
        const role = k === 0 ? 'guest' : k % 2 === 1 ? (next() < 0.85 ? 'assistant' : 'staff') : 'guest';
        if (role === 'staff') staff = true;
        last = at(k * (5_000 + Math.floor(next() * 600_000)));
        if (role !== 'guest') firstResponse ??= last;
        const cloud = role === 'assistant' && next() < 0.1;
        msgs.push([role, last, role === 'assistant' ? (cloud ? 'cloud' : 'ollama') : null, cloud ? 0.0004 : null]);
      }
      const status = staff ? pick(['human', 'resolved'] as const) : pick(['ai', 'ai', 'resolved', 'needs_human'] as const);
      const reason = status === 'needs_human' ? pick(['no_knowledge', 'low_confidence', 'asked_for_person', 'complaint'] as const) : null;
      insConv.run(id, guestId, pick(['whatsapp', 'email', 'widget'] as const), id, status, reason, afterHours, n, last, firstResponse, status === 'resolved' ? last : null, at(0), last);
      for (const [role, created, provider, cost] of msgs) {
        insMsg.run(`msg_b${seed}_${written++}`, id, role, blob, provider, role === 'assistant' ? 0.8 : null, cost, role === 'assistant' ? 900 : null, created);
      }
      if (next() < 0.6) {
        const converted = next() < 0.25;
        insLead.run(
          `lead_b${seed}_${leads++}`, id, guestId, pick(['room_booking', 'event', 'dining', 'other'] as const), converted ? 'converted' : pick(['new', 'contacted', 'lost'] as const),
          blob, pick(['whatsapp', 'email', 'widget'] as const), afterHours, converted ? Math.round(next() * 300_000) / 100 : null, converted ? at(86_400_000 * next()) : null, at(0), last,
        );
      }
    }
  });
  for (let until = 50_000; written < messages; until += 50_000) batch(Math.min(until, messages));
  db.transaction(() => {
    for (let d = 0; d <= DAYS; d++) insSpend.run(new Date(start + d * 86_400_000).toISOString().slice(0, 10), Math.round(next() * 2_000_000) / 1e6);
  })();
  return { conversations, messages: written, leads };
}

function timed(runs: number, fn: () => unknown): { p50Ms: number; p95Ms: number; maxMs: number } {
  fn(); // warm the statement cache
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const at = (p: number) => Math.round(ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]! * 10) / 10;
  return { p50Ms: at(0.5), p95Ms: at(0.95), maxMs: Math.round(ms.at(-1)! * 10) / 10 };
}

export async function run() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nocturn-bench-reports-'));
  const log = createLogger({ level: 'error' });
  const config = loadConfig({ NOCTURN_ENV: 'test', NOCTURN_DATA_DIR: dir, NOCTURN_EMBEDDER: 'none', NOCTURN_DB_SYNCHRONOUS: 'NORMAL', NOCTURN_LOG_LEVEL: 'error' });
  const core = openCore({ config, log });
  try {
    const zones = ['Asia/Kuala_Lumpur', 'Europe/London', 'America/New_York'];
    const hotels = zones.map((timezone, i) => core.properties.create({ name: `Bench ${i + 1}`, slug: `bench-${i + 1}`, timezone, currency: ['MYR', 'GBP', 'USD'][i] }, cliActor('bench')));
    const perHotel = Math.ceil(MESSAGES / hotels.length);
    const t0 = performance.now();
    const data = hotels.map((h, i) => generate(core.properties.scope(h.id), perHotel, i + 1));
    const generateMs = Math.round(performance.now() - t0);
    const rebuild = hotels.map((h) => core.reports.rebuild(core.properties.scope(h.id), { gaps: false }));

    const latency = hotels.map((h) => {
      const scope = core.properties.scope(h.id);
      const today = new Date().toISOString().slice(0, 10);
      const ninety = { from: addDays(today, -89), to: today };
      return {
        hotel: h.slug,
        timezone: h.timezone,
        summary7Days: timed(RUNS, () => core.reports.summary(scope, {})),
        summary90Days: timed(RUNS, () => core.reports.summary(scope, ninety)),
        trend90Days: timed(RUNS, () => core.reports.analytics(scope, ninety)),
      };
    });
    const today = new Date().toISOString().slice(0, 10);
    const group90Days = timed(RUNS, () => core.reports.groupSummary(cliActor('bench'), { from: addDays(today, -89), to: today }));
    // One live update: what every message event costs the pipeline.
    const scope = core.properties.scope(hotels[0]!.id);
    const ids = connectionOf(scope).prepare('select id from conversations order by random() limit 200').pluck().all() as string[];
    let i = 0;
    const note = connectionOf(scope).prepare('insert or ignore into report_dirty (conversation_id) values (?)');
    const liveRefresh = timed(RUNS * 10, () => {
      note.run(ids[i++ % ids.length]!);
      core.reports.refreshNoted(scope);
      connectionOf(scope).prepare("update report_conversations set status = 'ai' where conversation_id = ?").run(ids[i % ids.length]);
    });
    const worst = Math.max(...latency.flatMap((l) => [l.summary7Days.p95Ms, l.summary90Days.p95Ms, l.trend90Days.p95Ms]), group90Days.p95Ms);
    return {
      benchmark: 'reports',
      dataset: {
        hotels: hotels.length,
        days: DAYS,
        messages: data.reduce((n, d) => n + d.messages, 0),
        conversations: data.reduce((n, d) => n + d.conversations, 0),
        leads: data.reduce((n, d) => n + d.leads, 0),
        generateMs,
      },
      rebuildMs: rebuild.map((r) => r.ms),
      latency,
      group90Days,
      liveRefreshPerEvent: liveRefresh,
      targetMs: TARGET_MS,
      worstP95Ms: worst,
      withinTarget: worst < TARGET_MS,
      note: 'service-level latency (SQL + JSON-ready objects, no HTTP); summary includes the previous period; trend = analytics for 90 days (daily series, by channel, intent, hour)',
      machine: { cpus: os.cpus().length, platform: process.platform, node: process.version },
    };
  } finally {
    await core.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
