import { EventEmitter } from 'node:events';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { EmbedderHandle } from './embedder.port.js';
import type { KnowledgeRepository, PendingChunk } from './knowledge.repository.js';

/** One progress event of a hotel's indexing job (the UI draws its progress bar from these). */
export interface IndexProgress {
  propertyId: string;
  state: 'idle' | 'indexing' | 'failed';
  embedder: string;
  chunks: number;
  embedded: number;
  /** 0..1; 1 when there is nothing left to embed. */
  progress: number;
  error: string | null;
}

/** The text a chunk is embedded as: its item title and heading give the passage its topic. */
function passageText(c: Pick<PendingChunk, 'title' | 'heading' | 'text'>): string {
  return `${c.title}${c.heading ? ` — ${c.heading}` : ''}\n${c.text}`;
}

/**
 * The background job that gives chunks their vectors, one batch per transaction. It keeps no
 * state of its own: a chunk is pending until its vector is stored (`embedded = 1`, in the same
 * transaction), so a job stopped by a crash or a restart resumes where it was, and storing is by
 * chunk id, so nothing is embedded twice. When the configured embedder differs from the one the
 * stored vectors came from (name or dimension), the vectors are dropped and every chunk re-done.
 */
export class KnowledgeIndexer {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly events = new EventEmitter();
  private stopped = false;

  constructor(
    private readonly deps: {
      repoFor(propertyId: string): KnowledgeRepository;
      embedder: EmbedderHandle;
      clock: Clock;
      log: Logger;
      batchSize: number;
    },
  ) {
    this.events.setMaxListeners(100);
  }

  onProgress(listener: (p: IndexProgress) => void): () => void {
    this.events.on('progress', listener);
    return () => this.events.off('progress', listener);
  }

  /** Starts the job for a hotel unless it is running; a running job takes one more pass. */
  kick(propertyId: string): void {
    if (this.stopped || !this.deps.embedder.embedder) return;
    if (this.running.has(propertyId)) {
      this.again.add(propertyId);
      return;
    }
    const job = this.run(propertyId).finally(() => {
      this.running.delete(propertyId);
      if (this.again.delete(propertyId)) this.kick(propertyId);
    });
    this.running.set(propertyId, job);
  }

  isRunning(propertyId: string): boolean {
    return this.running.has(propertyId);
  }

  /** Resolves when the hotel's job (and any pass it queued) has finished. */
  async whenIdle(propertyId: string): Promise<void> {
    while (this.running.has(propertyId)) await this.running.get(propertyId);
  }

  progressOf(propertyId: string, repo: KnowledgeRepository): IndexProgress {
    const idx = repo.indexState();
    const { chunks, embedded } = repo.progress();
    return { propertyId, state: idx.state, embedder: idx.embedder, chunks, embedded, progress: chunks === 0 ? 1 : embedded / chunks, error: idx.error };
  }

  private emit(propertyId: string, repo: KnowledgeRepository): void {
    this.events.emit('progress', this.progressOf(propertyId, repo));
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }

  private async run(propertyId: string): Promise<void> {
    const { log } = this.deps;
    const ready = await this.deps.embedder.ready();
    if (!ready || this.stopped) return;
    let repo: KnowledgeRepository;
    try {
      repo = this.deps.repoFor(propertyId);
    } catch (err) {
      log.warn({ err, propertyId }, 'knowledge indexing skipped: property not available');
      return;
    }
    try {
      const { embedder, dimension } = ready;
      const idx = repo.indexState();
      if (idx.embedder !== embedder.name || idx.dimension !== dimension || !repo.hasVectorTable()) {
        log.info({ propertyId, from: idx.embedder, to: embedder.name, dimension }, 'embedder changed: re-indexing the knowledge base');
        repo.resetVectors(embedder.name, dimension, this.now());
      } else if (idx.state !== 'indexing') {
        repo.setIndexState('indexing', this.now(), { startedAt: this.now() });
      }
      this.emit(propertyId, repo);
      while (!this.stopped) {
        const batch = repo.pendingChunks(this.deps.batchSize);
        if (batch.length === 0) break;
        const vectors = await embedder.embed(batch.map(passageText), 'passage');
        if (this.stopped) return;
        if (vectors.length !== batch.length || vectors.some((v) => v.length !== dimension)) {
          throw new Error(`the embedder returned ${vectors.length} vectors of size ${vectors[0]?.length} for ${batch.length} texts (expected size ${dimension})`);
        }
        repo.storeVectors(batch.map((c, i) => ({ id: c.id, text: c.text, vector: vectors[i]! })));
        this.emit(propertyId, repo);
      }
      if (this.stopped) return;
      repo.setIndexState('idle', this.now());
      this.emit(propertyId, repo);
    } catch (err) {
      // After close() the database may be gone; the persisted state is what the next start resumes from.
      if (this.stopped) return;
      log.warn({ err, propertyId }, 'knowledge indexing failed');
      try {
        repo.setIndexState('failed', this.now(), { error: (err as Error).message.slice(0, 500) });
        this.emit(propertyId, repo);
      } catch (stateErr) {
        log.error({ err: stateErr, propertyId }, 'could not record the indexing failure');
      }
    }
  }

  /** Stops taking batches and waits (up to graceMs) for the batches in flight. */
  async close(graceMs = 5_000): Promise<void> {
    this.stopped = true;
    const all = Promise.allSettled([...this.running.values()]);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
  }
}
