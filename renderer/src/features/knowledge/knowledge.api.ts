import {
  ImportResult,
  IndexStatus,
  KnowledgeItem,
  KnowledgeItemList,
  KnowledgeSearchResult,
  SynonymList,
  type CreateKnowledgeItem,
  type KnowledgeCategory,
  type UpdateKnowledgeItem,
} from '@contract/knowledge';
import { useMemo } from 'react';
import { useApi } from '../../api/api-context';
import type { ApiClient } from '../../api/client';
import { contentTypeFor } from './upload';

/*
 * The knowledge base API. Shapes come from the shared contract (server/contract/knowledge.ts), the
 * same schemas the server validates with; a response that no longer matches is reported as
 * "unexpected", never misread.
 */
export { KNOWLEDGE_CATEGORIES, MAX_CONTENT_CHARS, MAX_TITLE_CHARS } from '@contract/knowledge';
export type { ImportResult, IndexStatus, KnowledgeCategory, KnowledgeItem, KnowledgeSearchResult, SynonymSet } from '@contract/knowledge';

export const CATEGORY_LABEL: Record<KnowledgeCategory, string> = {
  rates: 'Rates',
  rooms: 'Rooms',
  facilities: 'Facilities',
  dining: 'Dining',
  directions: 'Directions',
  policies: 'Policies',
  faqs: 'FAQs',
};

/** What the forms write: the contract's create body without the fields the desk never sets. */
export type ItemInput = Pick<CreateKnowledgeItem, 'category' | 'title' | 'content'>;

export interface ImportOptions {
  /** Files every imported item under this category instead of guessing one per section. */
  category?: KnowledgeCategory | undefined;
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

export interface KnowledgeApi {
  list(propertyId: string, opts: { active: 'true' | 'false' | 'all' }, signal?: AbortSignal): Promise<KnowledgeItem[]>;
  create(propertyId: string, input: ItemInput): Promise<KnowledgeItem>;
  update(propertyId: string, itemId: string, patch: UpdateKnowledgeItem): Promise<KnowledgeItem>;
  deactivate(propertyId: string, itemId: string): Promise<KnowledgeItem>;
  search(propertyId: string, query: string, k?: number, signal?: AbortSignal): Promise<KnowledgeSearchResult>;
  status(propertyId: string, signal?: AbortSignal): Promise<IndexStatus>;
  reindex(propertyId: string): Promise<IndexStatus>;
  /** Where indexing progress streams (server-sent events, `progress`, each an IndexStatus). */
  progressUrl(propertyId: string): string;
  /** Uploads a document as the raw request body; items whose titles exist are updated. */
  importFile(propertyId: string, file: File, opts?: ImportOptions): Promise<ImportResult>;
  /** The hotel's own synonym sets, and replacing them all (manager and up). */
  synonyms(propertyId: string, signal?: AbortSignal): Promise<SynonymList>;
  saveSynonyms(propertyId: string, sets: string[][]): Promise<SynonymList>;
}

export function knowledgeApi(api: ApiClient, base = '/api/v1'): KnowledgeApi {
  const kb = (propertyId: string) => `/properties/${encodeURIComponent(propertyId)}/knowledge-base`;
  return {
    list: async (propertyId, opts, signal) => (await api.get(`${kb(propertyId)}/items?active=${opts.active}`, KnowledgeItemList, { signal })).items,
    create: (propertyId, input) => api.post(`${kb(propertyId)}/items`, input, KnowledgeItem),
    update: (propertyId, itemId, patch) => api.patch(`${kb(propertyId)}/items/${encodeURIComponent(itemId)}`, patch, KnowledgeItem),
    deactivate: (propertyId, itemId) => api.post(`${kb(propertyId)}/items/${encodeURIComponent(itemId)}/deactivate`, undefined, KnowledgeItem),
    search: (propertyId, query, k = 5, signal) => api.post(`${kb(propertyId)}/search`, { query, k }, KnowledgeSearchResult, { signal }),
    status: (propertyId, signal) => api.get(`${kb(propertyId)}/index`, IndexStatus, { signal }),
    reindex: (propertyId) => api.post(`${kb(propertyId)}/reindex`, undefined, IndexStatus),
    progressUrl: (propertyId) => `${base}${kb(propertyId)}/index/events`,
    synonyms: (propertyId, signal) => api.get(`${kb(propertyId)}/synonyms`, SynonymList, { signal }),
    saveSynonyms: (propertyId, sets) => api.put(`${kb(propertyId)}/synonyms`, { synonyms: sets.map((words) => ({ words })) }, SynonymList),
    importFile: (propertyId, file, opts = {}) => {
      const params = new URLSearchParams({ filename: file.name });
      if (opts.category) params.set('category', opts.category);
      return api.upload(`${kb(propertyId)}/import?${params.toString()}`, file, contentTypeFor(file), ImportResult, { signal: opts.signal, onProgress: opts.onProgress });
    },
  };
}

export function useKnowledgeApi(): KnowledgeApi {
  const api = useApi();
  return useMemo(() => knowledgeApi(api), [api]);
}
