/**
 * Masks guest PII inside free text before it reaches a log line or an export:
 * email addresses, card numbers (Luhn-checked) and phone numbers.
 *
 * Every pattern here sees guest text, so each runs in time linear in its length: email addresses
 * are found by a scan outward from each "@" (a regex such as /[\w.]+@[\w.]+\.[a-z]{2,}/ backtracks
 * quadratically over a long run of letters), and the card and phone patterns only repeat bounded
 * groups.
 */
// 13-19 digits, optionally grouped by spaces or dashes.
export const CARD = /\b(?:\d[ -]?){12,18}\d\b/g;
// An optional +, then digits with common separators: with a + at least 7 digits, without one at
// least 9 (so dates such as 2026-12-24, prices and room numbers stay readable).
export const PHONE = /(?<![\w+])\+?\(?\d(?:[\s().-]{0,2}\d){6,16}(?![\w])/g;
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

const isLocal = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45;
const isDomain = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 46 || c === 45;
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/**
 * Email addresses in text, as [start, end) spans, left to right: the same matches as
 * /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, found in linear time. Each character is
 * looked at a bounded number of times: once in the local part before an "@", once in the domain
 * after it.
 */
export function emailSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  let from = 0;
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    if (at < from) continue;
    let start = at;
    while (start > from && isLocal(text.charCodeAt(start - 1))) start--;
    if (start === at) continue;
    let runEnd = at + 1;
    while (runEnd < text.length && isDomain(text.charCodeAt(runEnd))) runEnd++;
    // The domain is the longest prefix of the run ending in "." and two or more letters, with
    // something before that dot: find the last such dot.
    let end = -1;
    for (let dot = runEnd - 3; dot > at + 1; dot--) {
      if (text.charCodeAt(dot) !== 46 || !isLetter(text.charCodeAt(dot + 1)) || !isLetter(text.charCodeAt(dot + 2))) continue;
      end = dot + 3;
      while (end < runEnd && isLetter(text.charCodeAt(end))) end++;
      break;
    }
    if (end < 0) continue;
    spans.push([start, end]);
    from = end;
  }
  return spans;
}

/** Replaces every email address (see emailSpans) with what `fn` returns for it. */
export function replaceEmails(text: string, fn: (email: string) => string): string {
  const spans = emailSpans(text);
  if (spans.length === 0) return text;
  let out = '';
  let last = 0;
  for (const [start, end] of spans) {
    out += text.slice(last, start) + fn(text.slice(start, end));
    last = end;
  }
  return out + text.slice(last);
}

export function luhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

export function maskPii(text: string): string {
  return replaceEmails(text, () => '[email]')
    .replace(CARD, (m) => {
      const digits = m.replace(/\D/g, '');
      return digits.length >= 13 && luhn(digits) ? '[card]' : m;
    })
    .replace(PHONE, (m) => {
      const digits = m.replace(/\D/g, '').length;
      if (ISO_DATE.test(m)) return m;
      return digits >= 9 || (m.startsWith('+') && digits >= 7) ? '[phone]' : m;
    });
}

const NAME_PART_CHARS = 40;

/**
 * Masks a guest's known names inside free text: each word of each name (two letters or more) is
 * replaced, whole words only, any case. The patterns are built from escaped literal words, so
 * they run in linear time.
 */
export function maskNames(text: string, names: readonly (string | null | undefined)[]): string {
  const words = new Set<string>();
  for (const name of names) {
    for (const w of (name ?? '').split(/[\s,.]+/)) if (w.length >= 2 && w.length <= NAME_PART_CHARS) words.add(w.toLowerCase());
  }
  let out = text;
  for (const w of [...words].sort((a, b) => b.length - a.length).slice(0, 12)) {
    const literal = w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`(?<![\\p{L}\\p{N}])${literal}(?![\\p{L}\\p{N}])`, 'giu'), '[name]');
  }
  return out;
}

/** Deep copy of a log object with every string masked. Cycles and depth are bounded. */
export function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPii(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return { type: value.name, message: maskPii(value.message) };
  }
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = maskDeep(v, depth + 1);
  return out;
}
