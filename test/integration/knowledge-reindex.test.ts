import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectionOf } from '../../server/db/handle.js';
import { openCore, type Core } from '../../server/core.js';
import { EmbedderHandle } from '../../server/features/knowledge/embedder.port.js';
import { KnowledgeRepository } from '../../server/features/knowledge/knowledge.repository.js';
import { KnowledgeService } from '../../server/features/knowledge/knowledge.service.js';
import { createLogger } from '../../server/shared/logger.js';
import { HashEmbedder } from '../fixtures/knowledge/hash-embedder.js';
import { tempDir, testConfig } from '../support/server.js';
import { until } from '../support/wait.js';

/**
 * The background indexing job, stopped half-way as a crash or restart would stop it, resumes in
 * a new process (a new Core on the same data directory) and finishes without embedding any chunk
 * twice or leaving a duplicate vector.
 */
let tmp: ReturnType<typeof tempDir>;
const log = createLogger({ level: 'silent' });
const opts = { minSimilarity: 0.7, batchSize: 4 };

function openAt(dir: string): Core {
  return openCore({ config: testConfig(dir, { NOCTURN_EMBEDDER: 'none', NOCTURN_LOG_LEVEL: 'silent' }), log });
}

beforeEach(() => {
  tmp = tempDir();
  const core = openAt(tmp.dir);
  core.properties.create({ name: 'Harbour View', slug: 'harbour', timezone: 'Asia/Kuala_Lumpur' });
  core.knowledge.replaceAll('harbour', {
    items: Array.from({ length: 12 }, (_, i) => ({ category: 'faqs', title: `Question ${i}`, content: `Answer number ${i} about topic${i} for guests.` })),
  });
  return core.close();
});
afterEach(() => tmp.remove());

describe('re-indexing job', () => {
  it('resumes after an interrupted run and completes without duplicates', async () => {
    // Run 1: the third batch never comes back, as if the process died during it.
    const core1 = openAt(tmp.dir);
    const stuck = new HashEmbedder(16, 'fixture:hash');
    let release!: (err: Error) => void;
    stuck.hold = (call) => (call === 3 ? new Promise<void>((_, reject) => (release = reject)) : undefined);
    const run1 = new KnowledgeService(core1.properties, new EmbedderHandle(stuck), core1.clock, log, opts);
    const progress: number[] = [];
    run1.onProgress((p) => progress.push(p.embedded));
    run1.start();
    const repo1 = new KnowledgeRepository(core1.properties.scope('harbour'));
    await until(() => stuck.calls === 3, 'the third embedding call', 10_000);
    expect(repo1.counts()).toEqual({ chunks: 12, embedded: 8, vectors: 8 });
    expect(repo1.indexState()).toMatchObject({ state: 'indexing', embedder: 'fixture:hash', dimension: 16 });
    expect(progress).toEqual([0, 4, 8]);
    await run1.close(0);
    await core1.close();
    release(new Error('process killed'));

    // Run 2, in a "new process": the job resumes from the stored state.
    const core2 = openAt(tmp.dir);
    try {
      const healthy = new HashEmbedder(16, 'fixture:hash');
      const run2 = new KnowledgeService(core2.properties, new EmbedderHandle(healthy), core2.clock, log, opts);
      run2.start();
      await run2.whenIdle('harbour');
      expect(healthy.texts).toBe(4);
      const db = connectionOf(core2.properties.scope('harbour'));
      const repo2 = new KnowledgeRepository(core2.properties.scope('harbour'));
      expect(repo2.counts()).toEqual({ chunks: 12, embedded: 12, vectors: 12 });
      expect(repo2.indexState()).toMatchObject({ state: 'idle', error: null });
      const orphans = db.prepare('select count(*) as n from knowledge_vec v where not exists (select 1 from knowledge_chunks c where c.id = v.rowid)').get() as { n: number };
      const distinct = db.prepare('select count(distinct rowid) as n from knowledge_vec').get() as { n: number };
      expect(orphans.n).toBe(0);
      expect(distinct.n).toBe(12);
      const found = await run2.search('harbour', { query: 'Answer number 7 about topic7', k: 1 });
      expect(found).toMatchObject({ mode: 'hybrid', results: [{ title: 'Question 7' }] });
      await run2.close();
    } finally {
      await core2.close();
    }
  });

  it('records a failed run with its reason, and finishes on the next attempt', async () => {
    const core = openAt(tmp.dir);
    try {
      const flaky = new HashEmbedder(16);
      flaky.hold = (call) => {
        if (call === 2) throw new Error('embedding backend went away');
      };
      const svc = new KnowledgeService(core.properties, new EmbedderHandle(flaky), core.clock, log, opts);
      svc.start();
      await svc.whenIdle('harbour');
      expect(await svc.status('harbour')).toMatchObject({ state: 'failed', error: 'embedding backend went away', embedded: 4, chunks: 12, progress: 4 / 12 });
      // Lexical search still answers while vectors are incomplete.
      expect((await svc.search('harbour', { query: 'topic9', k: 1 })).results[0]!.title).toBe('Question 9');
      const again = await svc.reindex('harbour');
      expect(again.state).toBe('indexing');
      await svc.whenIdle('harbour');
      expect(await svc.status('harbour')).toMatchObject({ state: 'idle', error: null, embedded: 12, chunks: 12, progress: 1, mode: 'hybrid' });
      await svc.close();
    } finally {
      await core.close();
    }
  });
});
