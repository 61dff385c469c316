import { describe, expect, it } from 'vitest';
import { optConfirmation, optKeyword, OPT_IN_WORDS, OPT_OUT_WORDS } from './opt-out.js';

describe('the opt-out policy', () => {
  it.each([
    // English
    ['STOP', 'opt_out', 'en'],
    ['stop', 'opt_out', 'en'],
    [' Stop! ', 'opt_out', 'en'],
    ['stop.', 'opt_out', 'en'],
    ['STOP ALL', 'opt_out', 'en'],
    ['stop   all', 'opt_out', 'en'],
    ['Stop promotions', 'opt_out', 'en'],
    ['UNSUBSCRIBE', 'opt_out', 'en'],
    ['Unsubscribe.', 'opt_out', 'en'],
    ['opt out', 'opt_out', 'en'],
    ['Opt-Out', 'opt_out', 'en'],
    ['"stop"', 'opt_out', 'en'],
    ['ＳＴＯＰ', 'opt_out', 'en'], // full-width, as some phone keyboards type it
    ['START', 'opt_in', 'en'],
    ['start.', 'opt_in', 'en'],
    ['Subscribe', 'opt_in', 'en'],
    ['UNSTOP', 'opt_in', 'en'],
    // Malay
    ['BERHENTI', 'opt_out', 'ms'],
    ['berhenti!', 'opt_out', 'ms'],
    ['Berhenti langganan', 'opt_out', 'ms'],
    ['henti', 'opt_out', 'ms'],
    ['MULA', 'opt_in', 'ms'],
    ['langgan', 'opt_in', 'ms'],
    // Chinese
    ['停止', 'opt_out', 'zh'],
    ['停止订阅', 'opt_out', 'zh'],
    ['退订', 'opt_out', 'zh'],
    ['退订。', 'opt_out', 'zh'],
    ['取消订阅！', 'opt_out', 'zh'],
    ['开始', 'opt_in', 'zh'],
    ['订阅', 'opt_in', 'zh'],
    ['重新订阅', 'opt_in', 'zh'],
  ])('"%s" is %s (%s)', (text, kind, language) => {
    expect(optKeyword(text)).toEqual({ kind, language });
  });

  it('knows every word on its lists, whole and shouted', () => {
    for (const [word, language] of Object.entries(OPT_OUT_WORDS)) expect(optKeyword(`  ${word.toUpperCase()}  \n`), word).toEqual({ kind: 'opt_out', language });
    for (const [word, language] of Object.entries(OPT_IN_WORDS)) expect(optKeyword(` ${word.toUpperCase()}. `), word).toEqual({ kind: 'opt_in', language });
  });

  it.each(['cancel', 'CANCEL', 'Cancel.', 'end', 'END', 'quit', 'batal', 'Batal!', 'tamat', '取消', '取消。', '结束'])(
    'ambiguous "%s" is not an opt-out (a guest saying it usually means a booking)',
    (text) => {
      expect(optKeyword(text)).toBeNull();
    },
  );

  it.each([
    'Can I cancel my booking?',
    'cancel my booking',
    'stop sending me offers please',
    'Can we stop by at 5pm?',
    'stop the cleaning tomorrow please',
    'start date is 24 Dec',
    'What time does breakfast end',
    'how do I unsubscribe from the newsletter?',
    'STOPS',
    'unsubscribed?',
    'sila berhenti hantar promosi',
    'bila boleh mula check-in?',
    '请帮我取消订阅的房间',
    '停止打扫房间',
    '我想开始预订',
    'constructor',
    '__proto__',
    '',
    '   ',
    'stop '.repeat(200),
  ])('"%s" inside a sentence, or not a keyword at all, is an ordinary message', (text) => {
    expect(optKeyword(text)).toBeNull();
  });

  it("confirms in the guest's language, naming the hotel and how to come back", () => {
    expect(optConfirmation({ kind: 'opt_out', language: 'en' }, 'Harbour Hotel')).toMatch(/^You're unsubscribed: Harbour Hotel .*START/);
    expect(optConfirmation({ kind: 'opt_out', language: 'ms' }, 'Harbour Hotel')).toMatch(/berhenti melanggan: Harbour Hotel .*MULA/);
    expect(optConfirmation({ kind: 'opt_out', language: 'zh' }, 'Harbour Hotel')).toMatch(/^您已退订，Harbour Hotel.*订阅/);
    expect(optConfirmation({ kind: 'opt_in', language: 'en' }, 'Harbour Hotel')).toMatch(/^Welcome back: .*Harbour Hotel/);
    expect(optConfirmation({ kind: 'opt_in', language: 'ms' }, 'Harbour Hotel')).toMatch(/^Selamat kembali/);
    expect(optConfirmation({ kind: 'opt_in', language: 'zh' }, 'Harbour Hotel')).toMatch(/^欢迎回来/);
  });
});
