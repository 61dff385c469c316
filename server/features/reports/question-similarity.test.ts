import { describe, expect, it } from 'vitest';
import { questionWords, SAME_GAP, similarity } from './question-similarity.js';

const same = (a: string, b: string) => similarity(questionWords(a), questionWords(b)) >= SAME_GAP;

describe('knowledge-gap question similarity', () => {
  it('groups differently worded questions about the same thing', () => {
    expect(same('Do you have an airport shuttle bus?', 'Is there a shuttle bus to the airport?')).toBe(true);
    expect(same('Do you have a helipad for guests arriving by helicopter?', 'Is there a helipad at the hotel?')).toBe(true);
    expect(same('Are pets allowed?', 'Can I bring my pet dog? Are pets allowed in rooms')).toBe(true);
  });

  it('keeps questions apart that only share filler or one common word', () => {
    expect(same('What time is breakfast?', 'What time is check-out?')).toBe(false);
    expect(same('Do you have an airport shuttle?', 'Is there a swimming pool?')).toBe(false);
  });

  it('leaves contact details out of the words', () => {
    const words = questionWords('Call me on +60 12-345 6789 or mail ali@example.com about the ballroom');
    expect(words.join(' ')).not.toMatch(/\d{3}|example|ali/);
    expect(words).toContain('ballroom');
  });

  it('splits Chinese into character pairs', () => {
    expect(same('你们有机场接送吗', '机场接送多少钱')).toBe(true);
  });
});
