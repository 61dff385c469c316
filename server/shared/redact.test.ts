import { describe, expect, it } from 'vitest';
import { maskDeep, maskPii } from './redact.js';

describe('maskPii', () => {
  it.each([
    ['call me on +60 12-345 6789 tonight', 'call me on [phone] tonight'],
    ['WhatsApp 60123456789', 'WhatsApp [phone]'],
    ['(555) 010-2345', '[phone]'],
    ['mail alice.tan+hotel@example.co.uk please', 'mail [email] please'],
    ['card 4111 1111 1111 1111 exp 12/28', 'card [card] exp 12/28'],
  ])('masks %s', (input, expected) => {
    expect(maskPii(input)).toBe(expected);
  });

  it('leaves ordinary numbers alone: dates, prices, room numbers, ids', () => {
    for (const s of ['Check-in 2026-12-24 for 2 nights', 'Room 1203, rate MYR 450', 'request 3a63969f', 'port 4310']) {
      expect(maskPii(s)).toBe(s);
    }
  });

  it('masks inside nested objects and errors', () => {
    const out = maskDeep({ a: { b: ['x +60123456789'] }, err: new Error('bob@example.com failed') }) as Record<string, unknown>;
    expect(JSON.stringify(out)).not.toMatch(/60123456789|bob@example/);
  });
});
