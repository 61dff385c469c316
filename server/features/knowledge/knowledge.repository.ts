import { connectionOf, type Transactional } from '../../db/handle.js';
import { prepared, type Db } from '../../db/sqlite.js';
import type { Chunk } from './chunker.js';
import type { KnowledgeCategory, KnowledgeItem } from './knowledge.schemas.js';
import { toIndexText } from './search-text.js';

/** Every query of one hotel's knowledge base: items, chunks, the FTS5 index and the vec0 table. */
interface ItemRow {
  id: string;
  category: KnowledgeCategory;
  title: string;
  content: string;
  metadata: string;
  active: number;
  source: string | null;
  author: string | null;
  created_at: string;
  updated_at: string;
}

const ITEM_COLUMNS = 'id, category, title, content, metadata, active, source, author, created_at, updated_at';

function toItem(r: ItemRow): KnowledgeItem {
  return {
    id: r.id,
    category: r.category,
    title: r.title,
    content: r.content,
    metadata: JSON.parse(r.metadata) as Record<string, unknown>,
    active: r.active === 1,
    source: r.source,
    author: r.author,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** A chunk found by search, with what the result needs from its item. */
export interface ChunkHit {
  chunkId: number;
  itemId: string;
  title: string;
  category: KnowledgeCategory;
  heading: string;
  text: string;
  /** The item's learned questions (masked guest wording), space-separated; '' when none. */
  questions: string;
}

/** A hotel's synonym set as stored. */
export interface SynonymRow {
  id: string;
  words: string[];
  updatedAt: string;
}

/**
 * The token form the lexical index is written in. Bumped when indexing text changes (2: Chinese
 * words from Intl.Segmenter plus bigrams); an older index is re-written from knowledge_chunks.
 */
export const LEXICAL_FORMAT = 2;
/** Learned questions kept per item (the newest). */
const QUESTIONS_PER_ITEM = 20;
const ITEM_QUESTIONS = `coalesce((select group_concat(q.text, ' ') from knowledge_questions q where q.item_id = c.item_id), '')`;

export interface PendingChunk {
  id: number;
  title: string;
  heading: string;
  text: string;
}

export interface IndexRow {
  embedder: string;
  dimension: number;
  state: 'idle' | 'indexing' | 'failed';
  error: string | null;
  started_at: string | null;
  updated_at: string;
}

export type ActiveFilter = 'true' | 'false' | 'all';

const VEC_TABLE = 'knowledge_vec';

/** FTS5 column weights for BM25: title, heading, body, learned questions. */
export const BM25_WEIGHTS = [4, 2, 1, 3] as const;

/** The list and queue queries, named so a test can check each one's query plan uses its index. */
export const KNOWLEDGE_SQL = {
  listByCategory: `select ${ITEM_COLUMNS} from knowledge_items where active in (select value from json_each(?)) and category = ? order by title collate nocase`,
  listAll: `select ${ITEM_COLUMNS} from knowledge_items where active in (select value from json_each(?)) order by category, title collate nocase`,
  byTitle: `select ${ITEM_COLUMNS} from knowledge_items where title = ? collate nocase`,
  pending: `select c.id, i.title, c.heading, c.text from knowledge_chunks c join knowledge_items i on i.id = c.item_id
         where c.embedded = 0 order by c.id limit ?`,
} as const;


/**
 * Candidates the binary index yields per neighbour asked for, before exact re-scoring. sqlite-vec
 * selects its k nearest in O(rows x k), so more candidates cost latency: at 8, the 10 neighbours
 * of a k = 5 search take ~2.5 ms at 10k chunks and are 86% of the exact top 10, with 98.6% of its
 * summed similarity, on the benchmark's deliberately repetitive corpus (`npm run bench -- retrieval`).
 */
export const BINARY_OVERSAMPLE = 8;

/**
 * Thresholds of the binary code, in units of 1/sqrt(d) - the spread of one component of a unit
 * vector - at the quartiles of a normal distribution.
 */
const CODE_THRESHOLDS = [-0.67, 0, 0.67];

/** Bits the binary code of a d-dimensional vector takes, whole bytes. */
function codeBits(dimension: number): number {
  return Math.ceil((dimension * CODE_THRESHOLDS.length) / 8) * 8;
}

/**
 * The vec0 index's form of a vector: a thermometer code, three bits per component, one for each
 * threshold it exceeds. The Hamming distance of two codes is then the L1 distance of the
 * components' quartile levels, which tells near neighbours apart far better than sign bits alone
 * (recall@10 0.97 against 0.84 with the same 80 candidates, 10k vectors) in a fifth of the time
 * sqlite-vec takes to scan int8 vectors (it has no SIMD path in the npm build).
 */
function binaryCode(v: Float32Array): Buffer {
  const out = Buffer.alloc(codeBits(v.length) / 8);
  const scale = Math.sqrt(v.length);
  const levels = CODE_THRESHOLDS.length;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]! * scale;
    for (let j = 0; j < levels && x > CODE_THRESHOLDS[j]!; j++) {
      const bit = i * levels + j;
      out[bit >> 3]! |= 1 << (bit & 7);
    }
  }
  return out;
}

function float32Blob(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

function vecTableSql(dimension: number): string {
  return `create virtual table ${VEC_TABLE} using vec0 (embedding bit[${codeBits(dimension)}])`;
}

export class KnowledgeRepository {
  private readonly db: Db;

  /** `store`: the hotel's scope (or any handle bound to its database). */
  constructor(store: Transactional) {
    this.db = connectionOf(store);
  }

  private stmt(sql: string) {
    return prepared(this.db, sql);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  // --- items ---------------------------------------------------------------------------------------

  list(filter: { category?: KnowledgeCategory | undefined; active: ActiveFilter }): KnowledgeItem[] {
    const actives = filter.active === 'all' ? [0, 1] : [filter.active === 'true' ? 1 : 0];
    const rows = filter.category
      ? (this.stmt(KNOWLEDGE_SQL.listByCategory).all(JSON.stringify(actives), filter.category) as ItemRow[])
      : (this.stmt(KNOWLEDGE_SQL.listAll).all(JSON.stringify(actives)) as ItemRow[]);
    return rows.map(toItem);
  }

  get(id: string): KnowledgeItem | undefined {
    const row = this.stmt(`select ${ITEM_COLUMNS} from knowledge_items where id = ?`).get(id) as ItemRow | undefined;
    return row && toItem(row);
  }

  findByTitle(title: string): KnowledgeItem | undefined {
    const row = this.stmt(KNOWLEDGE_SQL.byTitle).get(title) as ItemRow | undefined;
    return row && toItem(row);
  }

  insert(item: KnowledgeItem): void {
    this
      .stmt(
        `insert into knowledge_items (${ITEM_COLUMNS})
         values (@id, @category, @title, @content, @metadata, @active, @source, @author, @created_at, @updated_at)`,
      )
      .run(this.row(item));
  }

  update(item: KnowledgeItem): void {
    this
      .stmt(
        `update knowledge_items set category = @category, title = @title, content = @content, metadata = @metadata, active = @active,
         source = @source, author = @author, updated_at = @updated_at where id = @id`,
      )
      .run(this.row(item));
  }

  private row(item: KnowledgeItem): ItemRow {
    return {
      id: item.id,
      category: item.category,
      title: item.title,
      content: item.content,
      metadata: JSON.stringify(item.metadata),
      active: item.active ? 1 : 0,
      source: item.source,
      author: item.author,
      created_at: item.createdAt,
      updated_at: item.updatedAt,
    };
  }

  activeItemIds(): string[] {
    return (this.stmt('select id from knowledge_items where active = 1').all() as { id: string }[]).map((r) => r.id);
  }

  // --- chunks and the lexical index ------------------------------------------------------------

  /** Replaces an item's chunks (and their index rows); new chunks wait for their vectors. */
  replaceChunks(item: Pick<KnowledgeItem, 'id' | 'title'>, chunks: Chunk[]): void {
    this.deleteChunks(item.id);
    const insert = this.stmt('insert into knowledge_chunks (item_id, seq, heading, text) values (?, ?, ?, ?)');
    const fts = this.stmt('insert into knowledge_fts (rowid, title, heading, body, questions) values (?, ?, ?, ?, ?)');
    const questions = toIndexText(this.questionsText(item.id));
    for (const c of chunks) {
      const id = insert.run(item.id, c.seq, c.heading, c.text).lastInsertRowid;
      fts.run(id, toIndexText(item.title), toIndexText(c.heading), toIndexText(c.text), questions);
    }
  }

  private questionsText(itemId: string): string {
    return (this.stmt('select text from knowledge_questions where item_id = ? order by id').pluck().all(itemId) as string[]).join(' ');
  }

  /** Stores a learned question with its item (the newest QUESTIONS_PER_ITEM kept) and re-indexes the item's chunks. */
  addQuestion(itemId: string, text: string, now: string): void {
    this.transaction(() => {
      this.stmt('insert into knowledge_questions (item_id, text, created_at) values (?, ?, ?)').run(itemId, text, now);
      this
        .stmt('delete from knowledge_questions where item_id = ? and id not in (select id from knowledge_questions where item_id = ? order by id desc limit ?)')
        .run(itemId, itemId, QUESTIONS_PER_ITEM);
      const indexed = toIndexText(this.questionsText(itemId));
      this.stmt('update knowledge_fts set questions = ? where rowid in (select id from knowledge_chunks where item_id = ?)').run(indexed, itemId);
    });
  }

  questions(itemId: string): string[] {
    return this.stmt('select text from knowledge_questions where item_id = ? order by id').pluck().all(itemId) as string[];
  }

  /** Whether the lexical index is in the current token form. */
  lexicalCurrent(): boolean {
    return (this.stmt('select lexical_format from knowledge_index where id = 1').pluck().get() as number) >= LEXICAL_FORMAT;
  }

  /** Re-writes every row of the lexical index from knowledge_chunks in the current token form. */
  rebuildLexical(): void {
    this.transaction(() => {
      this.stmt('delete from knowledge_fts').run();
      const fts = this.stmt('insert into knowledge_fts (rowid, title, heading, body, questions) values (?, ?, ?, ?, ?)');
      const rows = this
        .stmt(`select c.id, i.title, c.heading, c.text, ${ITEM_QUESTIONS} as questions from knowledge_chunks c join knowledge_items i on i.id = c.item_id`)
        .all() as { id: number; title: string; heading: string; text: string; questions: string }[];
      for (const r of rows) fts.run(r.id, toIndexText(r.title), toIndexText(r.heading), toIndexText(r.text), toIndexText(r.questions));
      this.stmt('update knowledge_index set lexical_format = ? where id = 1').run(LEXICAL_FORMAT);
    });
  }

  // --- synonyms --------------------------------------------------------------------------------

  synonyms(): SynonymRow[] {
    return (this.stmt('select id, words, updated_at from knowledge_synonyms order by position, id').all() as { id: string; words: string; updated_at: string }[]).map((r) => ({
      id: r.id,
      words: JSON.parse(r.words) as string[],
      updatedAt: r.updated_at,
    }));
  }

  /** Replaces the whole list of synonym sets, keeping each set's id when its position holds the same id. */
  replaceSynonyms(sets: { id: string; words: string[] }[], now: string): void {
    this.transaction(() => {
      this.stmt('delete from knowledge_synonyms').run();
      const ins = this.stmt('insert into knowledge_synonyms (id, words, position, created_at, updated_at) values (?, ?, ?, ?, ?)');
      sets.forEach((s, i) => ins.run(s.id, JSON.stringify(s.words), i, now, now));
    });
  }

  deleteChunks(itemId: string): void {
    const ids = (this.stmt('select id from knowledge_chunks where item_id = ?').all(itemId) as { id: number }[]).map((r) => r.id);
    if (ids.length === 0) return;
    const list = JSON.stringify(ids);
    this.stmt('delete from knowledge_fts where rowid in (select value from json_each(?))').run(list);
    if (this.hasVectorTable()) this.stmt(`delete from ${VEC_TABLE} where rowid in (select value from json_each(?))`).run(list);
    this.stmt('delete from knowledge_vectors where chunk_id in (select value from json_each(?))').run(list);
    this.stmt('delete from knowledge_chunks where item_id = ?').run(itemId);
  }

  deleteAllChunks(): void {
    this.stmt('delete from knowledge_fts').run();
    if (this.hasVectorTable()) this.stmt(`delete from ${VEC_TABLE}`).run();
    this.stmt('delete from knowledge_vectors').run();
    this.stmt('delete from knowledge_chunks').run();
  }

  /** Chunks and how many have their vector, cheap enough to ask after every batch. */
  progress(): { chunks: number; embedded: number } {
    const chunks = (this.stmt('select count(*) as n from knowledge_chunks').get() as { n: number }).n;
    const pending = (this.stmt('select count(*) as n from knowledge_chunks where embedded = 0').get() as { n: number }).n;
    return { chunks, embedded: chunks - pending };
  }

  counts(): { chunks: number; embedded: number; vectors: number } {
    const c = this.stmt('select count(*) as chunks, coalesce(sum(embedded), 0) as embedded from knowledge_chunks').get() as { chunks: number; embedded: number };
    const vectors = this.hasVectorTable() ? (this.stmt(`select count(*) as n from ${VEC_TABLE}`).get() as { n: number }).n : 0;
    return { ...c, vectors };
  }

  pendingChunks(limit: number): PendingChunk[] {
    return this.stmt(KNOWLEDGE_SQL.pending).all(limit) as PendingChunk[];
  }

  /** Stores vectors for chunks still waiting; chunks replaced meanwhile are skipped. Returns how many were stored. */
  storeVectors(rows: { id: number; text: string; vector: Float32Array }[]): number {
    const current = this.stmt('select text from knowledge_chunks where id = ? and embedded = 0');
    const del = this.stmt(`delete from ${VEC_TABLE} where rowid = ?`);
    const ins = this.stmt(`insert into ${VEC_TABLE} (rowid, embedding) values (?, vec_bit(?))`);
    const exact = this.stmt('insert or replace into knowledge_vectors (chunk_id, embedding) values (?, ?)');
    const mark = this.stmt('update knowledge_chunks set embedded = 1 where id = ?');
    const { dimension } = this.indexState();
    let stored = 0;
    this.transaction(() => {
      for (const r of rows) {
        if (r.vector.length !== dimension) throw new Error(`embedding dimension ${r.vector.length} does not match the index (${dimension})`);
        const now = current.get(r.id) as { text: string } | undefined;
        if (!now || now.text !== r.text) continue;
        del.run(BigInt(r.id));
        ins.run(BigInt(r.id), binaryCode(r.vector));
        exact.run(r.id, float32Blob(r.vector));
        mark.run(r.id);
        stored++;
      }
    });
    return stored;
  }

  /** FTS5 candidates best-first by BM25 (title weighs most, then headings, then body). */
  lexical(match: string, limit: number): (ChunkHit & { bm25: number })[] {
    return this
      .stmt(
        `with top as (select rowid, bm25(knowledge_fts, ${BM25_WEIGHTS.join(', ')}) as bm25 from knowledge_fts where knowledge_fts match ? order by bm25 limit ?)
         select top.rowid as chunkId, top.bm25, c.item_id as itemId, i.title, i.category, c.heading, c.text, ${ITEM_QUESTIONS} as questions
         from top
         join knowledge_chunks c on c.id = top.rowid
         join knowledge_items i on i.id = c.item_id
         where i.active = 1
         order by top.bm25`,
      )
      .all(match, limit) as (ChunkHit & { bm25: number })[];
  }

  /** Every term of the index with the number of chunks holding it (the hotel's own vocabulary). */
  vocabulary(): Map<string, number> {
    const rows = this.stmt('select term, doc from knowledge_fts_vocab').raw().all() as [string, number][];
    return new Map(rows);
  }

  /** A value that changes whenever chunks are added or removed, to know when cached statistics are stale. */
  chunkVersion(): string {
    const r = this.stmt('select count(*) as n, coalesce(max(id), 0) as last from knowledge_chunks').get() as { n: number; last: number };
    return `${r.n}:${r.last}`;
  }

  /** How many chunks hold each (stemmed) term, from the index's own statistics. */
  termDocs(terms: string[]): Map<string, number> {
    const out = new Map<string, number>();
    if (terms.length === 0) return out;
    const stmt = this.stmt('select doc from knowledge_fts_vocab where term = ?').pluck();
    for (const t of terms) out.set(t, (stmt.get(t) as number | undefined) ?? 0);
    return out;
  }

  chunkTotal(): number {
    return (this.stmt('select count(*) as n from knowledge_chunks').get() as { n: number }).n;
  }

  // --- vectors ---------------------------------------------------------------------------------

  hasVectorTable(): boolean {
    return this.stmt("select 1 from sqlite_master where type = 'table' and name = ?").get(VEC_TABLE) !== undefined;
  }

  /** Drops every vector and re-creates the vec0 table for a new embedder; all chunks wait again. */
  resetVectors(embedder: string, dimension: number, now: string): void {
    if (!Number.isInteger(dimension) || dimension < 1 || dimension > 8192) throw new Error(`invalid embedding dimension ${dimension}`);
    this.transaction(() => {
      this.db.exec(`drop table if exists ${VEC_TABLE}`);
      this.db.exec(vecTableSql(dimension));
      this.stmt('delete from knowledge_vectors').run();
      this.stmt('update knowledge_chunks set embedded = 0 where embedded = 1').run();
      this
        .stmt("update knowledge_index set embedder = ?, dimension = ?, state = 'indexing', error = null, started_at = ?, updated_at = ? where id = 1")
        .run(embedder, dimension, now, now);
    });
  }

  /**
   * Rebuilds a vec0 table written by an earlier version (int8 vectors) in the current binary code
   * from the stored float32 vectors; nothing is re-embedded. Returns whether it had to.
   */
  upgradeVectorTable(): boolean {
    const table = this.stmt("select sql from sqlite_master where type = 'table' and name = ?").get(VEC_TABLE) as { sql: string } | undefined;
    const { dimension } = this.indexState();
    if (!table || table.sql.includes(`bit[${codeBits(dimension)}]`)) return false;
    this.transaction(() => {
      this.db.exec(`drop table ${VEC_TABLE}`);
      this.db.exec(vecTableSql(dimension));
      const ins = this.stmt(`insert into ${VEC_TABLE} (rowid, embedding) values (?, vec_bit(?))`);
      const page = this.stmt('select chunk_id, embedding from knowledge_vectors where chunk_id > ? order by chunk_id limit 1000');
      for (let after = 0, rows: { chunk_id: number; embedding: Buffer }[]; (rows = page.all(after) as typeof rows).length > 0; after = rows.at(-1)!.chunk_id) {
        for (const r of rows) ins.run(BigInt(r.chunk_id), binaryCode(new Float32Array(r.embedding.buffer.slice(r.embedding.byteOffset, r.embedding.byteOffset + r.embedding.byteLength))));
      }
    });
    return true;
  }

  /**
   * The n chunks nearest a unit vector by cosine similarity: BINARY_OVERSAMPLE x n candidates by
   * Hamming distance of binary codes from the vec0 index, re-scored with their exact float32 vectors.
   */
  nearest(vector: Float32Array, n: number): { chunkId: number; similarity: number }[] {
    return this.stmt(
      `with knn as (select rowid from ${VEC_TABLE} where embedding match vec_bit(?) and k = ?)
       select knn.rowid as chunkId, 1 - vec_distance_cosine(v.embedding, ?) as similarity
       from knn join knowledge_vectors v on v.chunk_id = knn.rowid
       order by similarity desc limit ?`,
    ).all(binaryCode(vector), n * BINARY_OVERSAMPLE, float32Blob(vector), n) as { chunkId: number; similarity: number }[];
  }

  /** The chunks with these ids that belong to active items (looked up by id: `cross join` keeps SQLite from scanning items first). */
  hits(chunkIds: number[]): ChunkHit[] {
    if (chunkIds.length === 0) return [];
    return this.stmt(
      `select c.id as chunkId, c.item_id as itemId, i.title, i.category, c.heading, c.text, ${ITEM_QUESTIONS} as questions
       from json_each(?) j cross join knowledge_chunks c on c.id = j.value join knowledge_items i on i.id = c.item_id
       where i.active = 1`,
    ).all(JSON.stringify(chunkIds)) as ChunkHit[];
  }

  // --- index state -----------------------------------------------------------------------------

  indexState(): IndexRow {
    return this.stmt('select embedder, dimension, state, error, started_at, updated_at from knowledge_index where id = 1').get() as IndexRow;
  }

  setIndexState(state: IndexRow['state'], now: string, opts: { error?: string | null; startedAt?: string } = {}): void {
    this
      .stmt('update knowledge_index set state = ?, error = ?, started_at = coalesce(?, started_at), updated_at = ? where id = 1')
      .run(state, opts.error ?? null, opts.startedAt ?? null, now);
  }

  /** Every knowledge item as stored (a hotel's export). */
  exportRows(): unknown[] {
    return this.stmt('select * from knowledge_items').all();
  }
}
