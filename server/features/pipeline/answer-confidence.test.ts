import { describe, expect, it } from 'vitest';
import { answerConfidence, confidenceOf, rivalScore } from './answer-confidence.js';

describe('answer confidence', () => {
  it('rises with the best item’s relevance and with its lead over the next', () => {
    expect(answerConfidence(0.85, 0.1)).toBeGreaterThan(0.9);
    expect(answerConfidence(0.25, 0.2)).toBeLessThan(0.2);
    expect(answerConfidence(0.55, 0.05)).toBeGreaterThan(answerConfidence(0.55, 0.5));
  });

  it('compares the best item with the next that holds one of its concepts, not with one that completes it', () => {
    // "is breakfast halal?": the breakfast item and the halal item each hold half of the question.
    const complementary = [
      { score: 0.54, matched: ['breakfast'] },
      { score: 0.5, matched: ['halal'] },
      { score: 0.12, matched: ['breakfast', 'dining'] },
    ];
    expect(rivalScore(complementary)).toBe(0.12);
    expect(confidenceOf(complementary)).toBeGreaterThan(0.7);
    // Two items that hold the same thing compete: a narrow lead is not sure.
    const rivals = [
      { score: 0.54, matched: ['breakfast'] },
      { score: 0.5, matched: ['breakfast', 'price'] },
    ];
    expect(rivalScore(rivals)).toBe(0.5);
    expect(confidenceOf(rivals)).toBeLessThan(0.7);
    // Sharing only what is asked about ("at 7.30pm": a time) is no rivalry; sharing the topic is.
    const timed = [
      { score: 0.44, matched: ['pool', 'time'] },
      { score: 0.26, matched: ['dining', 'time'] },
      { score: 0.1, matched: ['pool'] },
    ];
    expect(rivalScore(timed)).toBe(0.1);
    expect(rivalScore([{ score: 0.5, matched: ['time'] }, { score: 0.4, matched: ['time', 'gym'] }])).toBe(0.4);
    // A retriever that cannot say which concepts an item holds: the next item, as before.
    expect(rivalScore([{ score: 0.6 }, { score: 0.4 }])).toBe(0.4);
    expect(confidenceOf([])).toBe(answerConfidence(0, 0));
  });
});
