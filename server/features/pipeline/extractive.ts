import { editDistance, maxEdits } from '../knowledge/fuzzy.js';
import { analyzeQuery } from '../knowledge/query-expansion.js';
import { indexTokens } from '../knowledge/search-text.js';

/**
 * The sentences of a knowledge item that answer a question, for replies given with no model (C6):
 * not the whole item, only what was asked. Sentences are ranked by the question's words they hold
 * (stemmed as the index stems them), by whether they hold the kind of value the question asks for
 * (a time, a price, a distance), and by position (an item's first sentence usually states its point).
 */

/** At most this many sentences, and about this many characters, per answer. */
const MAX_SENTENCES = 3;
const MAX_CHARS = 420;

const sentenceSegmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

export type AskedValue = 'time' | 'price' | 'distance';

const TIME_Q = /\b(what time|wat time|when|until|till|open|opens|close|closes|closing|hours?|jam berapa|pukul berapa|pukul|waktu|bila|buka|tutup|sampai)\b|几点|幾點|时间|時間|营业|開放|开放|关门/i;
const PRICE_Q = /\b(h[oa]?w much|price|prices|cost|costs|charge|charges|fee|fees|rate|rates|pay|paid|free|rm|myr|ringgit|harga|bayar|caj|percuma|kadar|berapa (?:ringgit|harga|satu|seorang|semalam|untuk))\b|多少钱|多少錢|价格|價格|费用|費用|收费|收費|免费|免費/i;
const DISTANCE_Q = /\b(how far|distance|how long|far|minutes|jauh|berapa lama)\b|多远|多遠|距离|距離|多久/i;

const TIME_V = /\b\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)|\b\d{1,2}:\d{2}\b|\bnoon\b|\bmidnight\b|\b24 hours\b|\b\d{3,4}\s*hrs\b/i;
const PRICE_V = /\b(?:rm|myr|usd)\s?\d|\d\s?(?:ringgit)\b|\bfree\b|\bcomplimentary\b|\bno charge\b|\bincluded\b/i;
const DISTANCE_V = /\b\d+(?:\.\d+)?\s?(?:km|kilomet|minutes?|mins?|m)\b/i;

/** The kinds of value a question asks for: a time, a price, a distance (several in "how long and how much"). */
export function askedValues(question: string): AskedValue[] {
  const kinds: AskedValue[] = [];
  if (PRICE_Q.test(question)) kinds.push('price');
  if (DISTANCE_Q.test(question)) kinds.push('distance');
  if (TIME_Q.test(question)) kinds.push('time');
  return kinds;
}

const VALUE_PATTERN: Record<AskedValue, RegExp> = { time: TIME_V, price: PRICE_V, distance: DISTANCE_V };

/** The question's own words, stemmed as the index stems them, with the hotel vocabulary's words for the same things. */
function questionTokens(questions: string[]): string[] {
  const words = questions.flatMap((q) => [q, ...analyzeQuery(q).flatMap((g) => g.terms)]);
  return [...new Set(words.flatMap((w) => indexTokens(w)))].filter((t) => !COMMON.has(t));
}

/** A sentence word answers a question word when they are the same stem or a near spelling ("pasword"). */
function matches(questionToken: string, sentenceTokens: Set<string>): boolean {
  if (sentenceTokens.has(questionToken)) return true;
  const edits = maxEdits(questionToken.length);
  if (edits === 0) return false;
  for (const t of sentenceTokens) if (Math.abs(t.length - questionToken.length) <= edits && editDistance(questionToken, t, edits) <= edits) return true;
  return false;
}

/** Words every hotel text holds, which say nothing about which sentence answers. */
const COMMON = new Set(['the', 'a', 'an', 'and', 'or', 'of', 'to', 'in', 'on', 'at', 'for', 'is', 'ar', 'be', 'we', 'our', 'you', 'your', 'it', 'i', 'can', 'do', 'have', 'ha', 'with', 'from', 'by', 'thi', 'that', 'there', 'what', 'how', 'when', 'where', 'hotel', 'pleas', 'per']);

export function sentencesOf(text: string): string[] {
  const out: string[] = [];
  for (const para of text.split(/\n+/)) {
    for (const { segment } of sentenceSegmenter.segment(para)) {
      const s = segment.trim().replace(/^[-*•]\s+/, '');
      if (s) out.push(s);
    }
  }
  return out;
}

/**
 * The answer to `questions` (one or several phrasings of what the guest asked) from `text`: the
 * best sentences in the item's own order, within MAX_SENTENCES and about MAX_CHARS.
 */
export function answerSentences(questions: string[], text: string): string {
  const all = sentencesOf(text);
  if (all.length <= 1) return all.join(' ') || text.trim();
  const qTokens = questionTokens(questions);
  const kinds = [...new Set(questions.flatMap(askedValues))];
  const scored = all.map((s, i) => {
    const tokens = new Set(indexTokens(s));
    let overlap = 0;
    for (const t of qTokens) if (matches(t, tokens)) overlap++;
    const value = kinds.filter((k) => VALUE_PATTERN[k].test(s)).length * 1.5;
    return { s, i, score: overlap + value + (i === 0 ? 0.6 : 0) - i * 0.05 };
  });
  const ranked = [...scored].sort((a, b) => b.score - a.score);
  const best = ranked[0]!;
  const chosen = [best];
  let chars = best.s.length;
  for (const c of ranked.slice(1)) {
    if (chosen.length >= MAX_SENTENCES) break;
    // A further sentence only when it holds something asked for, and only while the answer stays short.
    if (c.score < 1 || chars + c.s.length > MAX_CHARS) continue;
    chosen.push(c);
    chars += c.s.length;
  }
  return chosen
    .sort((a, b) => a.i - b.i)
    .map((c) => c.s)
    .join(' ');
}
