import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bindConnection } from '../../db/handle.js';
import { Databases } from '../../db/databases.js';
import type { Db } from '../../db/sqlite.js';
import { KNOWLEDGE_SQL, KnowledgeRepository } from './knowledge.repository.js';
import type { KnowledgeItem } from './knowledge.schemas.js';

let dir: string;
let dbs: Databases;
let db: Db;
let repo: KnowledgeRepository;
const now = '2026-11-21T00:00:00.000Z';

function item(id: string, title: string, content: string, active = true): KnowledgeItem {
  return { id, category: 'faqs', title, content, metadata: {}, active, source: null, author: null, createdAt: now, updatedAt: now };
}

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'nocturn-kb-'));
  dbs = new Databases({ dataDir: dir, busyTimeoutMs: 1000, synchronous: 'NORMAL' });
  db = dbs.property('prop_repotest0001');
  repo = new KnowledgeRepository(bindConnection({}, db));
});
afterEach(() => {
  dbs.close();
  rmSync(dir, { recursive: true, force: true });
});

function plan(sql: string): string {
  const params = (sql.match(/\?/g) ?? []).map((_, i) => (i === 0 && sql.includes('json_each') ? '[1]' : 1));
  return (db.prepare(`explain query plan ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');
}

describe('knowledge schema (migration 0002)', () => {
  it('uses an index for every list and queue query', () => {
    expect(plan(KNOWLEDGE_SQL.listByCategory)).toMatch(/USING INDEX knowledge_items_list/);
    expect(plan(KNOWLEDGE_SQL.listAll)).toMatch(/USING INDEX knowledge_items_list/);
    expect(plan(KNOWLEDGE_SQL.byTitle)).toMatch(/USING INDEX knowledge_items_title/);
    expect(plan(KNOWLEDGE_SQL.pending)).toMatch(/USING (COVERING )?INDEX knowledge_chunks_pending/);
  });

  it('refuses a second item with the same title in any letter case, and bad categories or metadata', () => {
    repo.insert(item('kn_1', 'Parking', 'Car park on B1.'));
    expect(() => repo.insert(item('kn_2', 'PARKING', 'x'))).toThrow(/UNIQUE/);
    expect(() => repo.insert({ ...item('kn_3', 'Spa', 'x'), category: 'spa' as never })).toThrow(/CHECK/);
    expect(() => db.prepare("update knowledge_items set metadata = '[1]' where id = 'kn_1'").run()).toThrow(/CHECK/);
  });
});

describe('chunks and vectors', () => {
  it('keeps the lexical index in step with chunks, and stores each vector once', () => {
    const a = item('kn_a', 'Parking', 'x');
    repo.insert(a);
    repo.replaceChunks(a, [
      { seq: 0, heading: '', text: 'The car park is on level B1.' },
      { seq: 1, heading: 'Valet', text: 'Valet parking costs RM 20.' },
    ]);
    expect(repo.lexical('"valet"', 10).map((h) => h.text)).toEqual(['Valet parking costs RM 20.']);
    repo.resetVectors('test:unit', 3, now);
    const pending = repo.pendingChunks(10);
    expect(pending).toHaveLength(2);
    const v = new Float32Array([1, 0, 0]);
    expect(repo.storeVectors(pending.map((p) => ({ id: p.id, text: p.text, vector: v })))).toBe(2);
    // A second store of the same chunks (a resumed job) writes nothing.
    expect(repo.storeVectors(pending.map((p) => ({ id: p.id, text: p.text, vector: v })))).toBe(0);
    expect(repo.counts()).toEqual({ chunks: 2, embedded: 2, vectors: 2 });
    expect(repo.nearest(new Float32Array([0.6, 0.8, 0]), 5).map((c) => c.similarity)).toEqual([expect.closeTo(0.6, 6), expect.closeTo(0.6, 6)]);
    expect(repo.hits(pending.map((p) => p.id)).map((h) => h.title)).toEqual(['Parking', 'Parking']);

    // Re-cutting the item drops its old chunks from both indexes; vectors computed for them are not stored.
    repo.replaceChunks(a, [{ seq: 0, heading: '', text: 'Parking is free.' }]);
    expect(repo.counts()).toEqual({ chunks: 1, embedded: 0, vectors: 0 });
    expect(repo.storeVectors(pending.map((p) => ({ id: p.id, text: p.text, vector: v })))).toBe(0);
    expect(repo.lexical('"valet"', 10)).toEqual([]);
  });

  it('drops every vector and re-creates the table at the new dimension when the embedder changes', () => {
    const a = item('kn_a', 'Pool', 'x');
    repo.insert(a);
    repo.replaceChunks(a, [{ seq: 0, heading: '', text: 'Pool opens at 7.' }]);
    repo.resetVectors('test:three', 3, now);
    const [p] = repo.pendingChunks(1);
    repo.storeVectors([{ id: p!.id, text: p!.text, vector: new Float32Array([0, 1, 0]) }]);
    repo.resetVectors('test:five', 5, now);
    expect(repo.indexState()).toMatchObject({ embedder: 'test:five', dimension: 5, state: 'indexing' });
    expect(repo.counts()).toEqual({ chunks: 1, embedded: 0, vectors: 0 });
    expect(() => repo.storeVectors([{ id: p!.id, text: p!.text, vector: new Float32Array([0, 1, 0]) }])).toThrow(/dimension 3 does not match the index \(5\)/);
  });
});

describe('binary vector index', () => {
  it('ranks by exact cosine similarity after the Hamming prefilter, nearest first', () => {
    const a = item('kn_a', 'Rooms', 'x');
    repo.insert(a);
    repo.replaceChunks(a, ['north', 'north-east', 'east'].map((text, seq) => ({ seq, heading: '', text })));
    repo.resetVectors('test:two', 2, now);
    const s = Math.SQRT1_2;
    const vectors = [new Float32Array([0, 1]), new Float32Array([s, s]), new Float32Array([1, 0])];
    repo.storeVectors(repo.pendingChunks(10).map((p, i) => ({ id: p.id, text: p.text, vector: vectors[i]! })));
    const byText = new Map(repo.hits(repo.nearest(new Float32Array([0.96, 0.28]), 3).map((c) => c.chunkId)).map((h) => [h.chunkId, h.text]));
    const ranked = repo.nearest(new Float32Array([0.96, 0.28]), 3);
    expect(ranked.map((c) => byText.get(c.chunkId))).toEqual(['east', 'north-east', 'north']);
    expect(ranked.map((c) => c.similarity)).toEqual([expect.closeTo(0.96, 5), expect.closeTo((0.96 + 0.28) * s, 5), expect.closeTo(0.28, 5)]);
    expect(repo.nearest(new Float32Array([0.96, 0.28]), 1)).toHaveLength(1);
  });

  it('rebuilds an int8 table written by an earlier version from the stored float32 vectors', () => {
    const a = item('kn_a', 'Laundry', 'x');
    repo.insert(a);
    repo.replaceChunks(a, [{ seq: 0, heading: '', text: 'Same-day laundry.' }]);
    repo.resetVectors('test:four', 4, now);
    const [p] = repo.pendingChunks(1);
    repo.storeVectors([{ id: p!.id, text: p!.text, vector: new Float32Array([0.5, -0.5, 0.5, -0.5]) }]);
    // What the earlier version created: the same vectors as int8.
    db.exec('drop table knowledge_vec');
    db.exec('create virtual table knowledge_vec using vec0 (embedding int8[4])');
    db.prepare('insert into knowledge_vec (rowid, embedding) values (?, vec_int8(?))').run(BigInt(p!.id), new Int8Array([64, -64, 64, -64]));

    expect(repo.upgradeVectorTable()).toBe(true);
    expect((db.prepare("select sql from sqlite_master where name = 'knowledge_vec'").get() as { sql: string }).sql).toMatch(/bit\[16\]/);
    expect(repo.nearest(new Float32Array([0.5, -0.5, 0.5, -0.5]), 1)).toEqual([{ chunkId: p!.id, similarity: expect.closeTo(1, 5) }]);
    expect(repo.counts()).toEqual({ chunks: 1, embedded: 1, vectors: 1 });
    expect(repo.upgradeVectorTable()).toBe(false);
  });
});
