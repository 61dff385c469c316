import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../test/support/wait.js';
import { Databases } from './databases.js';
import { WalCheckpointer } from './wal-checkpointer.js';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'nocturn-ckpt-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const MB = 1024 * 1024;
const size = (file: string) => (existsSync(file) ? statSync(file).size : 0);

/** Commits 8 MB (past SQLite's automatic checkpoint threshold of 1,000 pages) in one transaction. */
function writeLarge(dbs: Databases): void {
  dbs.group.exec('create table if not exists ckpt_test (b blob)');
  dbs.group.prepare('insert into ckpt_test (b) values (?)').run(Buffer.alloc(8 * MB, 7));
}

describe('write-ahead-log checkpoints', () => {
  it('a large commit returns without copying the log into the database file; the worker copies it soon after', async () => {
    const dir = tmp();
    const dbs = new Databases({ dataDir: dir, busyTimeoutMs: 1000, synchronous: 'NORMAL' });
    const file = path.join(dir, 'group.db');
    try {
      writeLarge(dbs);
      expect(size(file)).toBeLessThan(MB);
      await until(() => size(file) > 8 * MB, 'the worker to checkpoint the log', 10_000);
      expect(dbs.group.prepare('select length(b) as n from ckpt_test').get()).toEqual({ n: 8 * MB });
    } finally {
      dbs.close();
    }
    // Only the main connection was left to close: it removed the log as SQLite does on a clean close.
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('inside the commit when asked to (the behaviour the worker replaces)', () => {
    const dir = tmp();
    const dbs = new Databases({ dataDir: dir, busyTimeoutMs: 1000, synchronous: 'NORMAL', checkpoints: 'inline' });
    try {
      writeLarge(dbs);
      expect(size(path.join(dir, 'group.db'))).toBeGreaterThan(8 * MB);
    } finally {
      dbs.close();
    }
  });

  it('closing a hotel’s database lets go of its file at once, so it can be deleted', async () => {
    const dir = tmp();
    const dbs = new Databases({ dataDir: dir, busyTimeoutMs: 1000, synchronous: 'NORMAL' });
    const id = 'prop_checkpoint01';
    const file = dbs.propertyFile(id);
    try {
      const db = dbs.property(id);
      db.exec('create table ckpt_test (b blob)');
      db.prepare('insert into ckpt_test (b) values (?)').run(Buffer.alloc(MB, 1));
      await until(() => size(file) > MB, 'the worker to open and checkpoint the hotel’s file', 10_000);
      dbs.closeProperty(id);
      // The worker's connection was closed first, so the main one was the last: the log is gone.
      expect(existsSync(`${file}-wal`)).toBe(false);
      rmSync(file);
      // Opened again, the hotel's file is new and migrated, and checkpointed again.
      dbs.property(id).exec('create table ckpt_again (b blob)');
      expect(existsSync(file)).toBe(true);
    } finally {
      dbs.close();
    }
  });

  it('a worker that cannot start is reported, and asking it to let go of a file does not wait for it', async () => {
    const failures: unknown[] = [];
    const checkpointer = new WalCheckpointer({ synchronous: 'NORMAL', onFailure: (err) => failures.push(err), source: 'throw new Error("no driver")' });
    await until(() => failures.length === 1, 'the failure to be reported');
    expect(checkpointer.running).toBe(false);
    const started = Date.now();
    checkpointer.release('/nowhere/group.db');
    checkpointer.stop();
    expect(Date.now() - started).toBeLessThan(500);
    expect(failures).toHaveLength(1);
  });
});
