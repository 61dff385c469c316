import { describe, expect, it } from 'vitest';
import { explainGraphError } from './whatsapp.errors.js';
import { chunks } from './whatsapp.sender.js';

describe('Graph API errors', () => {
  it('backs off on throttling and server errors, gives up with a clear reason otherwise', () => {
    expect(explainGraphError(130429, 400, '')).toMatchObject({ retryable: true });
    expect(explainGraphError(131056, 400, '')).toMatchObject({ retryable: true });
    expect(explainGraphError(80007, 400, '')).toMatchObject({ retryable: true });
    expect(explainGraphError(undefined, 503, '')).toMatchObject({ retryable: true });
    expect(explainGraphError(190, 401, '')).toMatchObject({ retryable: false, message: expect.stringMatching(/access token/) });
    expect(explainGraphError(131031, 403, '')).toMatchObject({ retryable: false, message: expect.stringMatching(/locked/) });
    expect(explainGraphError(131047, 400, '')).toMatchObject({ retryable: false, message: expect.stringMatching(/24-hour/) });
    expect(explainGraphError(undefined, 400, 'bad')).toMatchObject({ retryable: false });
  });
});

describe('long replies', () => {
  it('are split into WhatsApp-sized messages at paragraph breaks, losing nothing', () => {
    const paragraph = 'Breakfast is served from 6:30 to 10:30 in the Harbour Cafe. '.repeat(30);
    const body = Array.from({ length: 5 }, () => paragraph.trim()).join('\n\n');
    const parts = chunks(body);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(4096);
    expect(parts.join('\n\n')).toBe(body);
    expect(chunks('short')).toEqual(['short']);
  });
});
