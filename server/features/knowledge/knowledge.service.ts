import type { Db } from '../../db/sqlite.js';
import type { Clock } from '../../shared/clock.js';
import { ConflictError, NotFoundError, ServiceUnavailableError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import { parseInput } from '../../shared/validation.js';
import { chunkContent, DEFAULT_CHUNKING, type ChunkOptions } from './chunker.js';
import { detectFormat, guessCategory } from './document-import.js';
import { readDocumentOffThread } from './document-import.thread.js';
import type { EmbedderHandle } from './embedder.port.js';
import { KnowledgeIndexer, type IndexProgress } from './knowledge.indexer.js';
import { KnowledgeRepository, type ChunkHit } from './knowledge.repository.js';
import {
  CreateKnowledgeItem,
  ImportQuery,
  KnowledgeSearch,
  ListKnowledgeQuery,
  ReplaceKnowledgeBase,
  UpdateKnowledgeItem,
  type ImportResult,
  type IndexStatus,
  type KnowledgeCategory,
  type KnowledgeItem,
  type KnowledgeSearchResult,
  type SearchMode,
  type WriteSummary,
} from './knowledge.schemas.js';
import { analyzeQuery, type QueryGroup } from './query-expansion.js';
import { ftsPhrase, indexTokens } from './search-text.js';

/** What the service needs of the properties feature: one hotel's own database, found by id or slug. */
export interface KnowledgeScopes {
  scope(idOrSlug: string): { property: { id: string }; db: Db };
  list(): { id: string }[];
}

export interface KnowledgeOptions {
  /** Vector hits below this cosine similarity are dropped (C2: default 0.7). */
  minSimilarity: number;
  /** Lexical hits below this IDF-weighted share of the question's concepts are dropped. */
  minLexicalScore: number;
  chunking?: ChunkOptions;
  /** Chunks embedded per transaction by the background job. */
  batchSize?: number;
  /** Longest wait for a query's embedding before answering lexically. */
  queryEmbedTimeoutMs?: number;
}

/** Reciprocal rank fusion constant (Cormack et al.): damps the weight of the very first ranks. */
const RRF_K = 60;
const SNIPPET_CHARS = 240;
const STATS_TTL_MS = 10_000;

interface Scored {
  hit: ChunkHit;
  rrf: number;
  relevance: number;
}

export interface UploadedFile {
  bytes: Buffer;
  contentType: string | undefined;
  query: unknown;
}

/**
 * The knowledge base of each hotel: items (C3), their chunks and indexes, import, and hybrid
 * retrieval with relevance thresholds (C2). Every call names the hotel and works only on that
 * hotel's own database file, so one hotel's search cannot see another's items (A3).
 */
export class KnowledgeService {
  private readonly indexer: KnowledgeIndexer;
  private readonly stats = new Map<string, { total: number | undefined; df: Map<string, number>; at: number }>();

  constructor(
    private readonly properties: KnowledgeScopes,
    private readonly embedder: EmbedderHandle,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly opts: KnowledgeOptions,
  ) {
    this.indexer = new KnowledgeIndexer({
      repoFor: (id) => this.open(id).repo,
      embedder,
      clock,
      log,
      batchSize: opts.batchSize ?? 32,
    });
  }

  private open(idOrSlug: string): { propertyId: string; repo: KnowledgeRepository } {
    const scope = this.properties.scope(idOrSlug);
    return { propertyId: scope.property.id, repo: new KnowledgeRepository(scope.db) };
  }

  private now(): string {
    return this.clock.now().toISOString();
  }

  // --- items -----------------------------------------------------------------------------------

  list(property: string, query: unknown = {}): KnowledgeItem[] {
    const q = parseInput(ListKnowledgeQuery, query, 'The query string');
    return this.open(property).repo.list({ category: q.category, active: q.active });
  }

  get(property: string, itemId: string): KnowledgeItem {
    const item = this.open(property).repo.get(itemId);
    if (!item) throw new NotFoundError('No such knowledge item');
    return item;
  }

  create(property: string, input: unknown, author: string | null = null): KnowledgeItem {
    const data = parseInput(CreateKnowledgeItem, input, 'The knowledge item');
    const { propertyId, repo } = this.open(property);
    const now = this.now();
    const item: KnowledgeItem = { id: newId('kn'), ...data, source: null, author, createdAt: now, updatedAt: now };
    repo.transaction(() => {
      this.assertTitleFree(repo, item.title, undefined);
      repo.insert(item);
      if (item.active) repo.replaceChunks(item, this.chunk(item));
    });
    this.changed(propertyId);
    return item;
  }

  update(property: string, itemId: string, input: unknown, author: string | null = null): KnowledgeItem {
    const patch = parseInput(UpdateKnowledgeItem, input, 'The knowledge item update');
    const { propertyId, repo } = this.open(property);
    let next: KnowledgeItem | undefined;
    repo.transaction(() => {
      const current = repo.get(itemId);
      if (!current) throw new NotFoundError('No such knowledge item');
      if (patch.title !== undefined) this.assertTitleFree(repo, patch.title, current.id);
      next = { ...current, ...patch, author: author ?? current.author, updatedAt: this.now() };
      this.write(repo, current, next);
    });
    this.changed(propertyId);
    return next!;
  }

  /** Soft delete (C3): the item stays listed as inactive and is never retrieved. */
  deactivate(property: string, itemId: string, author: string | null = null): KnowledgeItem {
    return this.update(property, itemId, { active: false }, author);
  }

  /**
   * Replaces the whole set: items are matched to existing ones by title (so ids, and citations of
   * them, survive), new titles are created, and active items missing from the set are deactivated.
   */
  replaceAll(property: string, input: unknown, author: string | null = null): WriteSummary {
    const body = parseInput(ReplaceKnowledgeBase, input, 'The knowledge base');
    const { propertyId, repo } = this.open(property);
    const summary = repo.transaction(() => {
      const s = this.upsert(repo, body.items.map((i) => ({ ...i, source: null })), author);
      const keep = new Set(s.items.map((i) => i.id));
      for (const item of repo.list({ active: 'true' })) {
        if (keep.has(item.id)) continue;
        this.write(repo, item, { ...item, active: false, author: author ?? item.author, updatedAt: this.now() });
        s.deactivated++;
      }
      return s;
    });
    this.changed(propertyId);
    return summary;
  }

  /** Reads an uploaded document or Q&A file and adds its items (updating items with the same titles). */
  async import(property: string, file: UploadedFile, author: string | null = null): Promise<ImportResult> {
    const q = parseInput(ImportQuery, file.query ?? {}, 'The query string');
    const { propertyId } = this.open(property);
    const format = detectFormat(file.contentType, q.filename, file.bytes);
    // Parsed in a worker thread: a large or hostile PDF cannot hold the event loop.
    const doc = await readDocumentOffThread(file.bytes, format, q.filename);
    const source = q.filename ?? `upload.${format}`;
    const items = doc.items.map((i) => ({
      category: q.category ?? i.category ?? guessCategory(i.title, i.content),
      title: i.title,
      content: i.content,
      metadata: { importedFrom: source, format },
      source,
    }));
    // The scope is opened again after the await: the file was parsed before anything is written.
    const { repo } = this.open(propertyId);
    const summary = repo.transaction(() => this.upsert(repo, items, author));
    this.changed(propertyId);
    this.log.info({ propertyId, format, created: summary.created, updated: summary.updated }, 'knowledge imported');
    return { ...summary, format, source };
  }

  private upsert(
    repo: KnowledgeRepository,
    items: { category: KnowledgeCategory; title: string; content: string; metadata: Record<string, unknown>; source: string | null }[],
    author: string | null,
  ): WriteSummary {
    const s: WriteSummary = { created: 0, updated: 0, unchanged: 0, deactivated: 0, items: [] };
    for (const input of items) {
      const current = repo.findByTitle(input.title);
      const now = this.now();
      if (!current) {
        const item: KnowledgeItem = { id: newId('kn'), ...input, active: true, author, createdAt: now, updatedAt: now };
        repo.insert(item);
        repo.replaceChunks(item, this.chunk(item));
        s.created++;
        s.items.push({ id: item.id, title: item.title, category: item.category, change: 'created' });
        continue;
      }
      const same =
        current.active &&
        current.category === input.category &&
        current.title === input.title &&
        current.content === input.content &&
        JSON.stringify(current.metadata) === JSON.stringify(input.metadata);
      if (same) {
        s.unchanged++;
        s.items.push({ id: current.id, title: current.title, category: current.category, change: 'unchanged' });
        continue;
      }
      this.write(repo, current, { ...current, ...input, source: input.source ?? current.source, active: true, author: author ?? current.author, updatedAt: now });
      s.updated++;
      s.items.push({ id: current.id, title: input.title, category: input.category, change: 'updated' });
    }
    return s;
  }

  /** Stores an item and keeps its chunks in step: re-cut when its text changes, removed when inactive. */
  private write(repo: KnowledgeRepository, current: KnowledgeItem, next: KnowledgeItem): void {
    repo.update(next);
    if (!next.active) {
      repo.deleteChunks(next.id);
    } else if (!current.active || current.title !== next.title || current.content !== next.content) {
      repo.replaceChunks(next, this.chunk(next));
    }
  }

  private assertTitleFree(repo: KnowledgeRepository, title: string, exceptId: string | undefined): void {
    const other = repo.findByTitle(title);
    if (!other || other.id === exceptId) return;
    throw new ConflictError(
      other.active
        ? `An item titled "${other.title}" already exists (titles are unique within a hotel)`
        : `A deactivated item is titled "${other.title}"; reactivate it (PATCH with "active": true) or choose another title`,
    );
  }

  private chunk(item: Pick<KnowledgeItem, 'content'>) {
    return chunkContent(item.content, this.opts.chunking ?? DEFAULT_CHUNKING);
  }

  private changed(propertyId: string): void {
    this.stats.delete(propertyId);
    this.indexer.kick(propertyId);
  }

  // --- search ----------------------------------------------------------------------------------

  async search(property: string, input: unknown): Promise<KnowledgeSearchResult> {
    const { query, k } = parseInput(KnowledgeSearch, input, 'The search');
    const { propertyId, repo } = this.open(property);
    const groups = analyzeQuery(query);
    // Lexical candidates are re-ranked by concept coverage, so BM25 is asked for a wide pool; the
    // vector list is already in exact-similarity order and needs only a few per result (several
    // chunks of one item collapse into one result).
    const lexical = this.lexical(propertyId, repo, groups, Math.max(50, k * 10));
    const vector = await this.vector(propertyId, repo, query, Math.max(10, k * 2));
    const mode: SearchMode = vector ? 'hybrid' : 'lexical';

    // Reciprocal rank fusion over the two thresholded lists; relevance is the better raw score.
    const fused = new Map<number, Scored>();
    const addList = (list: { hit: ChunkHit; relevance: number }[]) =>
      list.forEach(({ hit, relevance }, rank) => {
        const s = fused.get(hit.chunkId) ?? { hit, rrf: 0, relevance: 0 };
        s.rrf += 1 / (RRF_K + rank + 1);
        s.relevance = Math.max(s.relevance, relevance);
        fused.set(hit.chunkId, s);
      });
    addList(lexical);
    addList(vector ?? []);

    const byItem = new Map<string, Scored>();
    for (const s of [...fused.values()].sort((a, b) => b.rrf - a.rrf || b.relevance - a.relevance)) {
      if (!byItem.has(s.hit.itemId)) byItem.set(s.hit.itemId, s);
    }
    const results = [...byItem.values()].slice(0, k).map((s) => ({
      itemId: s.hit.itemId,
      title: s.hit.title,
      category: s.hit.category,
      score: Math.round(s.relevance * 1000) / 1000,
      snippet: snippet(s.hit.text, groups),
    }));
    return { results, mode };
  }

  /**
   * Lexical hits with their relevance: the IDF-weighted share of the question's concept groups
   * found in the chunk (1 = every concept, 0 = none), kept at or above the lexical cut-off and
   * ranked by it, then by BM25. Document frequencies come from the index's vocabulary; a group
   * that no chunk contains still counts in the total, so "helipad" questions score low.
   *
   * Candidates are fetched only through the groups a passing chunk must contain: the commonest
   * groups whose weights together stay under the cut-off cannot make a chunk pass alone, so they
   * are left out of the FTS5 query (which keeps "what time ..." from scoring every chunk).
   */
  private lexical(propertyId: string, repo: KnowledgeRepository, groups: QueryGroup[], pool: number): { hit: ChunkHit; relevance: number }[] {
    if (groups.length === 0) return [];
    const total = this.chunkTotal(propertyId, repo);
    if (total === 0) return [];
    const parsed = groups.map((g) => g.terms.map((term) => ({ term, tokens: indexTokens(term) })).filter((a) => a.tokens.length > 0));
    const df = this.termDocs(propertyId, repo, [...new Set(parsed.flat().flatMap((a) => a.tokens))]);
    const idf = (n: number) => Math.log(1 + (total - n + 0.5) / (n + 0.5));
    const weighted = parsed.map((alts) => {
      const present = alts.filter((a) => a.tokens.every((t) => (df.get(t) ?? 0) > 0));
      // A phrase occurs in at most as many chunks as its rarest word. Synonyms mostly occur
      // together (an item about Wi-Fi also says "internet"), so the commonest one stands for the group.
      const groupDf = present.reduce((most, a) => Math.max(most, Math.min(...a.tokens.map((t) => df.get(t)!))), 0);
      return { alts, present, weight: idf(groupDf) };
    });
    const totalWeight = weighted.reduce((sum, g) => sum + g.weight, 0);
    const floor = this.opts.minLexicalScore * totalWeight;
    let weak = 0;
    const required = [...weighted].sort((a, b) => a.weight - b.weight).filter((g) => (weak += g.weight) >= floor || floor === 0);
    const expr = required
      .filter((g) => g.present.length > 0)
      .map((g) => `(${g.present.map((a) => ftsPhrase(a.term)).join(' OR ')})`)
      .join(' OR ');
    if (!expr) return [];
    const candidates = repo.lexical(expr, pool);
    return candidates
      .map((hit, order) => {
        const columns = [indexTokens(hit.title), indexTokens(hit.heading), indexTokens(hit.text)];
        const found = weighted.reduce((sum, g) => sum + (g.present.some((a) => columns.some((c) => containsSequence(c, a.tokens))) ? g.weight : 0), 0);
        return { hit, order, relevance: totalWeight > 0 ? found / totalWeight : 0 };
      })
      .filter((c) => c.relevance >= this.opts.minLexicalScore)
      .sort((a, b) => b.relevance - a.relevance || a.order - b.order)
      .map(({ hit, relevance }) => ({ hit, relevance }));
  }

  /**
   * Index statistics, cached per hotel: counting a common word's chunks walks its whole posting
   * list. Writes through this service clear the cache; writes by another process (the CLI) are
   * seen within STATS_TTL_MS.
   */
  private statsOf(propertyId: string): { total: number | undefined; df: Map<string, number>; at: number } {
    let stats = this.stats.get(propertyId);
    if (!stats || Date.now() - stats.at > STATS_TTL_MS) this.stats.set(propertyId, (stats = { total: undefined, df: new Map(), at: Date.now() }));
    return stats;
  }

  private chunkTotal(propertyId: string, repo: KnowledgeRepository): number {
    const stats = this.statsOf(propertyId);
    return (stats.total ??= repo.chunkTotal());
  }

  private termDocs(propertyId: string, repo: KnowledgeRepository, terms: string[]): Map<string, number> {
    const { df } = this.statsOf(propertyId);
    const missing = terms.filter((t) => !df.has(t));
    for (const [t, n] of repo.termDocs(missing)) df.set(t, n);
    if (df.size > 50_000) df.clear();
    return new Map(terms.map((t) => [t, df.get(t) ?? 0]));
  }

  /** Vector hits at or above the similarity threshold; undefined when vectors cannot be used now. */
  private async vector(propertyId: string, repo: KnowledgeRepository, query: string, pool: number): Promise<{ hit: ChunkHit; relevance: number }[] | undefined> {
    const ready = await this.embedder.ready();
    if (!ready) return undefined;
    const idx = repo.indexState();
    if (idx.embedder !== ready.embedder.name || idx.dimension !== ready.dimension || !repo.hasVectorTable()) {
      this.indexer.kick(propertyId);
      return undefined;
    }
    let qv: Float32Array;
    try {
      qv = (await withTimeout(ready.embedder.embed([query], 'query'), this.opts.queryEmbedTimeoutMs ?? 10_000))[0]!;
    } catch (err) {
      this.log.warn({ err, propertyId }, 'query embedding failed; answering from the lexical index');
      return undefined;
    }
    // The threshold applies to the exact cosine similarity the repository re-scores candidates with.
    const scored = repo.nearest(qv, pool).filter((c) => c.similarity >= this.opts.minSimilarity);
    const hits = new Map(repo.hits(scored.map((c) => c.chunkId)).map((h) => [h.chunkId, h]));
    return scored.flatMap((c) => {
      const hit = hits.get(c.chunkId);
      return hit ? [{ hit, relevance: c.similarity }] : [];
    });
  }

  // --- index -----------------------------------------------------------------------------------

  async status(property: string): Promise<IndexStatus> {
    const { propertyId, repo } = this.open(property);
    const p = this.indexer.progressOf(propertyId, repo);
    const idx = repo.indexState();
    const e = this.embedder.status();
    const usable = e.state === 'ready' && idx.embedder === e.name && idx.dimension === e.dimension && repo.hasVectorTable();
    return {
      mode: usable ? 'hybrid' : 'lexical',
      embedder: idx.embedder,
      dimension: idx.dimension,
      configuredEmbedder: { name: e.name, state: e.state, ...(e.detail ? { detail: e.detail } : {}) },
      state: idx.state,
      chunks: p.chunks,
      embedded: p.embedded,
      progress: p.progress,
      error: idx.error,
      startedAt: idx.started_at,
      updatedAt: idx.updated_at,
    };
  }

  /** Re-cuts every active item's chunks and rebuilds both indexes; vectors are redone in the background. */
  async reindex(property: string): Promise<IndexStatus> {
    const { propertyId, repo } = this.open(property);
    const ready = this.embedder.embedder ? await this.embedder.ready() : undefined;
    if (this.embedder.embedder && !ready) {
      throw new ServiceUnavailableError(`The embedder ${this.embedder.status().name} is not available (${this.embedder.status().detail ?? 'unknown reason'}); fix it before re-indexing`);
    }
    await this.indexer.whenIdle(propertyId);
    repo.transaction(() => {
      repo.deleteAllChunks();
      for (const id of repo.activeItemIds()) {
        const item = repo.get(id)!;
        repo.replaceChunks(item, this.chunk(item));
      }
      if (ready) repo.resetVectors(ready.embedder.name, ready.dimension, this.now());
      else repo.setIndexState('idle', this.now(), { startedAt: this.now() });
    });
    this.changed(propertyId);
    return this.status(propertyId);
  }

  onProgress(listener: (p: IndexProgress) => void): () => void {
    return this.indexer.onProgress(listener);
  }

  /** Resumes unfinished indexing (after a restart, or after the embedder changed) for every hotel. */
  start(): void {
    if (!this.embedder.embedder) return;
    void this.embedder.ready();
    for (const p of this.properties.list()) {
      try {
        const { repo } = this.open(p.id);
        if (repo.upgradeVectorTable()) this.log.info({ propertyId: p.id }, 'knowledge vector index rebuilt in binary form');
        const idx = repo.indexState();
        const { chunks, embedded } = repo.counts();
        if (idx.state !== 'idle' || embedded < chunks || idx.embedder !== this.embedder.embedder.name) this.indexer.kick(p.id);
      } catch (err) {
        this.log.warn({ err, propertyId: p.id }, 'could not check the knowledge index');
      }
    }
  }

  /** The hotel's id for an id or slug (throws NotFoundError). */
  propertyIdOf(property: string): string {
    return this.properties.scope(property).property.id;
  }

  whenIdle(property: string): Promise<void> {
    return this.indexer.whenIdle(this.open(property).propertyId);
  }

  async close(graceMs?: number): Promise<void> {
    await this.indexer.close(graceMs);
  }
}

function containsSequence(tokens: string[], seq: string[]): boolean {
  if (seq.length === 1) return tokens.includes(seq[0]!);
  outer: for (let i = 0; i + seq.length <= tokens.length; i++) {
    for (let j = 0; j < seq.length; j++) if (tokens[i + j] !== seq[j]) continue outer;
    return true;
  }
  return false;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** About 240 characters of the chunk, starting at the sentence holding the first query word. */
export function snippet(text: string, groups: QueryGroup[]): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  let at = -1;
  for (const g of groups) {
    for (const term of g.terms) {
      const stem = term.length > 5 ? term.slice(0, term.length - 2) : term;
      const m = new RegExp(/[\p{L}]/u.test(stem[0] ?? '') && !/[^\x20-\x7e]/.test(stem) ? `\\b${escapeRegExp(stem)}` : escapeRegExp(stem), 'i').exec(flat);
      if (m && (at < 0 || m.index < at)) at = m.index;
    }
  }
  let start = 0;
  if (at > 0) {
    const before = flat.slice(0, at);
    const boundary = Math.max(before.lastIndexOf('. '), before.lastIndexOf('! '), before.lastIndexOf('? '), before.lastIndexOf('。'));
    start = boundary >= 0 && at - boundary < SNIPPET_CHARS / 2 ? boundary + (flat[boundary] === '。' ? 1 : 2) : Math.max(0, at - 60);
    if (start > 0 && boundary < 0) start = flat.indexOf(' ', start) + 1 || start;
  }
  let out = flat.slice(start, start + SNIPPET_CHARS);
  if (start + SNIPPET_CHARS < flat.length) {
    const cut = out.lastIndexOf(' ');
    out = (cut > SNIPPET_CHARS / 2 ? out.slice(0, cut) : out) + '…';
  }
  return (start > 0 ? '…' : '') + out;
}
