import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bindConnection } from '../../db/handle.js';
import { loadMigrations, migrate } from '../../db/migrate.js';
import { openDatabase, type Db } from '../../db/sqlite.js';
import { systemClock } from '../../shared/clock.js';
import { NotFoundError, ValidationError } from '../../shared/errors.js';
import { createLogger } from '../../shared/logger.js';
import { EmbedderHandle } from './embedder.port.js';
import { KnowledgeRepository } from './knowledge.repository.js';
import { KnowledgeService } from './knowledge.service.js';

let dir: string | undefined;
let db: Db | undefined;
afterEach(() => {
  db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  db = dir = undefined;
});

const now = '2026-12-01T00:00:00.000Z';

/** A hotel database as the version before the synonyms migration left it: one English and one Chinese item indexed with bigrams. */
function beforeSynonyms(): Db {
  dir = mkdtempSync(path.join(os.tmpdir(), 'nocturn-kb-mig-'));
  const d = openDatabase(path.join(dir, 'p.db'), { busyTimeoutMs: 1000, synchronous: 'NORMAL', vector: true });
  const all = loadMigrations('property');
  migrate(d, all.slice(0, all.findIndex((m) => m.name === 'knowledge_synonyms_questions')), 'p.db');
  const item = d.prepare('insert into knowledge_items (id, category, title, content, created_at, updated_at) values (?, ?, ?, ?, ?, ?)');
  const chunk = d.prepare('insert into knowledge_chunks (item_id, seq, heading, text) values (?, 0, ?, ?)');
  const fts = d.prepare('insert into knowledge_fts (rowid, title, heading, body) values (?, ?, ?, ?)');
  item.run('kn_1', 'facilities', 'Parking', 'Guests park free in the basement car park.', now, now);
  fts.run(chunk.run('kn_1', '', 'Guests park free in the basement car park.').lastInsertRowid, 'Parking', '', 'Guests park free in the basement car park.');
  item.run('kn_2', 'facilities', '游泳池', '游泳池早上七点开放。', now, now);
  fts.run(chunk.run('kn_2', '', '游泳池早上七点开放。').lastInsertRowid, '游泳 泳池', '', '游泳 泳池 池早 早上 上七 七点 点开 开放');
  return d;
}

describe('the synonyms migration (synonyms, learned questions, lexical index with a questions column)', () => {
  it('rebuilds the lexical index from the chunks, and the server re-writes it once in the current token form', () => {
    db = beforeSynonyms();
    migrate(db, loadMigrations('property'), 'p.db');
    const repo = new KnowledgeRepository(bindConnection({}, db));
    const columns = (db.prepare('select * from knowledge_fts limit 1').columns() as { name: string }[]).map((c) => c.name);
    expect(columns).toEqual(['title', 'heading', 'body', 'questions']);
    // English search works straight after the migration.
    expect(repo.lexical('"basement"', 5).map((h) => h.itemId)).toEqual(['kn_1']);
    // Chinese words need the segmenter: the index is re-written on first use.
    expect(repo.lexicalCurrent()).toBe(false);
    expect(repo.lexical('"开放"', 5)).toEqual([]);
    repo.rebuildLexical();
    expect(repo.lexicalCurrent()).toBe(true);
    expect(repo.lexical('"开放"', 5).map((h) => h.itemId)).toEqual(['kn_2']);
    expect(repo.lexical('"泳池"', 5).map((h) => h.itemId)).toEqual(['kn_2']);
    expect(repo.lexical('"basement"', 5).map((h) => h.itemId)).toEqual(['kn_1']);
  });

  it('indexes learned questions with their item, keeps the newest 20, and finds their chunks by index', () => {
    db = beforeSynonyms();
    migrate(db, loadMigrations('property'), 'p.db');
    const repo = new KnowledgeRepository(bindConnection({}, db));
    repo.rebuildLexical();
    repo.addQuestion('kn_1', 'somewhere leave car overnight', now);
    const hit = repo.lexical('"overnight"', 5);
    expect(hit.map((h) => h.itemId)).toEqual(['kn_1']);
    expect(hit[0]!.questions).toBe('somewhere leave car overnight');
    for (let i = 0; i < 25; i++) repo.addQuestion('kn_1', `question ${i}`, now);
    expect(repo.questions('kn_1')).toHaveLength(20);
    expect(repo.lexical('"overnight"', 5)).toEqual([]);
    const plan = (db.prepare('explain query plan select text from knowledge_questions where item_id = ? order by id').all('kn_1') as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan).toMatch(/USING (COVERING )?INDEX knowledge_questions_item/);
  });

  it('stores synonym sets in order', () => {
    db = beforeSynonyms();
    migrate(db, loadMigrations('property'), 'p.db');
    const repo = new KnowledgeRepository(bindConnection({}, db));
    repo.replaceSynonyms([{ id: 'syn_b', words: ['jetty', 'ferry terminal'] }, { id: 'syn_a', words: ['lift', 'elevator'] }], now);
    expect(repo.synonyms().map((s) => s.words)).toEqual([['jetty', 'ferry terminal'], ['lift', 'elevator']]);
  });
});

describe('the knowledge service on a database migrated from before the synonyms migration', () => {
  function service(d: Db): KnowledgeService {
    const scope = bindConnection({ property: { id: 'prop_1', name: 'Lantern House' } }, d);
    return new KnowledgeService({ scope: () => scope, list: () => [scope.property] }, new EmbedderHandle(undefined), systemClock, createLogger({ level: 'silent' }), { minSimilarity: 0.7 });
  }

  it('re-writes the old index on its first search, so Chinese questions find Chinese items', async () => {
    db = beforeSynonyms();
    migrate(db, loadMigrations('property'), 'p.db');
    const svc = service(db);
    const found = await svc.search('prop_1', { query: '游泳池几点开放？', k: 3 });
    expect(found.results[0]!.itemId).toBe('kn_2');
    expect(new KnowledgeRepository(bindConnection({}, db)).lexicalCurrent()).toBe(true);
    // The explanation the fit script reads ranks the same items, with features in [0, 1].
    const { mode, items } = await svc.explain('prop_1', { query: '游泳池几点开放？', k: 3 });
    expect(mode).toBe('lexical');
    expect(items[0]!.itemId).toBe('kn_2');
    for (const v of Object.values(items[0]!.features)) expect(v >= 0 && v <= 1).toBe(true);
    // The hotel's name says little about a topic: an item that happens to hold it is not answerable alone.
    svc.update('prop_1', 'kn_1', { content: 'Guests park free in the basement car park. Lantern House guests only.' });
    const named = (await svc.search('prop_1', { query: 'Lantern House?', k: 3 })).results;
    expect(named.map((r) => r.itemId)).toEqual(['kn_1']);
    expect(named[0]!.score).toBeLessThan(0.5);
    await svc.close();
  });

  it('keeps only synonym sets of two or more different words, and refuses unknown items for learned questions', async () => {
    db = beforeSynonyms();
    migrate(db, loadMigrations('property'), 'p.db');
    const svc = service(db);
    const saved = svc.replaceSynonyms('prop_1', { synonyms: [{ words: ['lot', ' lot '] }, { words: ['lot', 'car park'] }] });
    expect(saved.synonyms.map((x) => x.words)).toEqual([['lot', 'car park']]);
    expect(() => svc.replaceSynonyms('prop_1', { synonyms: [{ words: ['x'] }] })).toThrow(ValidationError);
    expect((await svc.search('prop_1', { query: 'is the lot free?', k: 1 })).results[0]!.itemId).toBe('kn_1');
    expect(() => svc.learnQuestion('prop_1', 'kn_missing', 'where do I park')).toThrow(NotFoundError);
    // Nothing but greetings and contact details: nothing to learn.
    svc.learnQuestion('prop_1', 'kn_1', 'Hello! thanks, jo@example.com');
    expect(new KnowledgeRepository(bindConnection({}, db)).questions('kn_1')).toEqual([]);
    await svc.close();
  });
});
