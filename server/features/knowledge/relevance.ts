/**
 * Calibrated relevance: the probability that a knowledge item answers the guest's question,
 * from a small logistic model over features of the match. The coefficients are fitted offline by
 * `npx tsx scripts/fit-relevance.ts` on the labelled dev questions in
 * test/fixtures/knowledge/dev-questions.ts (the aside part is never fitted on) and pasted here;
 * this is the only place they live.
 *
 * What a score means (share of top-3 items in each band that answer the question, DEV / ASIDE,
 * from the fit script's calibration table):
 * - >= 0.8: every one did (24/24, 9/9): answer from the item alone.
 * - 0.5 to 0.8: about 9 in 10 did (0.88 / 0.92): the pipeline may answer without a model.
 * - 0.3 to 0.5: about 3 in 5 did (0.61 / 0.63): worth giving a model, not quoting alone.
 * - < 0.3: about 1 in 20 did (0.07 / 0.05): probably unrelated; returned in the top k only so a
 *   model sees the best the hotel has. Questions no item answers topped out at 0.33 / 0.20.
 */

/** What the ranker knows about one item for one question, each in [0, 1]. */
export interface RelevanceFeatures {
  /** Share of the question's IDF weight found in the item (title, heading, body or learned questions). */
  coverage: number;
  /** Share of the question's IDF weight found in the item's title, heading or learned questions. */
  titleCoverage: number;
  /** The item's BM25 over the question's concepts, over the best among this question's candidates. */
  bm25: number;
  /** The item's BM25 over the most any item could reach (every concept, saturated). */
  bm25Absolute: number;
  /** Share of the question's IDF weight found together in one sentence of the item, with its title, heading or learned questions. */
  sentenceCoverage: number;
  /** 1 when the question names a thing it asks the hotel to have or do ("is there a golf course?") and the item never mentions it. */
  focusMissing: number;
  /** Cosine similarity above the configured minimum, scaled to [0, 1]; 0 in lexical mode or below it. */
  vector: number;
}

export type RelevanceModel = { intercept: number } & Record<keyof RelevanceFeatures, number>;

/** Fitted coefficients, one set per search mode (hybrid adds the vector feature). */
// focusMissing is a prior in both modes, held fixed when the others are fitted: the dev questions
// hold too few "do you have X?" questions to fit it (a free fit gives -0.12). At -1.5 an item that
// never mentions the thing asked for keeps about a fifth of the odds of the same match that does;
// it brought the top score of the aside part's unanswerable questions from 0.18 to 0.05, with dev
// and aside recall unchanged, and was chosen on the tune part of the evaluation set (eval/).
export const RELEVANCE_MODEL: Record<'lexical' | 'hybrid', RelevanceModel> = {
  lexical: { intercept: -4.32, coverage: 0.83, titleCoverage: 1.39, bm25: 2.6, bm25Absolute: 0.88, sentenceCoverage: 0.77, focusMissing: -1.5, vector: 0 },
  // The lexical fit plus a prior for the vector feature, which cannot be fitted here (the test
  // embedders carry no meaning beyond shared words, and never reach the similarity floor on the
  // dev set): a near-identical meaning alone scores about 0.8, a cosine of 0.9 about 0.4. Refit
  // with the production embedder (scripts/fit-relevance.ts fits both modes).
  hybrid: { intercept: -4.32, coverage: 0.83, titleCoverage: 1.39, bm25: 2.6, bm25Absolute: 0.88, sentenceCoverage: 0.77, focusMissing: -1.5, vector: 5.5 },
};

export const FEATURE_NAMES: (keyof RelevanceFeatures)[] = ['coverage', 'titleCoverage', 'bm25', 'bm25Absolute', 'sentenceCoverage', 'focusMissing', 'vector'];

export function relevance(f: RelevanceFeatures, model: RelevanceModel): number {
  let z = model.intercept;
  for (const name of FEATURE_NAMES) z += model[name] * f[name];
  return 1 / (1 + Math.exp(-z));
}
