import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bindConnection } from '../../../db/handle.js';
import { Databases } from '../../../db/databases.js';
import { BlindIndex } from '../../vault/field-crypto.js';
import { EmailThreadRepository } from './email-thread.repository.js';

let dir: string;
let databases: Databases;
let repo: EmailThreadRepository;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'nocturn-email-'));
  databases = new Databases({ dataDir: dir, busyTimeoutMs: 1000, synchronous: 'NORMAL' });
  repo = new EmailThreadRepository(bindConnection({ blindIndex: new BlindIndex(randomBytes(32)) }, databases.property('prop_emailthreads01')));
});
afterEach(() => {
  databases.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('email threads (property migration 0005)', () => {
  it('maps Message-IDs to their thread; the first mapping wins', () => {
    repo.record('root@guest', 'root@guest', 'inbound', '2025-12-01T00:00:00Z');
    repo.record('nocturn.out_1@hotel', 'root@guest', 'outbound', '2025-12-01T00:01:00Z');
    repo.record('nocturn.out_1@hotel', 'other@guest', 'outbound', '2025-12-01T00:02:00Z');
    expect(repo.lookup(['nocturn.out_1@hotel', 'unknown@x'])).toEqual(new Map([['nocturn.out_1@hotel', repo.threadKeyOf('root@guest')]]));
    expect(repo.lookup([])).toEqual(new Map());
    // Neither the Message-IDs nor the thread key are stored as they are.
    const stored = JSON.stringify(databases.property('prop_emailthreads01').prepare('select * from email_threads').all());
    expect(stored).not.toMatch(/guest|hotel/);
  });

  it('looks Message-IDs up by primary key', () => {
    const db = databases.property('prop_emailthreads01');
    const plan = db
      .prepare('explain query plan select message_id, thread_key from email_threads where message_id in (select value from json_each(?))')
      .all('["a@b"]') as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' | ')).toMatch(/SEARCH email_threads USING INDEX sqlite_autoindex_email_threads_1 \(message_id=\?\)/);
  });

  it('accepts a webhook token once, forgets it after the window, and can give it back', () => {
    expect(repo.consumeToken('tok-1', 1_000_000, 60_000)).toBe(true);
    expect(repo.consumeToken('tok-1', 1_000_500, 60_000)).toBe(false);
    repo.releaseToken('tok-1');
    expect(repo.consumeToken('tok-1', 1_001_000, 60_000)).toBe(true);
    // Long after the window, the old row is pruned (its timestamp could never pass the freshness check anyway).
    expect(repo.consumeToken('tok-2', 1_200_000, 60_000)).toBe(true);
    expect(repo.consumeToken('tok-1', 1_200_000, 60_000)).toBe(true);
  });
});
