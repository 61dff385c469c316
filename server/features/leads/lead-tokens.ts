/**
 * The guest's words as a flat list of tokens, made in one linear pass, so every lead rule matches whole
 * words ("booKING" is never "king") and no rule backtracks over the text.
 */
export interface Token {
  /** Lower-cased text. */
  w: string;
  /** As written. */
  raw: string;
  s: number;
  e: number;
  kind: 'word' | 'num' | 'han' | 'punct';
  /** The value of a digit run. */
  n?: number;
}

// A Latin word (apostrophes inside, so "I'm" is one token), a digit run, one Han character, or one other character.
// Each alternative starts at a distinct character class and repeats only a single class: linear.
const TOKEN = /(\p{Script=Latin}[\p{Script=Latin}\p{M}']*)|(\d+)|(\p{Script=Han})|(\S)/gu;

/** Typography guests paste in, folded so rules see one form: full-width digits, curly apostrophes, dashes. */
export function foldTypography(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/[\u2010-\u2015\u2212\uff5e~]/g, '-');
}

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const raw = m[0];
    const s = m.index;
    const kind = m[1] ? 'word' : m[2] ? 'num' : m[3] ? 'han' : 'punct';
    const t: Token = { w: raw.toLowerCase(), raw, s, e: s + raw.length, kind };
    if (kind === 'num') t.n = raw.length > 9 ? Number.NaN : Number(raw);
    out.push(t);
  }
  return out;
}

// Words the lead rules read, and how guests misspell them by one dropped, doubled or swapped letter
// ("rom", "bok", "adlts", "nigths"). Words that are real words one letter away ("rang", "march") are left out.
const SPELLED = ['room', 'rooms', 'book', 'booking', 'reserve', 'reservation', 'adults', 'adult', 'children', 'child', 'people', 'persons', 'nights', 'night',
  'guests', 'guest', 'person', 'tempah', 'bilik', 'dewasa', 'available', 'availability', 'tomorrow', 'weekend', 'january', 'february', 'april', 'august', 'september', 'october',
  'november', 'december', 'disember', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'tonight'];
const KNOWN = new Set(SPELLED);
// real words one letter from a lead word
const REAL = new Set(['roo', 'boo', 'ook', 'guess', 'gust', 'gusts', 'nigh', 'chil', 'sunda', 'bili']);
const DROPPED = new Map<string, string>();
for (const w of SPELLED) for (let k = 0; k < w.length; k++) {
  const d = w.slice(0, k) + w.slice(k + 1);
  if (!KNOWN.has(d) && !REAL.has(d) && !DROPPED.has(d)) DROPPED.set(d, w);
}

/** The word a lower-case guest word misspells by one letter dropped, added or swapped, or null. At most 2n lookups. */
export function spelledWord(w: string): string | null {
  if (w.length < 3 || w.length > 14 || KNOWN.has(w) || REAL.has(w)) return null;
  const dropped = DROPPED.get(w);
  if (dropped) return dropped;
  for (let k = 0; k < w.length; k++) {
    // a letter typed twice ("roomm"), not any added letter ("groom", "books")
    const added = w.slice(0, k) + w.slice(k + 1);
    if (w[k] === w[k + 1] && added.length >= 4 && KNOWN.has(added)) return added;
    if (k + 1 < w.length) {
      const swapped = w.slice(0, k) + w[k + 1]! + w[k]! + w.slice(k + 2);
      if (KNOWN.has(swapped)) return swapped;
    }
  }
  return null;
}

/** Tokens with lower-case misspellings of the lead words read as the words (capitalised words may be names). */
export function withSpelling(tokens: Token[]): Token[] {
  return tokens.map((t) => {
    if (t.kind !== 'word' || t.raw !== t.w) return t;
    const w = spelledWord(t.w);
    return w ? { ...t, w } : t;
  });
}

const EN_NUMBERS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19, twenty: 20, thirty: 30, forty: 40, fifty: 50,
  satu: 1, seorang: 1, dua: 2, tiga: 3, empat: 4, lima: 5, enam: 6, tujuh: 7, lapan: 8, sembilan: 9, sepuluh: 10,
};
const HAN_DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 兩: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** A number written in digits or as a word at token i: its value and the index after it. */
export function numberAt(tokens: Token[], i: number): { n: number; next: number } | null {
  const t = tokens[i];
  if (!t) return null;
  if (t.kind === 'num') return Number.isFinite(t.n) ? { n: t.n!, next: i + 1 } : null;
  if (t.kind === 'word' && t.w in EN_NUMBERS) return { n: EN_NUMBERS[t.w]!, next: i + 1 };
  if (t.kind === 'han') return hanNumberAt(tokens, i);
  return null;
}

/** Chinese numerals up to 99 (一 .. 十, 两, 二十四) at token i. */
export function hanNumberAt(tokens: Token[], i: number): { n: number; next: number } | null {
  let j = i;
  let tens = 0;
  let units = -1;
  while (j < tokens.length && j - i < 3) {
    const c = tokens[j]!.raw;
    if (c === '十') {
      if (tens) break;
      tens = units > 0 ? units : 1;
      units = -1;
    } else if (c in HAN_DIGITS) {
      if (units >= 0) break;
      units = HAN_DIGITS[c]!;
    } else break;
    j++;
  }
  if (j === i) return null;
  const n = tens * 10 + Math.max(units, 0);
  return n > 0 ? { n, next: j } : null;
}

/** Whether tokens i and i+1 touch (no space between them). */
export const adjacent = (tokens: Token[], i: number): boolean => !!tokens[i + 1] && tokens[i]!.e === tokens[i + 1]!.s;

/** Whether the words of `phrase` (space-separated) start at token i. */
export function phraseAt(tokens: Token[], i: number, phrase: string[]): boolean {
  for (let k = 0; k < phrase.length; k++) if (tokens[i + k]?.w !== phrase[k]) return false;
  return true;
}

/** Index of the first occurrence of any phrase in the list, or -1; each phrase is a word list. */
export function findPhrase(tokens: Token[], phrases: string[][]): number {
  const firsts = new Set(phrases.map((p) => p[0]));
  for (let i = 0; i < tokens.length; i++) {
    if (!firsts.has(tokens[i]!.w)) continue;
    for (const p of phrases) if (phraseAt(tokens, i, p)) return i;
  }
  return -1;
}

/** Split "family suite|sea view" style lists into word lists. */
export const phrases = (...list: string[]): string[][] => list.map((p) => p.split(' '));
