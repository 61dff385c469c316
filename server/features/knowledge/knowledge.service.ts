import type { Transactional } from '../../db/handle.js';
import type { Actor } from '../../shared/actor.js';
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
import { BM25_WEIGHTS, KnowledgeRepository, type ChunkHit } from './knowledge.repository.js';
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
  ReplaceSynonyms,
  type SearchMode,
  type SynonymList,
  type WriteSummary,
} from './knowledge.schemas.js';
import { Vocabulary } from './fuzzy.js';
import { analyzeQuery, contentWords, type QueryGroup, type SynonymSet } from './query-expansion.js';
import { relevance, RELEVANCE_MODEL, type RelevanceFeatures } from './relevance.js';
import { lexicon } from './lexicon.js';
import { ftsPhrase, hasCjk, indexTokens, normalizeForMatch } from './search-text.js';
import { maskPii } from '../../shared/redact.js';

/** What the service needs of the properties feature: one hotel's own database, found by id or slug. */
export interface KnowledgeScopes {
  scope(idOrSlug: string): Transactional & { property: { id: string; name?: string } };
  list(): { id: string }[];
}

export interface KnowledgeOptions {
  /** Cosine similarity from which a vector neighbour counts as evidence of relevance (C2: default 0.7). */
  minSimilarity: number;
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

export interface UploadedFile {
  bytes: Buffer;
  contentType: string | undefined;
  query: unknown;
}

/** What the knowledge feature needs of the audit log. */
export interface KnowledgeAudit {
  record(actor: Actor, e: { action: string; target?: string | null; propertyId?: string | null; before?: unknown; after?: unknown }): void;
}

/** The parts of an item the audit log shows (content shortened: the log says what changed, not the whole text). */
function auditView(item: KnowledgeItem): { title: string; category: string; active: boolean; content: string } {
  return { title: item.title, category: item.category, active: item.active, content: item.content.length > 300 ? `${item.content.slice(0, 300)}…` : item.content };
}

/**
 * The knowledge base of each hotel: items (C3), their chunks and indexes, import, and hybrid
 * retrieval with relevance thresholds (C2). Every call names the hotel and works only on that
 * hotel's own database file, so one hotel's search cannot see another's items (A3).
 */
export class KnowledgeService {
  private readonly indexer: KnowledgeIndexer;
  private readonly stats = new Map<string, Stats>();
  private readonly lexicalChecked = new Set<string>();

  constructor(
    private readonly properties: KnowledgeScopes,
    private readonly embedder: EmbedderHandle,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly opts: KnowledgeOptions,
    /** Who added, changed, imported or deactivated what (the audit log); absent in tools that only search. */
    private readonly audit?: KnowledgeAudit,
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
    return { propertyId: scope.property.id, repo: new KnowledgeRepository(scope) };
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

  create(property: string, input: unknown, author: string | null = null, actor?: Actor): KnowledgeItem {
    const data = parseInput(CreateKnowledgeItem, input, 'The knowledge item');
    const { propertyId, repo } = this.open(property);
    const now = this.now();
    const item: KnowledgeItem = { id: newId('kn'), ...data, source: null, author, createdAt: now, updatedAt: now };
    repo.transaction(() => {
      this.assertTitleFree(repo, item.title, undefined);
      repo.insert(item);
      if (item.active) repo.replaceChunks(item, this.chunk(item));
    });
    if (actor) this.audit?.record(actor, { action: 'knowledge.create', target: `knowledge:${item.id}`, propertyId, after: auditView(item) });
    this.changed(propertyId);
    return item;
  }

  update(property: string, itemId: string, input: unknown, author: string | null = null, actor?: Actor, action = 'knowledge.update'): KnowledgeItem {
    const patch = parseInput(UpdateKnowledgeItem, input, 'The knowledge item update');
    const { propertyId, repo } = this.open(property);
    let next: KnowledgeItem | undefined;
    let before: KnowledgeItem | undefined;
    repo.transaction(() => {
      const current = repo.get(itemId);
      if (!current) throw new NotFoundError('No such knowledge item');
      if (patch.title !== undefined) this.assertTitleFree(repo, patch.title, current.id);
      before = current;
      next = { ...current, ...patch, author: author ?? current.author, updatedAt: this.now() };
      this.write(repo, current, next);
    });
    if (actor) this.audit?.record(actor, { action, target: `knowledge:${itemId}`, propertyId, before: auditView(before!), after: auditView(next!) });
    this.changed(propertyId);
    return next!;
  }

  /** Soft delete (C3): the item stays listed as inactive and is never retrieved. */
  deactivate(property: string, itemId: string, author: string | null = null, actor?: Actor): KnowledgeItem {
    return this.update(property, itemId, { active: false }, author, actor, 'knowledge.deactivate');
  }

  /**
   * Replaces the whole set: items are matched to existing ones by title (so ids, and citations of
   * them, survive), new titles are created, and active items missing from the set are deactivated.
   */
  replaceAll(property: string, input: unknown, author: string | null = null, actor?: Actor): WriteSummary {
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
    if (actor) this.audit?.record(actor, { action: 'knowledge.replace', propertyId, after: { created: summary.created, updated: summary.updated, deactivated: summary.deactivated } });
    this.changed(propertyId);
    return summary;
  }

  /** Reads an uploaded document or Q&A file and adds its items (updating items with the same titles). */
  async import(property: string, file: UploadedFile, author: string | null = null, actor?: Actor): Promise<ImportResult> {
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
    if (actor) this.audit?.record(actor, { action: 'knowledge.import', propertyId, after: { file: source, format, created: summary.created, updated: summary.updated, unchanged: summary.unchanged } });
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

  /**
   * The hotel's items ranked for a question, best first, each with a calibrated relevance (the
   * probability it answers the question; see relevance.ts). Every lexical candidate (BM25 over
   * title, heading, body and learned questions) and, with an embedder, every vector neighbour is
   * scored; the top k come back whatever their relevance, so a model always sees the best the
   * hotel has. Empty only when the question has no content word, or when there is no embedder and
   * nothing in the hotel shares a word with it (after typo, Malay-root and synonym matching).
   */
  async search(property: string, input: unknown): Promise<KnowledgeSearchResult> {
    const { query, k, context } = parseInput(KnowledgeSearch, input, 'The search');
    const { mode, ranked, groups } = await this.rank(property, query, k, context);
    const results = ranked.slice(0, k).map((s) => ({
      itemId: s.hit.itemId,
      title: s.hit.title,
      category: s.hit.category,
      score: Math.round(s.relevance * 1000) / 1000,
      snippet: snippet(s.hit.text, groups),
      matched: s.matched,
    }));
    return { results, mode };
  }

  /** Every candidate item of a question with its features, best first: what fitting the relevance model reads (scripts/fit-relevance.ts). */
  async explain(property: string, input: unknown): Promise<{ mode: SearchMode; items: { itemId: string; title: string; features: RelevanceFeatures; relevance: number }[] }> {
    const { query, k, context } = parseInput(KnowledgeSearch, input, 'The search');
    const { mode, ranked } = await this.rank(property, query, k, context);
    return { mode, items: ranked.map((s) => ({ itemId: s.hit.itemId, title: s.hit.title, features: s.features, relevance: s.relevance })) };
  }

  private async rank(property: string, query: string, k: number, context?: string): Promise<{ mode: SearchMode; ranked: Scored[]; groups: QueryGroup[] }> {
    const { propertyId, repo } = this.open(property);
    this.ensureLexicalFormat(propertyId, repo);
    const stats = this.statsOf(propertyId, repo);
    const own = analyzeQuery(query, stats.synonyms, this.nameWords(property));
    const asked = new Set(own.map((g) => g.label));
    const around = context ? analyzeQuery(context, stats.synonyms, this.nameWords(property)).filter((g) => !asked.has(g.label)) : [];
    const groups = [...around.map((g): QueryGroup => ({ ...g, context: true, focus: false })), ...own];
    if (groups.length === 0 || stats.total === 0) return { mode: this.embedder.status().state === 'ready' ? 'hybrid' : 'lexical', ranked: [], groups };
    const prepared = prepareGroups(groups, stats);
    // BM25 over ORed alternatives ranks a wide pool; the relevance model re-ranks it.
    const lexical = prepared.expr ? repo.lexical(prepared.expr, Math.max(LEXICAL_POOL, k * 4)) : [];
    const vector = await this.vector(propertyId, repo, context ? `${context} ${query}` : query, Math.max(10, k * 2));
    const mode: SearchMode = vector ? 'hybrid' : 'lexical';
    const model = RELEVANCE_MODEL[mode];

    const candidates = new Map<number, Candidate>();
    lexical.forEach((hit, rank) => candidates.set(hit.chunkId, { hit, bm25: hit.bm25, lexRank: rank, similarity: undefined, vecRank: undefined }));
    (vector ?? []).forEach(({ hit, similarity }, rank) => {
      const c = candidates.get(hit.chunkId);
      if (c) Object.assign(c, { similarity, vecRank: rank });
      else candidates.set(hit.chunkId, { hit, bm25: 0, lexRank: undefined, similarity, vecRank: rank });
    });

    // Best chunk per item by relevance; reciprocal rank fusion of the two lists breaks ties.
    const matched = [...candidates.values()].map((c) => ({ c, match: conceptBm25(this.fieldsOf(c, stats), prepared) }));
    const bestBm25 = Math.max(0, ...matched.map((m) => m.match.bm25));
    const byItem = new Map<string, Scored>();
    for (const { c, match } of matched) {
      const features = this.features(c, match, prepared, bestBm25);
      const scored: Scored = { hit: c.hit, features, relevance: relevance(features, model), rrf: rrf(c.lexRank) + rrf(c.vecRank), matched: match.matched };
      const other = byItem.get(c.hit.itemId);
      if (!other || scored.relevance > other.relevance || (scored.relevance === other.relevance && scored.rrf > other.rrf)) byItem.set(c.hit.itemId, scored);
    }
    return { mode, ranked: [...byItem.values()].sort((a, b) => b.relevance - a.relevance || b.rrf - a.rrf), groups };
  }

  /**
   * The features the relevance model reads for one candidate chunk (see RelevanceFeatures). The
   * BM25 features come from conceptBm25, not from FTS5: FTS5 sums every alternative of a concept
   * ("pm", "am", "noon", "until" for a time question), which lets one concept with many synonyms
   * outweigh the topic; there each concept counts once, by its best alternative.
   */
  private features(c: Candidate, score: ConceptMatch, q: PreparedQuery, best: number): RelevanceFeatures {
    const sim = c.similarity ?? 0;
    const minSim = this.opts.minSimilarity;
    return {
      coverage: q.totalWeight > 0 ? score.found / q.totalWeight : 0,
      titleCoverage: q.totalWeight > 0 ? score.inTitle / q.totalWeight : 0,
      bm25: best > 0 ? score.bm25 / best : 0,
      bm25Absolute: q.totalWeight > 0 ? Math.min(1, score.bm25 / (q.totalWeight * (BM25_K1 + 1))) : 0,
      sentenceCoverage: q.totalWeight > 0 ? score.inSentence / q.totalWeight : 0,
      focusMissing: score.focusMissing ? 1 : 0,
      vector: sim > minSim ? Math.min(1, (sim - minSim) / (1 - minSim)) : 0,
    };
  }

  /** A chunk's tokens per field, cached with the hotel's statistics (which any write clears). */
  private fieldsOf(c: Candidate, stats: Stats): ChunkFields {
    if (c.fields) return c.fields;
    let fields = stats.fields.get(c.hit.chunkId);
    if (!fields || fields.source !== c.hit.text || fields.questionsSource !== c.hit.questions) {
      fields = {
        title: indexTokens(c.hit.title),
        heading: indexTokens(c.hit.heading),
        body: indexTokens(c.hit.text),
        sentences: sentencesOf(c.hit.text).map(indexTokens),
        questions: indexTokens(c.hit.questions),
        source: c.hit.text,
        questionsSource: c.hit.questions,
      };
      if (stats.fields.size >= FIELD_CACHE_CHUNKS) stats.fields.clear();
      stats.fields.set(c.hit.chunkId, fields);
    }
    return (c.fields = fields);
  }

  /** The words of the hotel's name: every item is about the hotel, so they say little about a topic. */
  private nameWords(property: string): Set<string> {
    const name = this.properties.scope(property).property.name ?? '';
    return new Set(normalizeForMatch(name).split(' ').filter((w) => w.length > 2));
  }

  /** Re-writes the lexical index once when it was built in an older token form (see LEXICAL_FORMAT). */
  private ensureLexicalFormat(propertyId: string, repo: KnowledgeRepository): void {
    if (this.lexicalChecked.has(propertyId)) return;
    if (!repo.lexicalCurrent()) {
      repo.rebuildLexical();
      this.stats.delete(propertyId);
      this.log.info({ propertyId }, 'knowledge lexical index re-written in the current token form');
    }
    this.lexicalChecked.add(propertyId);
  }

  /**
   * Index statistics, cached per hotel: the vocabulary with document frequencies (for IDF weights
   * and typo correction) and the hotel's synonyms. Writes through this service clear the cache;
   * writes by another process (the CLI) are noticed within STATS_TTL_MS by the chunk version.
   */
  private statsOf(propertyId: string, repo: KnowledgeRepository): Stats {
    let stats = this.stats.get(propertyId);
    const now = Date.now();
    if (stats && now - stats.at > STATS_TTL_MS) {
      if (stats.version === repo.chunkVersion()) stats.at = now;
      else stats = undefined;
    }
    if (!stats) {
      const docs = repo.vocabulary();
      stats = {
        at: now,
        version: repo.chunkVersion(),
        total: repo.chunkTotal(),
        vocabulary: new Vocabulary(docs),
        synonyms: repo.synonyms().map((s) => ({ id: s.id, words: s.words })),
        fields: new Map(),
      };
      this.stats.set(propertyId, stats);
    }
    return stats;
  }

  /** Vector neighbours with their exact cosine similarity; undefined when vectors cannot be used now. */
  private async vector(propertyId: string, repo: KnowledgeRepository, query: string, pool: number): Promise<{ hit: ChunkHit; similarity: number }[] | undefined> {
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
    const scored = repo.nearest(qv, pool);
    const hits = new Map(repo.hits(scored.map((c) => c.chunkId)).map((h) => [h.chunkId, h]));
    return scored.flatMap((c) => {
      const hit = hits.get(c.chunkId);
      return hit ? [{ hit, similarity: c.similarity }] : [];
    });
  }

  // --- synonyms and learned questions -----------------------------------------------------------

  /** The hotel's own synonym sets, applied to every search. */
  synonyms(property: string): SynonymList {
    return { synonyms: this.open(property).repo.synonyms() };
  }

  /** Replaces the hotel's synonym sets (each a list of words or phrases that mean the same thing). */
  replaceSynonyms(property: string, input: unknown): SynonymList {
    const body = parseInput(ReplaceSynonyms, input, 'The synonyms');
    const { propertyId, repo } = this.open(property);
    const current = repo.synonyms();
    const sets = body.synonyms.map((s, i) => ({ id: current[i]?.id ?? newId('syn'), words: [...new Set(s.words.map((w) => w.trim()).filter(Boolean))] })).filter((s) => s.words.length >= 2);
    repo.replaceSynonyms(sets, this.now());
    this.stats.delete(propertyId);
    return { synonyms: repo.synonyms() };
  }

  /**
   * Remembers the wording of a guest question that staff answered with this item, so similar
   * wording finds it next time. Personal data is masked and only the question's content words are
   * kept (no greetings, contact details or numbers).
   */
  learnQuestion(property: string, itemId: string, question: string): void {
    const { propertyId, repo } = this.open(property);
    const item = repo.get(itemId);
    if (!item) throw new NotFoundError('No such knowledge item');
    const words = [...new Set(contentWords(maskPii(question.slice(0, 2_000))))].join(' ').slice(0, 500).trim();
    if (!words) return;
    repo.addQuestion(itemId, words, this.now());
    this.stats.delete(propertyId);
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

interface Stats {
  at: number;
  version: string;
  total: number;
  vocabulary: Vocabulary;
  synonyms: SynonymSet[];
  fields: Map<number, CachedFields>;
}

interface ChunkFields {
  title: string[];
  heading: string[];
  body: string[];
  questions: string[];
  /** The body's tokens, sentence by sentence. */
  sentences: string[][];
}

interface CachedFields extends ChunkFields {
  source: string;
  questionsSource: string;
}

/** Chunks whose tokens are kept per hotel between searches. */
const FIELD_CACHE_CHUNKS = 20_000;

interface Candidate {
  hit: ChunkHit;
  fields?: ChunkFields;
  bm25: number;
  lexRank: number | undefined;
  similarity: number | undefined;
  vecRank: number | undefined;
}

interface Scored {
  hit: ChunkHit;
  features: RelevanceFeatures;
  relevance: number;
  rrf: number;
  /** The question's concepts the chunk holds. */
  matched: string[];
}

/** One concept of the question as the hotel's index knows it: the token sequences present, and its IDF weight. */
interface PreparedGroup {
  label: string;
  present: string[][];
  weight: number;
  /** How much a match counts: less when it is the hotel's near spelling of an unknown word. */
  trust: number;
  /** The thing the guest asks the hotel to have or do (QueryGroup.focus). */
  focus: boolean;
  /** Found only through a broader class ("dog" for "dachshund"): does not show the item has the thing asked for. */
  broader: boolean;
}

interface PreparedQuery {
  groups: PreparedGroup[];
  totalWeight: number;
  /** The FTS5 query: every present alternative of every group, ORed. */
  expr: string;
}

/**
 * What a match through the hotel's near spelling of an unknown word counts for: half, since an
 * unknown word may be a real word the hotel never uses ("prime" is not a typo for "price").
 */
const FUZZY_TRUST = 0.5;

/**
 * What a match through a rule of how guests spell counts for (a chat form or a Malay loan spelling,
 * fuzzy.ts `ruleForm`): more than a near spelling, since the rule says which word it is.
 */
const RULE_TRUST = 0.8;

/**
 * How much a word no item of the hotel holds weighs, against the rarest word it does hold. It keeps
 * a question about something the hotel lacks ("helipad") low everywhere, but a chatty message's
 * asides ("my little cat Mochi") are such words too, and at full weight they drowned its topic.
 */
const ABSENT_WEIGHT = 0.7;

/**
 * What a name no item holds weighs ("our cat Mochi", "flying in from London", "Regards, Priya"): the
 * guest's story around the question, not its topic. A name the hotel does hold ("Kuching", a suite's
 * name) weighs as any word.
 */
const ABSENT_NAME_WEIGHT = 0.2;

/**
 * What a word no item holds and no dictionary knows weighs ("wats", "flite", "pw", a Malay word): a
 * chat form, a typo past repair or a word of another language, weak evidence that the hotel lacks
 * what is asked. A known word the hotel never uses ("jacuzzi", "kettle") keeps ABSENT_WEIGHT.
 */
const ABSENT_UNKNOWN_WEIGHT = 0.2;

/**
 * What a word of the question's context (a remark, the message before) weighs when no item holds it:
 * the guest's story ("my son loves to cycle"), not what is asked.
 */
const ABSENT_CONTEXT_WEIGHT = 0;

/**
 * What a match through a dictionary counts for (lexicon.ts): the same meaning in other words or
 * another language ("tub" for bath, 游船 for a boat) counts more than a near spelling; a broader
 * class ("dog" for "dachshund") counts as a near spelling, since the item may be about another kind.
 */
const SAME_MEANING_TRUST = 0.7;
const BROADER_TRUST = 0.5;

/**
 * A word the dictionaries relate to a guest's word names a topic when at most this share of the hotel's
 * chunks hold it (and never fewer than 2): a word half the items use ("room") names none.
 */
const GENERAL_SHARE = 0.05;

type Alternative = { term: string; tokens: string[] };

/**
 * The hotel's words for what an unknown word means, through the dictionaries: a Chinese word's English
 * senses, else an English word's synonyms, else its broader classes, each kept when the hotel's index
 * holds it (`present`), and the ones that name a topic (not `general`) preferred. A word that means
 * only what the hotel says everywhere (度假村, "resort", at a resort) is such a common word, not a
 * topic the hotel lacks; a broader class the hotel uses everywhere says nothing ("room" for "sauna").
 */
function meaningOf(label: string, present: (terms: string[]) => Alternative[], general: (a: Alternative) => boolean): { alts: Alternative[]; trust: number; broader: boolean } | undefined {
  const dictionaries = lexicon();
  const related = hasCjk(label) ? dictionaries.chinese(label).map((word) => ({ word, broader: false })) : dictionaries.english(label);
  for (const broader of [false, true]) {
    const held = present(related.filter((r) => r.broader === broader).map((r) => r.word));
    const topical = held.filter((a) => !general(a));
    const alts = topical.length > 0 || broader ? topical : held;
    if (alts.length > 0) return { alts, trust: broader ? BROADER_TRUST : SAME_MEANING_TRUST, broader };
  }
  return undefined;
}

/** What a word of the hotel's own name counts for: it may name a topic ("villa"), but every item is about the hotel. */
const WEAK_TRUST = 0.5;

/** BM25's term-frequency saturation (FTS5's k1). */
const BM25_K1 = 1.2;
const FIELD_WEIGHTS: Record<'title' | 'heading' | 'body' | 'questions', number> = { title: BM25_WEIGHTS[0], heading: BM25_WEIGHTS[1], body: BM25_WEIGHTS[2], questions: BM25_WEIGHTS[3] };

/**
 * A chunk's BM25 over the question's concepts (each by its best alternative, occurrences weighted
 * by field, without length normalisation: chunks are short and of similar size), and the IDF
 * weight of the concepts it holds anywhere and in its title, heading or learned questions.
 */
interface ConceptMatch {
  bm25: number;
  found: number;
  inTitle: number;
  /** Weight of the concepts its best sentence holds, read with its title, heading and learned questions. */
  inSentence: number;
  /** The question names a thing it asks the hotel to have or do, and the chunk never mentions it. */
  focusMissing: boolean;
  /** The labels of the question's concepts the chunk holds. */
  matched: string[];
}

function conceptBm25(fields: ChunkFields, q: PreparedQuery): ConceptMatch {
  let bm25 = 0;
  let found = 0;
  let inTitle = 0;
  const bySentence = new Array<number>(fields.sentences.length).fill(0);
  let focusAsked = false;
  let focusFound = false;
  const matched: string[] = [];
  for (const g of q.groups) {
    focusAsked ||= g.focus;
    let tf = 0;
    let titled = false;
    const inSentences = new Set<number>();
    for (const tokens of g.present) {
      fields.sentences.forEach((sentence, i) => {
        if (countSequence(sentence, tokens) > 0) inSentences.add(i);
      });
      let t = 0;
      for (const f of Object.keys(FIELD_WEIGHTS) as (keyof typeof FIELD_WEIGHTS)[]) {
        const n = countSequence(fields[f], tokens);
        if (n > 0 && f !== 'body') titled = true;
        t += FIELD_WEIGHTS[f] * n;
      }
      tf = Math.max(tf, t);
    }
    if (tf === 0) continue;
    focusFound ||= g.focus && !g.broader;
    matched.push(g.label);
    found += g.weight * g.trust;
    if (titled) inTitle += g.weight * g.trust;
    else for (const i of inSentences) bySentence[i]! += g.weight * g.trust;
    bm25 += (g.trust * g.weight * tf * (BM25_K1 + 1)) / (tf + BM25_K1);
  }
  return { bm25, found, inTitle, inSentence: inTitle + Math.max(0, ...bySentence), focusMissing: focusAsked && !focusFound, matched };
}

/** Chunks BM25 hands the relevance model per search (at least; 4 per result asked for). */
const LEXICAL_POOL = 24;
/** Postings (summed chunk counts) one FTS5 query may hold. */
const POSTINGS_BUDGET = 1_500;

function rrf(rank: number | undefined): number {
  return rank === undefined ? 0 : 1 / (RRF_K + rank + 1);
}

/**
 * Resolves the question's groups against the hotel's vocabulary: which alternatives the index
 * holds, a Malay root when the word itself is not there, the hotel's own near spelling for a typo,
 * and each group's IDF weight. A group the hotel never mentions keeps most of its weight
 * (ABSENT_WEIGHT), so a question about something the hotel does not have scores low everywhere.
 */
function prepareGroups(groups: QueryGroup[], stats: Stats): PreparedQuery {
  const total = stats.total;
  const df = (t: string) => stats.vocabulary.docs.get(t) ?? 0;
  /** The chunks an alternative can occur in: at most as many as hold its rarest word. */
  const docsOf = (a: Alternative) => Math.min(...a.tokens.map(df));
  const idf = (n: number) => Math.log(1 + (total - n + 0.5) / (n + 0.5));
  const terms: { phrase: string; docs: number; first: boolean }[] = [];
  const prepared = groups.map((g) => {
    const present = (terms: string[]) =>
      terms.map((term) => ({ term, tokens: indexTokens(term) })).filter((a) => a.tokens.length > 0 && a.tokens.every((t) => df(t) > 0));
    let alts = present(g.terms);
    let trust = g.weak ? WEAK_TRUST : 1;
    let broader = false;
    if (alts.length === 0 && g.fallbacks) alts = present(g.fallbacks);
    const pet = alts.length === 0 && !g.expanded ? stats.vocabulary.petForm(indexTokens(g.label)[0] ?? '') : undefined;
    if (pet) alts = [{ term: pet, tokens: [pet] }];
    if (alts.length === 0 && !g.expanded) {
      const tokens = indexTokens(g.label);
      // A chat or Malay spelling undone by rule ("lif", "nite", "klinik") is the word itself, not a guess.
      const rule = tokens.length === 1 ? (stats.vocabulary.ruleForm(tokens[0]!) ?? stats.vocabulary.ruleForm(g.label)) : undefined;
      trust = rule ? RULE_TRUST : FUZZY_TRUST;
      if (rule) alts = [{ term: rule, tokens: [rule] }];
      else if (tokens.length === 1) alts = stats.vocabulary.near(tokens[0]!).map((t) => ({ term: t, tokens: [t] }));
      if (alts.length === 0 && tokens.length === 1) {
        const raw = stats.vocabulary.near(g.label);
        alts = raw.map((t) => ({ term: t, tokens: [t] }));
      }
    }
    // A real word the hotel never uses ("dachshund", 租车): the hotel's words for what it means.
    // Not for the guest's story around the question, nor for a name: what it means is not what is asked.
    if (alts.length === 0 && !g.expanded && !g.context && !g.name) {
      const meant = meaningOf(g.label, present, (a) => docsOf(a) > Math.max(2, total * GENERAL_SHARE));
      if (meant) ({ alts, trust, broader } = meant);
    }
    // A phrase occurs in at most as many chunks as its rarest word; synonyms mostly occur
    // together, so the commonest alternative stands for the group. Absent groups weigh as the rarest.
    const docs = alts.map(docsOf);
    const groupDf = Math.max(0, ...docs);
    const rarest = docs.indexOf(Math.min(...docs));
    alts.forEach((a, i) => terms.push({ phrase: ftsPhrase(a.term), docs: docs[i]!, first: i === rarest }));
    return { label: g.label, focus: !!g.focus, broader, present: alts.map((a) => a.tokens), weight: idf(groupDf) * (alts.length === 0 ? absentWeight(g) : 1), trust };
  });
  // FTS5 scores every chunk that matches any phrase, so the query takes the concepts' rarest
  // phrases, then the other alternatives, each from rarest up, while their postings fit a budget
  // (always at least one): a small hotel's query holds every phrase; a large index is not scored
  // whole for "what time ...", and the phrases left out still count in the candidates' features.
  let budget = POSTINGS_BUDGET;
  const phrases = terms
    .sort((a, b) => Number(b.first) - Number(a.first) || a.docs - b.docs)
    .filter((t, i) => (budget -= t.docs) >= 0 || i === 0)
    .map((t) => t.phrase);
  return {
    groups: prepared,
    totalWeight: prepared.reduce((sum, g) => sum + g.weight, 0),
    expr: [...new Set(phrases)].join(' OR '),
  };
}

/** What a concept no item of the hotel holds weighs, by what it is (see ABSENT_WEIGHT and the weights after it). */
function absentWeight(g: QueryGroup): number {
  if (g.context) return ABSENT_CONTEXT_WEIGHT;
  if (g.name) return ABSENT_NAME_WEIGHT;
  return g.expanded || g.product || lexicon().knows(g.label) ? ABSENT_WEIGHT : ABSENT_UNKNOWN_WEIGHT;
}

/** A chunk's body cut at sentence ends ("." "!" "?" and their CJK forms, or a line break); one pass. */
function sentencesOf(text: string): string[] {
  return text.split(/[.!?。！？\n]+(?:\s+|$)|\n/).filter((x) => x.trim());
}

function countSequence(tokens: string[], seq: string[]): number {
  let n = 0;
  outer: for (let i = 0; i + seq.length <= tokens.length; i++) {
    for (let j = 0; j < seq.length; j++) if (tokens[i + j] !== seq[j]) continue outer;
    n++;
  }
  return n;
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
