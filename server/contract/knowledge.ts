import { z } from 'zod';

/**
 * The API contract of the knowledge base (C2, C3, F3), shared by server and renderer: items,
 * replace, import, search and index status. Only zod and standard globals here, so it runs in the
 * browser as well as under Node.
 */
export const KNOWLEDGE_CATEGORIES = ['rates', 'rooms', 'facilities', 'dining', 'directions', 'policies', 'faqs'] as const;
export const KnowledgeCategory = z.enum(KNOWLEDGE_CATEGORIES);
export type KnowledgeCategory = z.infer<typeof KnowledgeCategory>;

export const MAX_TITLE_CHARS = 200;
export const MAX_CONTENT_CHARS = 50_000;
export const MAX_METADATA_BYTES = 8_192;

const Title = z.string().trim().min(1).max(MAX_TITLE_CHARS);
const Content = z.string().trim().min(1).max(MAX_CONTENT_CHARS);

/** UTF-8 length of a string (TextEncoder, not Buffer: the renderer has no Buffer). */
function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}

export const Metadata = z
  .record(z.string(), z.unknown())
  .refine((m) => utf8Bytes(JSON.stringify(m)) <= MAX_METADATA_BYTES, { message: `metadata must be at most ${MAX_METADATA_BYTES} bytes of JSON` });

export const KnowledgeItem = z.object({
  id: z.string(),
  category: KnowledgeCategory,
  title: z.string(),
  content: z.string(),
  metadata: z.record(z.string(), z.unknown()),
  active: z.boolean(),
  /** File the item was imported from, when it was. */
  source: z.string().nullable(),
  /** Who last wrote it (the signed-in staff member, when the access layer names one). */
  author: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type KnowledgeItem = z.infer<typeof KnowledgeItem>;

export const KnowledgeItemList = z.object({ items: z.array(KnowledgeItem) });
export type KnowledgeItemList = z.infer<typeof KnowledgeItemList>;

export const ListKnowledgeQuery = z
  .object({
    category: KnowledgeCategory.optional(),
    /** `true` (default): active items only; `false`: deactivated only; `all`: both. */
    active: z.enum(['true', 'false', 'all']).default('true'),
  })
  .strict();
export type ListKnowledgeQuery = z.input<typeof ListKnowledgeQuery>;

export const CreateKnowledgeItem = z
  .object({
    category: KnowledgeCategory,
    title: Title,
    content: Content,
    metadata: Metadata.default({}),
    active: z.boolean().default(true),
  })
  .strict();
export type CreateKnowledgeItem = z.input<typeof CreateKnowledgeItem>;

export const UpdateKnowledgeItem = z
  .object({ category: KnowledgeCategory, title: Title, content: Content, metadata: Metadata, active: z.boolean() })
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: 'name at least one field to change' });
export type UpdateKnowledgeItem = z.input<typeof UpdateKnowledgeItem>;

export const ReplaceKnowledgeBase = z
  .object({
    items: z.array(z.object({ category: KnowledgeCategory, title: Title, content: Content, metadata: Metadata.default({}) }).strict()).max(5_000),
  })
  .strict()
  .superRefine((body, ctx) => {
    const seen = new Map<string, number>();
    body.items.forEach((item, i) => {
      const key = item.title.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['items', i, 'title'], message: `duplicates the title of items.${first} (titles are unique within a hotel)` });
      else seen.set(key, i);
    });
  });
export type ReplaceKnowledgeBase = z.input<typeof ReplaceKnowledgeBase>;

export const WriteSummary = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  deactivated: z.number().int(),
  items: z.array(z.object({ id: z.string(), title: z.string(), category: KnowledgeCategory, change: z.enum(['created', 'updated', 'unchanged']) })),
});
export type WriteSummary = z.infer<typeof WriteSummary>;

/** `POST .../knowledge-base/import?filename=&category=`; the file itself is the raw request body. */
export const ImportQuery = z
  .object({
    /** The uploaded file's name; its extension picks the parser when the content type is generic. */
    filename: z.string().trim().min(1).max(255).optional(),
    /** Files every imported item under this category instead of guessing one per section. */
    category: KnowledgeCategory.optional(),
  })
  .strict();
export type ImportQuery = z.input<typeof ImportQuery>;

export const ImportResult = WriteSummary.extend({ format: z.string(), source: z.string() });
export type ImportResult = z.infer<typeof ImportResult>;

export const KnowledgeSearch = z
  .object({
    query: z.string().trim().min(1).max(2_000),
    k: z.number().int().min(1).max(50).default(5),
    /**
     * What the guest said around the question ("we're bringing our little cat"; the message before a
     * follow-up): its words narrow the topic, and its words no item holds are the guest's story, so
     * they do not count against every item as the question's own would.
     */
    context: z.string().trim().max(2_000).optional(),
  })
  .strict();
export type KnowledgeSearch = z.input<typeof KnowledgeSearch>;

export const SearchMode = z.enum(['hybrid', 'lexical']);
export type SearchMode = z.infer<typeof SearchMode>;

export const KnowledgeSearchResult = z.object({
  results: z.array(
    z.object({
      itemId: z.string(),
      title: z.string(),
      category: KnowledgeCategory,
      /**
       * Calibrated relevance in [0, 1]: the probability that this item answers the question.
       * >= 0.8 about 4 in 5 do; >= 0.5 more likely than not; < 0.3 probably unrelated.
       */
      score: z.number(),
      snippet: z.string(),
      /** The question's concepts this item holds (a glossary concept such as "parking", or the word itself). */
      matched: z.array(z.string()),
    }),
  ),
  mode: SearchMode,
});
export type KnowledgeSearchResult = z.infer<typeof KnowledgeSearchResult>;

/** A hotel's own synonym set: words or phrases its guests use for one thing ("car park", "parking lot", "parkir"). */
export const SynonymSet = z.object({
  id: z.string(),
  words: z.array(z.string()),
  updatedAt: z.string(),
});
export type SynonymSet = z.infer<typeof SynonymSet>;

export const SynonymList = z.object({ synonyms: z.array(SynonymSet) });
export type SynonymList = z.infer<typeof SynonymList>;

/** The whole list of synonym sets; a set needs at least two different words. */
export const ReplaceSynonyms = z
  .object({
    synonyms: z
      .array(z.object({ words: z.array(z.string().trim().min(1).max(60)).min(2).max(20) }).strict())
      .max(200),
  })
  .strict();
export type ReplaceSynonyms = z.input<typeof ReplaceSynonyms>;

export const EmbedderState = z.enum(['disabled', 'missing', 'loading', 'ready', 'failed']);
export type EmbedderState = z.infer<typeof EmbedderState>;

/** `GET .../knowledge-base/index`, and each `progress` event of `GET .../index/events`. */
export const IndexStatus = z.object({
  /** What search uses right now. */
  mode: SearchMode,
  /** The embedder the stored vectors were computed with (`none` when there are none). */
  embedder: z.string(),
  dimension: z.number().int(),
  /** The embedder this appliance is configured with, and whether it loaded. */
  configuredEmbedder: z.object({ name: z.string(), state: EmbedderState, detail: z.string().optional() }),
  state: z.enum(['idle', 'indexing', 'failed']),
  chunks: z.number().int(),
  embedded: z.number().int(),
  /** Share of chunks with a vector for the current embedder, 0..1 (1 when there is nothing to do). */
  progress: z.number(),
  error: z.string().nullable(),
  startedAt: z.string().nullable(),
  updatedAt: z.string(),
});
export type IndexStatus = z.infer<typeof IndexStatus>;
