/** What the pipeline needs from the knowledge base: the hotel's passages that match, thresholded and cited. */
export interface Passage {
  itemId: string;
  title: string;
  category: string;
  /** Relevance in [0, 1]. */
  score: number;
  /** The question's concepts the item holds (KnowledgeSearchResult); absent from retrievers that cannot say. */
  matched?: string[];
  text: string;
}

export interface Retriever {
  /** `context` is what the guest said around the question (KnowledgeSearch.context). */
  retrieve(propertyId: string, query: string, k: number, context?: string): Promise<{ mode: 'hybrid' | 'lexical'; passages: Passage[] }>;
}
