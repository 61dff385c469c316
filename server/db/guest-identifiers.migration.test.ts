import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from './migrate.js';
import { openDatabase, type Db } from './sqlite.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A hotel database migrated up to (not including) the named migration. */
function hotelDbBefore(name: string): Db {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nocturn-mig-ids-'));
  dirs.push(dir);
  const db = openDatabase(path.join(dir, 'hotel.db'), { busyTimeoutMs: 1000, synchronous: 'FULL', vector: true });
  const all = loadMigrations('property');
  migrate(db, all.slice(0, all.findIndex((m) => m.name === name)), 'hotel.db');
  return db;
}

describe('the guest identifiers migration: guest identifiers, and only real leads counted', () => {
  it('keeps captured inquiries but sums only real leads into the daily lead figures', () => {
    const db = hotelDbBefore('guest_identifiers_and_leads');
    const at = '2026-12-01T10:00:00.000Z';
    db.prepare("insert into guests (id, created_at, updated_at) values ('g1', ?, ?)").run(at, at);
    const lead = (id: string, intent: string, status: string, value: number | null, convertedDay: string | null) => {
      db.prepare("insert into conversations (id, guest_id, channel, thread_bidx, status, last_message_at, created_at, updated_at) values (?, 'g1', 'widget', ?, 'ai', ?, ?, ?)").run(`c-${id}`, `t-${id}`, at, at, at);
      db.prepare("insert into leads (id, conversation_id, guest_id, intent, status, details_enc, source_channel, booking_value, converted_at, created_at, updated_at) values (?, ?, 'g1', ?, ?, x'00', 'widget', ?, ?, ?, ?)")
        .run(id, `c-${id}`, intent, status, value, convertedDay ? at : null, at, at);
      db.prepare("insert into report_leads (lead_id, conversation_id, day, converted_day, channel, intent, after_hours, status, booking_value, updated_at) values (?, ?, '2026-12-01', ?, 'widget', ?, 0, ?, ?, ?)")
        .run(id, `c-${id}`, convertedDay, intent, status, value, at);
    };
    lead('plain', 'other', 'new', null, null);
    lead('booking', 'room_booking', 'new', null, null);
    lead('won', 'other', 'converted', 500, '2026-12-01');
    // The rollup as earlier versions kept it: every inquiry a lead.
    db.prepare("insert into report_daily_leads (day, channel, intent, leads, conversions, booking_value) values ('2026-12-01', 'widget', 'other', 2, 1, 500), ('2026-12-01', 'widget', 'room_booking', 1, 0, 0)").run();

    migrate(db, loadMigrations('property'), 'hotel.db');

    expect(db.prepare('select id, is_lead from leads order by id').all()).toEqual([
      { id: 'booking', is_lead: 1 },
      { id: 'plain', is_lead: 0 },
      { id: 'won', is_lead: 1 },
    ]);
    expect(db.prepare('select lead_id, is_lead from report_leads order by lead_id').all()).toEqual([
      { lead_id: 'booking', is_lead: 1 },
      { lead_id: 'plain', is_lead: 0 },
      { lead_id: 'won', is_lead: 1 },
    ]);
    expect(db.prepare('select intent, leads, conversions, booking_value from report_daily_leads order by intent').all()).toEqual([
      { intent: 'other', leads: 1, conversions: 1, booking_value: 500 },
      { intent: 'room_booking', leads: 1, conversions: 0, booking_value: 0 },
    ]);
    // Leaving contact details makes an inquiry a lead.
    db.prepare("update leads set contact_given = 1 where id = 'plain'").run();
    expect(db.prepare("select is_lead from leads where id = 'plain'").pluck().get()).toBe(1);
    db.close();
  });

  it('finds identifiers and catches up on leads through indexes', () => {
    const db = hotelDbBefore('guest_identifiers_and_leads');
    migrate(db, loadMigrations('property'), 'hotel.db');
    const plan = (sql: string, ...params: unknown[]) => (db.prepare(`explain query plan ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join('\n');
    expect(plan("select guest_id from guest_identifiers where bidx in (select value from json_each('[]'))")).toMatch(/SEARCH guest_identifiers USING PRIMARY KEY/);
    expect(plan("select bidx from guest_identifiers where guest_id in (select value from json_each('[]'))")).toMatch(/USING (COVERING )?INDEX guest_identifiers_guest/);
    expect(plan("select id from leads where updated_at > '' or (updated_at = '' and id > '') order by updated_at, id limit 10")).toMatch(/leads_updated_at/);
    db.close();
  });
});
