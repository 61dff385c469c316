import { describe, expect, it } from 'vitest';
import { JsonStringFieldReader } from './json-field-stream.js';

/** Feeds `json` in pieces of `size` characters and records the text after each piece. */
function read(json: string, size: number, field = 'reply'): { texts: string[]; reader: JsonStringFieldReader } {
  const reader = new JsonStringFieldReader(field);
  const texts: string[] = [];
  for (let i = 0; i < json.length; i += size) {
    reader.push(json.slice(i, i + size));
    texts.push(reader.text);
  }
  return { texts, reader };
}

describe('JsonStringFieldReader', () => {
  const object = {
    confidence: 0.9,
    nested: { reply: 'not this one', list: ['reply', '{"reply":"x"}'] },
    note: 'a "reply": "decoy"',
    reply: 'Breakfast is 6:30–10:30 in the "Lobby Café".\nPool: 7am\\9pm 🏊 游泳池 / ok',
    citedItemIds: ['a'],
  };
  const json = JSON.stringify(object);

  it.each([1, 2, 3, 5, 7, 64])('decodes the top-level reply in pieces of %i characters, skipping fields before it', (size) => {
    const { texts, reader } = read(json, size);
    expect(reader.text).toBe(object.reply);
    expect(reader.complete).toBe(true);
    // The text only ever grows, and every step is a prefix of the final reply.
    for (const t of texts) expect(object.reply.startsWith(t)).toBe(true);
    expect(new Set(texts).size).toBeGreaterThan(Math.min(10, json.length / size / 2));
  });

  it('handles \\u escapes and surrogate pairs split across pieces', () => {
    const raw = '{"reply": "caf\\u00e9 \\ud83c\\udfca \\u6e38 \\"q\\" \\\\ end"}';
    const expected = (JSON.parse(raw) as { reply: string }).reply;
    for (const size of [1, 2, 3, 4, 5, 6]) {
      const { texts, reader } = read(raw, size);
      expect(reader.text).toBe(expected);
      // Never half of a surrogate pair on its own.
      for (const t of texts) expect(t).not.toMatch(/[\ud800-\udbff]$/);
    }
  });

  it('ignores a reply that is not a string and a key that only starts like it', () => {
    expect(read('{"replyTo":"no","reply":null,"x":"y"}', 3).reader.found).toBe(false);
    expect(read('{"replyTo":"no","reply":null,"x":"y"}', 3).reader.text).toBe('');
    expect(read('["reply","x"]', 2).reader.found).toBe(false);
  });

  it('shows the reply while it is still arriving and stops at its closing quote', () => {
    const reader = new JsonStringFieldReader('reply');
    expect(reader.push('{"reply":"Hel')).toBe(true);
    expect(reader.text).toBe('Hel');
    expect(reader.complete).toBe(false);
    reader.push('lo", "reply": "again"}');
    expect(reader.text).toBe('Hello');
    expect(reader.push('more')).toBe(false);
  });

  it('reads a long reply in linear time', () => {
    const reply = 'x\\n'.repeat(200_000);
    const raw = `{"reply":"${reply}"}`;
    const reader = new JsonStringFieldReader('reply');
    for (let i = 0; i < raw.length; i += 3) reader.push(raw.slice(i, i + 3));
    expect(reader.text.length).toBe(400_000);
  });
});
