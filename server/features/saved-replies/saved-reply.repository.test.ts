import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bindConnection } from '../../db/handle.js';
import { Databases } from '../../db/databases.js';
import { SavedReplyRepository } from './saved-reply.repository.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'nocturn-replies-'));
const dbs = new Databases({ dataDir: dir, busyTimeoutMs: 1000, synchronous: 'NORMAL' });
afterAll(() => {
  dbs.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('saved replies table', () => {
  const repo = new SavedReplyRepository(bindConnection({}, dbs.property('prop_replies0001')));

  it('lists by shortcut from the unique index, without sorting', () => {
    for (const s of ['wifi', 'breakfast', 'parking']) repo.insert({ shortcut: s, text: `About ${s}`, createdBy: null, at: '2026-12-01T00:00:00Z' });
    expect(repo.list().map((r) => r.shortcut)).toEqual(['breakfast', 'parking', 'wifi']);
    const plan = repo.explainList().join('\n');
    expect(plan).toMatch(/sqlite_autoindex_saved_replies/);
    expect(plan).not.toMatch(/USE TEMP B-TREE/);
  });

  it('refuses a shortcut the database cannot hold, whatever the caller checked', () => {
    expect(() => repo.insert({ shortcut: 'Has Space', text: 'x', createdBy: null, at: '2026-12-01T00:00:00Z' })).toThrow(/CHECK constraint/);
    expect(() => repo.insert({ shortcut: 'wifi', text: 'again', createdBy: null, at: '2026-12-01T00:00:00Z' })).toThrow(/UNIQUE/);
  });
});
