/**
 * Text normalisation shared by indexing and querying, so both sides of the lexical index agree.
 * FTS5's unicode61 tokenizer treats a run of Chinese (or Japanese, Korean) characters as one
 * token, which would make a sentence one unsearchable word; such runs are cut into words with the
 * platform's dictionary segmenter (`Intl.Segmenter`, ICU), and words longer than two characters
 * also get their character bigrams, so "停车" still finds "停车场" however ICU cut either side.
 */
import { porterStem } from './porter-stemmer.js';

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const CJK_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu;
const SEGMENTER = new Intl.Segmenter('zh', { granularity: 'word' });

export function hasCjk(s: string): boolean {
  return CJK.test(s);
}

/** "停车场" -> "停车 车场"; a single character stays as it is. */
function cjkBigrams(run: string): string[] {
  const chars = [...run];
  if (chars.length < 2) return chars;
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  return out;
}

/** The dictionary words of a CJK run, in order ("酒店有停车场吗" -> 酒店, 有, 停车, 场, 吗). */
export function cjkWords(run: string): string[] {
  return [...SEGMENTER.segment(run)].filter((s) => s.isWordLike).map((s) => s.segment);
}

/** A CJK word as indexed: itself, plus its bigrams when it is longer than two characters. */
function cjkForms(word: string): string[] {
  const n = [...word].length;
  return n > 2 ? [word, ...cjkBigrams(word)] : [word];
}

/** The text handed to FTS5 for a column: unchanged except for CJK runs, which become words (and bigrams). */
export function toIndexText(s: string): string {
  return s.normalize('NFKC').replace(CJK_RUN, (run) => ` ${cjkWords(run).flatMap(cjkForms).join(' ')} `);
}

/** Lower case, NFKC, apostrophes dropped ("what's" -> "whats"), punctuation to spaces. */
export function normalizeForMatch(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/['’‘`]s\b/g, '')
    .replace(/['’‘`]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * The tokens FTS5 stores for a text (unicode61 with remove_diacritics, then Porter), so code can
 * tell which words a chunk holds exactly as the index would.
 */
export function indexTokens(s: string): string[] {
  return toIndexText(s)
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}\p{Co}]+/u)
    .filter(Boolean)
    .map(porterStem);
}

/** One FTS5 phrase, quoted so no user text is read as query syntax. */
export function ftsPhrase(term: string): string {
  return `"${toIndexText(term).trim().replace(/\s+/g, ' ').replace(/"/g, '""')}"`;
}

/** A crude English suffix stripper, used only to look words up in the hotel glossary. */
export function lightStem(word: string): string {
  // a plural of an -ing noun ("timings", "bookings") is read as the -ing form first
  let w = word.length > 5 && word.endsWith('ings') ? word.slice(0, -1) : word;
  if (w.length > 4 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  else if (w.length > 4 && w.endsWith('ies')) w = w.slice(0, -3) + 'y';
  else if (w.length > 4 && /(ches|shes|sses|xes)$/.test(w)) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith('al')) w = w.slice(0, -2);
  if (w.length > 3 && w.endsWith('e')) w = w.slice(0, -1);
  return w;
}
