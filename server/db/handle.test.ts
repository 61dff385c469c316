import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Databases } from './databases.js';
import { bindConnection, connectionOf, type Transactional } from './handle.js';

let dir: string;
let dbs: Databases;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'nocturn-handle-'));
  dbs = new Databases({ dataDir: dir, busyTimeoutMs: 1000, synchronous: 'NORMAL' });
});
afterEach(() => {
  dbs.close();
  rmSync(dir, { recursive: true, force: true });
});

const HOTEL = 'prop_handletest01';
const insertMeta = (scope: Transactional, key: string) => connectionOf(scope).prepare('insert into meta (key, value) values (?, ?)').run(key, 'v');
const metaKeys = (scope: Transactional) => connectionOf(scope).prepare(`select key from meta where key like 't-%' order by key`).pluck().all();

describe("a hotel's scope as service code holds it", () => {
  it('runs work in one transaction: a failure keeps none of it, a failed nested step keeps the rest', () => {
    const scope = dbs.bindProperty(HOTEL, { property: { id: HOTEL } });
    expect(() =>
      scope.transaction(() => {
        insertMeta(scope, 't-lost');
        throw new Error('guard failed');
      }),
    ).toThrow('guard failed');
    const kept = scope.transaction(() => {
      insertMeta(scope, 't-a');
      try {
        scope.transaction(() => {
          insertMeta(scope, 't-b');
          throw new Error('inner');
        });
      } catch {
        // the inner step is rolled back to its savepoint
      }
      insertMeta(scope, 't-c');
      return 'done';
    });
    expect(kept).toBe('done');
    expect(metaKeys(scope)).toEqual(['t-a', 't-c']);
  });

  it('reaches its own hotel only, and nothing that was not bound to a connection', () => {
    const a = dbs.bindProperty(HOTEL, {});
    const b = dbs.bindProperty('prop_handletest02', {});
    insertMeta(a, 't-only-a');
    expect(metaKeys(a)).toEqual(['t-only-a']);
    expect(metaKeys(b)).toEqual([]);
    expect(connectionOf(dbs.bindProperty(HOTEL, {}))).toBe(connectionOf(a));
    expect(() => connectionOf({ transaction: <T>(fn: () => T) => fn() })).toThrow(/not bound/);
  });

  it('checkpoint() leaves no deleted row in the write-ahead log', () => {
    const scope = dbs.bindProperty(HOTEL, {});
    for (let i = 0; i < 50; i++) insertMeta(scope, `t-${i}`);
    connectionOf(scope).prepare(`delete from meta where key like 't-%'`).run();
    const wal = `${dbs.propertyFile(HOTEL)}-wal`;
    expect(statSync(wal).size).toBeGreaterThan(0);
    scope.checkpoint();
    expect(statSync(wal).size).toBe(0);
  });

  it('binds any object, so tests and the composition root can hand a plain connection to a repository', () => {
    const db = dbs.property(HOTEL);
    const handle = bindConnection({ label: 'x' }, db);
    expect(handle.label).toBe('x');
    expect(connectionOf(handle)).toBe(db);
  });
});

describe('the databases, as the composition root and the property service use them', () => {
  it('answers the readiness check with the open hotel files and the sqlite-vec version', () => {
    expect(dbs.check()).toEqual({ openPropertyDatabases: 0, sqliteVec: undefined });
    dbs.openProperty(HOTEL);
    expect(dbs.check()).toMatchObject({ openPropertyDatabases: 1, sqliteVec: expect.stringMatching(/^v\d/) });
  });

  it("removes a hotel's file with its -wal and -shm, and a later open starts an empty database", () => {
    const scope = dbs.bindProperty(HOTEL, {});
    insertMeta(scope, 't-gone');
    const file = dbs.propertyFile(HOTEL);
    expect(existsSync(`${file}-wal`)).toBe(true);
    dbs.removeProperty(HOTEL);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(existsSync(f)).toBe(false);
    expect(metaKeys(dbs.bindProperty(HOTEL, {}))).toEqual([]);
  });
});
