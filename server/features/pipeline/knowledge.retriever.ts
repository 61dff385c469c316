import type { KnowledgeService } from '../knowledge/knowledge.service.js';
import type { Passage, Retriever } from './retriever.port.js';

const MAX_PASSAGE_CHARS = 1500;

/** The pipeline's view of the knowledge base: thresholded hits with each item's full text. */
export class KnowledgeRetriever implements Retriever {
  constructor(private readonly knowledge: Pick<KnowledgeService, 'search' | 'get'>) {}

  async retrieve(propertyId: string, query: string, k: number, context?: string): Promise<{ mode: 'hybrid' | 'lexical'; passages: Passage[] }> {
    const { results, mode } = await this.knowledge.search(propertyId, { query: query.slice(0, 1000), k, ...(context ? { context: context.slice(0, 1000) } : {}) });
    const passages = results.map((r) => {
      const content = this.knowledge.get(propertyId, r.itemId).content;
      return {
        itemId: r.itemId,
        title: r.title,
        category: r.category,
        score: r.score,
        matched: r.matched,
        text: content.length > MAX_PASSAGE_CHARS ? `${content.slice(0, MAX_PASSAGE_CHARS)}…` : content,
      };
    });
    return { mode, passages };
  }
}
