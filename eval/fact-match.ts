/**
 * The fact normaliser of shared/EVAL.md, ported from its Python reference. Both the reply and
 * the expected fact are normalised the same way, so "RM35", "MYR 35.00" and "35令吉" all match
 * "RM 35", and "2pm", "14:00" and "2 petang" match each other. Python's `\b` and `\w` are
 * Unicode-aware, so they are spelled out with \p{L}\p{N} here (JS `\b` is ASCII-only), which keeps
 * "价格rm35" unmatched exactly as the reference leaves it. Digits are ASCII, as `int()` needs.
 */

const W = '[\\p{L}\\p{N}_]';
/** Python's Unicode word boundary. */
const B = `(?:(?<=${W})(?!${W})|(?<!${W})(?=${W}))`;
const re = (src: string) => new RegExp(src.replaceAll('\\b', B), 'gu');

const WORDS = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];
const NUM = '(\\d[\\d,]*(?:\\.\\d+)?)';

const pad = (n: number) => String(n).padStart(2, '0');

function h24(h: string, m: string | undefined, ampm: string): string {
  let hour = Number(h);
  const min = Number(m ?? 0);
  const ap = ampm.replaceAll('.', '');
  if (ap === 'pm' && hour !== 12) hour += 12;
  if (ap === 'am' && hour === 12) hour = 0;
  return `${pad(hour)}:${pad(min)}`;
}

function dec(n: string): string {
  const s = n.replaceAll(',', '');
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

const R = {
  wordCount: re(`\\b(${WORDS.join('|')})(\\s*-?\\s*)(nights?|days?|hours?|weeks?)\\b`),
  zhPriceAfter: re(`${NUM}\\s*(?:令吉|马币|馬幣|ringgit)`),
  zhPriceBefore: re(`(?:令吉|马币|馬幣)\\s*${NUM}`),
  price: re(`\\b(?:rm|myr)\\s*${NUM}`),
  noon: re('\\b12(?::00)?\\s*noon\\b|\\bnoon\\b'),
  midnight: re('\\b12(?::00)?\\s*midnight\\b|\\bmidnight\\b'),
  clockAmPm: re('\\b(\\d{1,2})[:.](\\d{2})\\s*([ap]\\.?m\\.?)(?![a-z])'),
  hourAmPm: re('\\b(\\d{1,2})\\s*([ap]\\.?m\\.?)(?![a-z])'),
  malay: re('(?:pukul|pkl|jam)?\\s*\\b(\\d{1,2})(?:[.:](\\d{2}))?\\s*(pagi|tengah hari|tgh hari|petang|ptg|malam|mlm)\\b'),
  chinese: re('(凌晨|早上|上午|中午|下午|傍晚|晚上)?\\s*(\\d{1,2})\\s*[点點时時](?:\\s*(半)|\\s*(\\d{1,2})\\s*分)?'),
  hrs: re('\\b(\\d{1,2})[:.]?(\\d{2})\\s*(?:hrs|hr|h)\\b'),
  shortClock: re('(?<![\\d:])(\\d):(\\d{2})\\b'),
  hours: re('\\b(\\d+)\\s*-?\\s*(?:hours?|hrs?)\\b'),
  days: re('\\b(\\d+)\\s*-?\\s*days?\\b'),
  nights: re('\\b(\\d+)\\s*-?\\s*nights?\\b'),
  units: re('(\\d)\\s+(kg|km|sqm|m|mbps|kw|kwh|%)(?![a-z])'),
};

export function norm(input: string): string {
  let s = input.toLowerCase().replaceAll('\u00a0', ' ').replaceAll('\u2013', '-').replaceAll('\u2014', '-');
  s = s.replace(R.wordCount, (_m, w: string, _sep: string, unit: string) => `${WORDS.indexOf(w) + 1} ${unit}`);
  s = s.replace(R.zhPriceAfter, 'rm$1');
  s = s.replace(R.zhPriceBefore, 'rm$1');
  s = s.replace(R.price, (_m, n: string) => 'rm' + dec(n));
  s = s.replace(R.noon, '12:00');
  s = s.replace(R.midnight, '00:00');
  s = s.replace(R.clockAmPm, (_m, h: string, m: string, ap: string) => h24(h, m, ap));
  s = s.replace(R.hourAmPm, (_m, h: string, ap: string) => h24(h, '0', ap));
  s = s.replace(R.malay, (_m, h: string, mi: string | undefined, x: string) => {
    let hour = Number(h);
    const min = Number(mi ?? 0);
    if ((x === 'petang' || x === 'ptg') && hour < 12) hour += 12;
    else if (x === 'malam' || x === 'mlm') hour = hour === 12 ? 0 : hour >= 6 ? hour + 12 : hour;
    else if (x.startsWith('t') && hour < 3) hour += 12;
    return `${pad(hour)}:${pad(min)}`;
  });
  s = s.replace(R.chinese, (_m, p: string | undefined, h: string, half: string | undefined, mi: string | undefined) => {
    let hour = Number(h);
    const min = half ? 30 : Number(mi ?? 0);
    if ((p === '下午' || p === '傍晚' || p === '晚上') && hour < 12) hour += 12;
    if (p === '中午' && hour < 3) hour += 12;
    return `${pad(hour)}:${pad(min)}`;
  });
  s = s.replace(R.hrs, (_m, h: string, m: string) => `${pad(Number(h))}:${m}`);
  s = s.replace(R.shortClock, '0$1:$2');
  s = s.replace(R.hours, '$1 hours');
  s = s.replace(R.days, '$1 days');
  s = s.replace(R.nights, '$1 nights');
  s = s.replace(R.units, '$1$2');
  return s.replace(/\s+/gu, ' ').trim();
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/** True when the text holds the fact, as whole numbers: "rm50" is not found in "rm500". */
export function containsFact(text: string, fact: string): boolean {
  const h = norm(text);
  const n = norm(fact);
  if (n.length === 0) return true;
  for (let i = h.indexOf(n); i !== -1; i = h.indexOf(n, i + 1)) {
    const j = i + n.length;
    if (isDigit(n[0]) && i > 0 && (isDigit(h[i - 1]) || ('.,'.includes(h[i - 1]!) && i > 1 && isDigit(h[i - 2])))) continue;
    if (isDigit(n[n.length - 1]) && j < h.length && (isDigit(h[j]) || ('.,:'.includes(h[j]!) && j + 1 < h.length && isDigit(h[j + 1])))) continue;
    return true;
  }
  return false;
}
