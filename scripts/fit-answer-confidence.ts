/**
 * Fits ANSWER_CALIBRATION (server/features/pipeline/answer-confidence.ts): Platt scaling of the best
 * item's relevance to "a reply from it is right", by logistic regression on logit(relevance).
 *
 *   npm run eval -- --split tune --details /tmp/tune.jsonl
 *   npx tsx scripts/fit-answer-confidence.ts /tmp/tune.jsonl
 *
 * Fits on the tune part only (a holdout line is refused). Each single-question message counts: an
 * answerable one whose best item is a right one is a positive; an answerable one whose best item is
 * wrong, and a question no item of this hotel answers (out of knowledge, another hotel's facility), are
 * negatives. Messages that guards hand off whatever the knowledge (bookings, complaints...) say nothing
 * about the knowledge answer and are left out.
 *
 * The two errors do not cost the same: a hand-off of an answerable question costs the front desk a
 * minute, while an answer to a question this hotel cannot answer (out of knowledge, another hotel's
 * facility) misleads a guest. Those negatives weigh MUST_HANDOFF_WEIGHT times as much in the fit.
 */
import { readFileSync } from 'node:fs';
import { answerConfidence, answerFeatures } from '../server/features/pipeline/answer-confidence.js';

interface Line {
  split: string;
  kind: string;
  expectedDecision: 'answer' | 'handoff';
  rank: number | null;
  scores: number[];
  rival: number;
}

const MUST_HANDOFF_KINDS = new Set(['out_of_kb', 'other_hotel']);
const MUST_HANDOFF_WEIGHT = Number(process.env.MUST_HANDOFF_WEIGHT ?? 3);
const SINGLE_QUESTION_KINDS = new Set(['faq', 'chatty', 'typo_slang', 'malay', 'mixed', 'chinese', 'timed', 'out_of_kb', 'other_hotel']);

const file = process.argv[2];
if (!file) {
  console.error('usage: npx tsx scripts/fit-answer-confidence.ts <details.jsonl from npm run eval -- --split tune --details>');
  process.exit(2);
}
const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line);
if (lines.some((l) => l.split !== 'tune')) {
  console.error('refusing to fit on anything but the tune part: run npm run eval -- --split tune');
  process.exit(2);
}
const rows = lines
  .filter((l) => SINGLE_QUESTION_KINDS.has(l.kind) && l.scores.length > 0)
  .map((l) => ({ ...answerFeatures(l.scores[0]!, l.rival), y: l.expectedDecision === 'answer' && l.rank === 1 ? 1 : 0, weight: MUST_HANDOFF_KINDS.has(l.kind) ? MUST_HANDOFF_WEIGHT : 1, kind: l.kind, best: l.scores[0]!, runnerUp: l.rival }));

// Logistic regression by batch gradient descent, lightly regularised.
const w = { slope: 1, margin: 0, intercept: 0 };
for (let step = 0; step < 40_000; step++) {
  const g = { slope: 0, margin: 0, intercept: 0 };
  for (const r of rows) {
    const err = r.weight * (1 / (1 + Math.exp(-(w.slope * r.logit + w.margin * r.margin + w.intercept))) - r.y);
    g.slope += err * r.logit;
    g.margin += err * r.margin;
    g.intercept += err;
  }
  const n = rows.reduce((sum, r) => sum + r.weight, 0);
  w.slope -= 0.05 * (g.slope / n + 0.001 * w.slope);
  w.margin -= 0.05 * (g.margin / n + 0.001 * w.margin);
  w.intercept -= (0.05 * g.intercept) / n;
}
const round = (x: number) => Math.round(x * 1000) / 1000;
const calibration = { slope: round(w.slope), margin: round(w.margin), intercept: round(w.intercept) };
const bands = [0.5, 0.6, 0.7, 0.8, 0.9].map((at) => {
  const answered = rows.filter((r) => answerConfidence(r.best, r.runnerUp, calibration) >= at);
  return { confidenceAtLeast: at, answered: answered.length, right: answered.filter((r) => r.y === 1).length, wrongKinds: answered.filter((r) => r.y === 0).map((r) => r.kind) };
});
console.log(JSON.stringify({ examples: rows.length, positives: rows.filter((r) => r.y === 1).length, calibration, bands }, null, 2));
