import { describe, expect, it } from 'vitest';
import { strictSchema, dropNullOptionals } from './json-schema.js';
import { PiiMasker } from './pii-mask.js';

describe('PII masking for cloud prompts (B3)', () => {
  it('replaces names, phones, emails and cards with stable placeholders and restores them', () => {
    const m = new PiiMasker({ names: ['Siti Aminah binti Rahman'], defaultCountry: 'MY' });
    const text =
      'Saya Siti Aminah binti Rahman (Siti). Call 012-345 6789 or +60 12-345 6789, 2026-12-24 check-in. ' +
      'Email siti.aminah@example.com, card 4111 1111 1111 1111, room 1204, RM 250 per night.';
    const masked = m.mask(text);
    for (const leak of ['Siti', 'Aminah', 'Rahman', '345', '6789', 'example.com', '4111']) expect(masked).not.toContain(leak);
    expect(masked).toContain('2026-12-24');
    expect(masked).toContain('room 1204');
    expect(masked).toContain('RM 250');
    expect(masked).toMatch(/⟦NAME_1⟧ \(⟦NAME_2⟧\)/);
    expect(masked).toContain('⟦EMAIL_1⟧');
    expect(masked).toContain('⟦CARD_1⟧');
    expect(m.restore(masked)).toBe(text);
    // The same value gets the same placeholder in another part of the prompt.
    expect(m.mask('again: siti.aminah@example.com')).toBe('again: ⟦EMAIL_1⟧');
  });

  it('masks names in scripts without spaces and numbers without a country code', () => {
    const m = new PiiMasker({ names: ['陈小明'] });
    const masked = m.mask('我是陈小明，电话 +86 138 0013 8000，或 0123456789');
    expect(masked).not.toContain('陈小明');
    expect(masked).not.toContain('138');
    expect(masked).not.toContain('0123456789');
  });

  it('restores into JSON strings safely and leaves unknown placeholders alone', () => {
    const m = new PiiMasker({ names: ['Dana "DJ" Jones'] });
    const masked = m.mask('I am Dana "DJ" Jones');
    const reply = JSON.stringify({ reply: `Hello ${masked.slice(5)} ⟦PHONE_9⟧` });
    const restored = JSON.parse(m.restore(reply, { json: true })) as { reply: string };
    expect(restored.reply).toBe('Hello Dana "DJ" Jones ⟦PHONE_9⟧');
  });
});

describe('strict JSON schema for OpenAI', () => {
  it('requires every property, forbids others, and turns optional into nullable', () => {
    const schema = {
      $schema: 'x',
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: 'integer', default: 1 }, c: { type: 'object', properties: { d: { type: 'string' } } } },
      required: ['a'],
    };
    const s = strictSchema(schema) as { properties: Record<string, unknown>; required: string[]; additionalProperties: boolean; $schema?: string };
    expect(s.$schema).toBeUndefined();
    expect(s.required).toEqual(['a', 'b', 'c']);
    expect(s.additionalProperties).toBe(false);
    expect(s.properties.b).toEqual({ anyOf: [{ type: 'integer' }, { type: 'null' }] });
    expect(dropNullOptionals({ a: null, b: null, c: { d: null } }, schema)).toEqual({ a: null, c: {} });
  });
});
