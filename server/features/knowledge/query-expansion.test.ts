import { describe, expect, it } from 'vitest';
import { analyzeQuery } from './query-expansion.js';
import { toIndexText } from './search-text.js';

const labels = (q: string) => analyzeQuery(q).map((g) => g.label);
const terms = (q: string) => analyzeQuery(q).flatMap((g) => g.terms);

describe('hotel query expansion', () => {
  it('maps guest wording onto the words a knowledge base uses', () => {
    expect(terms('Where is the car park?')).toEqual(expect.arrayContaining(['parking', 'car park']));
    expect(terms('When is arrival?')).toEqual(expect.arrayContaining(['check in', 'arrival']));
    expect(terms('is there internet')).toEqual(expect.arrayContaining(['wifi', 'internet']));
    expect(terms('what time is the morning meal')).toEqual(expect.arrayContaining(['breakfast']));
  });

  it('understands Malay and Chinese hotel words', () => {
    expect(labels('Pukul berapa sarapan?')).toEqual(['time', 'breakfast']);
    expect(labels('Ada tempat letak kereta?')).toEqual(['parking']);
    expect(labels('酒店有停车场吗？')).toEqual(['parking']);
    expect(labels('几点可以入住？')).toEqual(['time', 'check-in']);
  });

  it('drops filler words and keeps unknown content words as their own groups', () => {
    expect(labels('Hi, could you please tell me if there is a helipad?')).toEqual(['helipad']);
    expect(labels('hello, thanks!')).toEqual([]);
  });

  it('writes unknown Chinese words as bigrams, the way the index stores them', () => {
    expect(labels('请问有按摩浴缸吗')).toContain('浴缸');
    expect(toIndexText('按摩浴缸 spa')).toBe(' 按摩 摩浴 浴缸  spa');
  });
});
