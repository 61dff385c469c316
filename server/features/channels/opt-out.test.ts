import { describe, expect, it } from 'vitest';
import { isOptOutRequest, OPT_OUT_KEYWORDS, optOutConfirmation } from './opt-out.js';

describe('opt-out keywords', () => {
  it('recognises every keyword as a whole message, in any case, trimmed', () => {
    for (const k of OPT_OUT_KEYWORDS) {
      expect(isOptOutRequest(k), k).toBe(true);
      expect(isOptOutRequest(`  ${k.toUpperCase()}  \n`), k).toBe(true);
    }
    expect(isOptOutRequest('Stop')).toBe(true);
    expect(isOptOutRequest('STOP ALL')).toBe(true);
    expect(isOptOutRequest('stop   all')).toBe(true);
    expect(isOptOutRequest('Unsubscribe.')).toBe(true);
    expect(isOptOutRequest('berhenti!')).toBe(true);
    expect(isOptOutRequest('退订。')).toBe(true);
    expect(isOptOutRequest('ＳＴＯＰ')).toBe(true); // full-width, as some phone keyboards type it
  });

  it('leaves ordinary messages that merely contain a keyword alone', () => {
    for (const text of ['Can I cancel my booking?', 'stop sending me offers please', 'What time does breakfast end', 'quitting time', 'STOPS', 'unsubscribed?', '', '   ', '请帮我取消订阅的房间']) {
      expect(isOptOutRequest(text), text).toBe(false);
    }
  });

  it("confirms in the guest's language", () => {
    expect(optOutConfirmation('STOP')).toMatch(/unsubscribed/);
    expect(optOutConfirmation('BERHENTI')).toMatch(/berhenti melanggan/);
    expect(optOutConfirmation('退订')).toMatch(/退订/);
  });
});
