import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as sqliteVec from 'sqlite-vec';
import { Databases } from './databases.js';
import { loadMigrations, migrate, MigrationError } from './migrate.js';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'nocturn-mig-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const opts = (dataDir: string) => ({ dataDir, busyTimeoutMs: 1000, synchronous: 'FULL' as const });

describe('migrations', () => {
  it('brings a new group database to the latest version, and a second start is a no-op', () => {
    const dir = tmp();
    const latest = loadMigrations('group').length;
    const first = new Databases(opts(dir));
    expect(first.group.pragma('user_version', { simple: true })).toBe(latest);
    first.group.prepare("insert into settings (key, value, updated_at) values ('k', '1', 'now')").run();
    first.close();

    const db = new Database(path.join(dir, 'group.db'));
    const result = migrate(db, loadMigrations('group'), 'group.db');
    expect(result).toEqual({ from: latest, to: latest });
    expect(db.prepare('select value from settings').get()).toEqual({ value: '1' });
    db.close();
  });

  it('refuses a database from a newer Nocturn with a clear error, and leaves it untouched', () => {
    const dir = tmp();
    new Databases(opts(dir)).close();
    const raw = new Database(path.join(dir, 'group.db'));
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => new Databases(opts(dir))).toThrow(MigrationError);
    expect(() => new Databases(opts(dir))).toThrow(/schema version 99, newer than this Nocturn build/);
    const after = new Database(path.join(dir, 'group.db'));
    expect(after.pragma('user_version', { simple: true })).toBe(99);
    after.close();
  });

  it('rolls back a failing migration completely', () => {
    const db = new Database(':memory:');
    expect(() =>
      migrate(
        db,
        [
          { version: 1, name: 'ok', sql: 'create table a (x integer) strict;' },
          { version: 2, name: 'bad', sql: 'create table b (x integer) strict; insert into nope values (1);' },
        ],
        'test.db',
      ),
    ).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("select name from sqlite_master where name = 'b'").get()).toBeUndefined();
    db.close();
  });

  it('opens hotel databases with WAL, foreign keys and sqlite-vec', () => {
    const d = new Databases(opts(tmp()));
    const db = d.property('prop_abcdefghijkl');
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect((db.prepare('select vec_version() as v').get() as { v: string }).v).toMatch(/^v0\./);
    expect(() => d.property('../../etc/passwd')).toThrow(/invalid property id/);
    d.close();
  });

  it('enforces CHECK constraints on enums', () => {
    const d = new Databases(opts(tmp()));
    expect(() =>
      d.group
        .prepare(
          "insert into properties (id, slug, name, timezone, plan, desk_hours, created_at, updated_at) values ('p', 'ok', 'n', 'UTC', 'gold', '{}', 'x', 'x')",
        )
        .run(),
    ).toThrow(/CHECK constraint failed/);
    d.close();
  });

  it('rebuilds the conversations table for the booking hand-off reason without losing a row or a child', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    sqliteVec.load(db);
    const all = loadMigrations('property');
    const rebuild = all.find((m) => m.name === 'booking_handoff')!;
    migrate(db, all.slice(0, rebuild.version - 1), 'hotel.db');
    const at = '2026-12-01T00:00:00Z';
    db.prepare('insert into guests (id, created_at, updated_at) values (?, ?, ?)').run('g1', at, at);
    db.prepare("insert into conversations (id, guest_id, channel, thread_bidx, status, handoff_reason, last_message_at, created_at, updated_at) values ('c1', 'g1', 'widget', 't', 'needs_human', 'low_confidence', ?, ?, ?)").run(at, at, at);
    db.prepare("insert into messages (id, conversation_id, role, body_enc, created_at) values ('m1', 'c1', 'guest', x'00', ?)").run(at);
    db.prepare("insert into leads (id, conversation_id, guest_id, intent, details_enc, source_channel, created_at, updated_at) values ('l1', 'c1', 'g1', 'other', x'00', 'widget', ?, ?)").run(at, at);
    expect(() => db.prepare("update conversations set handoff_reason = 'booking' where id = 'c1'").run()).toThrow(/CHECK/);

    migrate(db, all, 'hotel.db');
    expect(db.prepare('select id, status, handoff_reason from conversations').all()).toEqual([{ id: 'c1', status: 'needs_human', handoff_reason: 'low_confidence' }]);
    expect(db.prepare('select count(*) as n from messages').get()).toEqual({ n: 1 }); // no cascade from the rebuild
    expect(db.prepare('select count(*) as n from leads').get()).toEqual({ n: 1 });
    db.prepare('delete from report_dirty').run();
    db.prepare("update conversations set handoff_reason = 'booking' where id = 'c1'").run();
    expect(db.prepare('select conversation_id from report_dirty').all()).toEqual([{ conversation_id: 'c1' }]); // the trigger came back
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(() => db.prepare("insert into messages (id, conversation_id, role, body_enc, created_at) values ('m2', 'nope', 'guest', x'00', ?)").run(at)).toThrow(/FOREIGN KEY/);
    const plan = db.prepare("explain query plan select id from conversations where status_rank = 0 order by status_rank, last_message_at desc").all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/conversations_inbox/);
    db.close();
  });
});
