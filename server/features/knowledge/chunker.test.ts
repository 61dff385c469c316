import { describe, expect, it } from 'vitest';
import { chunkContent } from './chunker.js';

describe('chunkContent', () => {
  it('never lets a chunk span a heading, and names the heading path it sits under', () => {
    const chunks = chunkContent('Intro line.\n\n## Parking\nCar park on B1.\n\n### Valet\nValet from 7 am.\n\n## Breakfast\nServed 6:30 to 10:30.');
    expect(chunks.map((c) => [c.heading, c.text])).toEqual([
      ['', 'Intro line.'],
      ['Parking', 'Car park on B1.'],
      ['Parking › Valet', 'Valet from 7 am.'],
      ['Breakfast', 'Served 6:30 to 10:30.'],
    ]);
    expect(chunks.map((c) => c.seq)).toEqual([0, 1, 2, 3]);
  });

  it('cuts between sentences, never inside one, when a section is longer than the limit', () => {
    const sentences = Array.from({ length: 30 }, (_, i) => `Sentence number ${i} says something about the pool and its opening hours.`);
    const chunks = chunkContent(sentences.join(' '), { maxChars: 200 });
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) {
      expect(c.text.length).toBeLessThanOrEqual(200);
      expect(c.text).toMatch(/^Sentence number \d+/);
      expect(c.text).toMatch(/hours\.$/);
    }
    expect(chunks.map((c) => c.text).join(' ')).toBe(sentences.join(' '));
  });

  it('splits Chinese text at its own sentence marks', () => {
    const text = '早餐在一楼供应。' + '停车场位于地下室，每晚收费十令吉。'.repeat(8);
    const chunks = chunkContent(text, { maxChars: 60 });
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of chunks) expect(c.text.endsWith('。')).toBe(true);
  });

  it('cuts a single over-long sentence between words', () => {
    const long = Array.from({ length: 100 }, (_, i) => `word${i}`).join(' ');
    const chunks = chunkContent(long, { maxChars: 120 });
    for (const c of chunks) {
      expect(c.text.length).toBeLessThanOrEqual(120);
      expect(c.text).toMatch(/^word\d+( word\d+)*$/);
    }
  });
});
