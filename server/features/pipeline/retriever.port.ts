/** What the pipeline needs from the knowledge base: the hotel's passages that match, thresholded and cited. */
export interface Passage {
  itemId: string;
  title: string;
  category: string;
  /** Relevance in [0, 1]. */
  score: number;
  text: string;
}

export interface Retriever {
  retrieve(propertyId: string, query: string, k: number): Promise<{ mode: 'hybrid' | 'lexical'; passages: Passage[] }>;
}
