import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
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
});
