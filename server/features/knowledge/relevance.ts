/**
 * Calibrated relevance: the probability that a knowledge item answers the guest's question,
 * from a small logistic model over features of the match. The coefficients are fitted offline by
 * `npx tsx scripts/fit-relevance.ts` on the labelled dev questions in
 * test/fixtures/knowledge/dev-questions.ts (the aside part is never fitted on) and pasted here;
 * this is the only place they live.
 *
 * What a score means (on the dev set, see the fit script's calibration table):
 * - >= 0.8: about 4 in 5 such items answer the question; safe to answer from the item alone.
 * - >= 0.5: more likely than not the answer; the pipeline may answer without a model.
 * - < 0.3: probably unrelated; still returned in the top k so a model can judge, never quoted alone.
 */

/** What the ranker knows about one item for one question, each in [0, 1]. */
export interface RelevanceFeatures {
  /** Share of the question's IDF weight found in the item (title, heading, body or learned questions). */
  coverage: number;
  /** Share of the question's IDF weight found in the item's title, heading or learned questions. */
  titleCoverage: number;
  /** The item's BM25 over the best BM25 among this question's candidates (0 when not a lexical hit). */
  bm25: number;
  /** The question's BM25 share of its best possible (the item's BM25 over the sum of the IDFs of all its words). */
  bm25Absolute: number;
  /** Cosine similarity above the configured minimum, scaled to [0, 1]; 0 in lexical mode or below it. */
  vector: number;
}

export type RelevanceModel = { intercept: number } & Record<keyof RelevanceFeatures, number>;

/** Fitted coefficients, one set per search mode (hybrid adds the vector feature). */
export const RELEVANCE_MODEL: Record<'lexical' | 'hybrid', RelevanceModel> = {
  lexical: { intercept: -5.2, coverage: 4.6, titleCoverage: 2.2, bm25: 2.4, bm25Absolute: 1.2, vector: 0 },
  hybrid: { intercept: -5.6, coverage: 4.2, titleCoverage: 2.0, bm25: 2.2, bm25Absolute: 1.0, vector: 2.0 },
};

export const FEATURE_NAMES: (keyof RelevanceFeatures)[] = ['coverage', 'titleCoverage', 'bm25', 'bm25Absolute', 'vector'];

export function relevance(f: RelevanceFeatures, model: RelevanceModel): number {
  let z = model.intercept;
  for (const name of FEATURE_NAMES) z += model[name] * f[name];
  return 1 / (1 + Math.exp(-z));
}
