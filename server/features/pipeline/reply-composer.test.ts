import { describe, expect, it } from 'vitest';
import { dependsOnContext } from './reply-composer.js';

describe('dependsOnContext', () => {
  it('reads a question that asks only when, how much or whether it is free as a follow-up, in any language', () => {
    for (const q of ['What time does it start?', 'And what time does that start', 'Any extra charge for that?', '几点开始？', '收费吗？', 'berapa harga dia', 'when does it open'])
      expect(dependsOnContext(q), q).toBe(true);
  });

  it('reads a question with a topic of its own as standing alone, even after "after that"', () => {
    for (const q of ['could we book a massage after that?', 'what time does the gym open', 'how much is the airport transfer', '游泳池几点开门', 'lepas tu boleh pinjam basikal?'])
      expect(dependsOnContext(q), q).toBe(false);
  });
});
