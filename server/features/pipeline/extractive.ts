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
/** Weight of a question word the item's title already holds. */
const TOPIC_WEIGHT = 0.3;
/** A further sentence joins the answer from this score (one thing asked, roughly). */
const FURTHER_SENTENCE = 0.8;
/** Weight of a word the guest said just before the question, in a remark. */
const REMARK_WEIGHT = 0.5;
/** A sentence's time this close to a time the guest named is about that time. */
const NEAR_TIME_MINUTES = 60;
const CLOCK = /\b(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?(?![\d:])/gi;
/** Below this score the best sentence matched little more than one word. */
const WEAK_MATCH = 2;

const sentenceSegmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

export type AskedValue = 'time' | 'price' | 'distance';

const TIME_Q = /\b(what time|wat time|when|until|till|open|opens|close|closes|closing|hours?|jam berapa|pukul berapa|pukul|waktu|bila|buka|tutup|sampai)\b|几点|幾點|时间|時間|营业|開放|开放|关门/i;
const PRICE_Q = /\b(h[oa]?w much|price|prices|cost|costs|charge|charges|fee|fees|rate|rates|pay|paid|free|rm|myr|ringgit|harga|bayar|caj|percuma|kadar|berapa (?:ringgit|harga|satu|seorang|semalam|untuk))\b|多少钱|多少錢|价格|價格|费用|費用|收费|收費|免费|免費/i;
const DISTANCE_Q = /\b(how far|distance|how long|far|near|nearby|nearest|walking distance|minutes|jauh|berapa lama)\b|多远|多遠|距离|距離|多久|附近/i;

const TIME_V = /\b\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)|\b\d{1,2}:\d{2}\b|\bnoon\b|\bmidnight\b|\b24 hours\b|\b\d{3,4}\s*hrs\b/i;
const PRICE_V = /\b(?:rm|myr|usd)\s?\d|\d\s?(?:ringgit)\b|\bfree\b|\bcomplimentary\b|\bno charge\b|\bincluded\b/i;
const DISTANCE_V = /\b\d+(?:\.\d+)?\s?(?:km|kilomet|minutes?|mins?|m)\b/i;

/** Malay "berapa" (how much / how many) asks a price unless a word of time, distance or count follows or precedes it. */
const BERAPA_PRICE = /(?<!\b(?:pukul|jam|pkl)\s)\bberapa\b(?!\s+(?:lama|jauh|pukul|jam|orang|ramai|hari|malam|besar|umur|kali|bilik|minit|km))/i;

/**
 * The kinds of value a question asks for: a time, a price, a distance (several in "how long and how
 * much"). A question that names a time ("we leave at 5am", "arriving 11.30pm") asks what happens then.
 */
export function askedValues(question: string): AskedValue[] {
  const kinds: AskedValue[] = [];
  if (PRICE_Q.test(question) || BERAPA_PRICE.test(question)) kinds.push('price');
  if (DISTANCE_Q.test(question)) kinds.push('distance');
  if (TIME_Q.test(question) || TIME_V.test(question)) kinds.push('time');
  return kinds;
}

const VALUE_PATTERN: Record<AskedValue, RegExp> = { time: TIME_V, price: PRICE_V, distance: DISTANCE_V };

/**
 * What the question asks about, one group per thing: its own words and the hotel vocabulary's words
 * for the same thing, stemmed as the index stems them. A thing the item's title names is its topic;
 * it tells the item apart, not which of its sentences answers, so it weighs less.
 */
function questionGroups(questions: string[], title: string, remarks: string[] = []): { tokens: string[]; weight: number }[] {
  const titleTokens = new Set(indexTokens(title));
  const groupsOf = (texts: string[], weight: number) => texts.flatMap((q) => [...analyzeQuery(q).map((g) => g.terms), ...indexTokens(q).map((t) => [t])].map((terms) => ({ terms, weight })));
  const seen = new Set<string>();
  const out: { tokens: string[]; weight: number }[] = [];
  for (const { terms, weight } of [...groupsOf(questions, 1), ...groupsOf(remarks, REMARK_WEIGHT)]) {
    const tokens = [...new Set(terms.flatMap((t) => indexTokens(t)))].filter((t) => !COMMON.has(t));
    const key = tokens.slice().sort().join(' ');
    if (!tokens.length || seen.has(key) || tokens.every((t) => seen.has(t))) continue;
    seen.add(key);
    tokens.forEach((t) => seen.add(t));
    out.push({ tokens, weight: tokens.some((t) => titleTokens.has(t)) ? Math.min(weight, TOPIC_WEIGHT) : weight });
  }
  return out;
}

/** Minutes after midnight of each clock time in a text ("5am", "11.30pm", "22:00"). */
function clockTimes(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(CLOCK)) {
    let h = Number(m[1]);
    const min = Number(m[2] ?? 0);
    const ap = (m[3] ?? '').toLowerCase().replace(/\./g, '');
    if (h > 24 || min > 59 || (!ap && m[2] === undefined)) continue;
    if (ap === 'pm' && h < 12) h += 12;
    if (ap === 'am' && h === 12) h = 0;
    out.push(h * 60 + min);
  }
  return out;
}

/** Whether a sentence names a time near one the guest named (a rule about "after 11:00 pm" for "we arrive at 11.30pm"). */
function nearTime(asked: number[], sentence: string): boolean {
  if (!asked.length) return false;
  return clockTimes(sentence).some((t) => asked.some((a) => Math.min(Math.abs(t - a), 1440 - Math.abs(t - a)) <= NEAR_TIME_MINUTES));
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
export function answerSentences(questions: string[], text: string, title = '', remarks: string[] = []): string {
  const all = sentencesOf(text);
  if (all.length <= 1) return all.join(' ') || text.trim();
  const groups = questionGroups(questions, title, remarks);
  const kinds = [...new Set([...questions, ...remarks].flatMap(askedValues))];
  const times = [...questions, ...remarks].flatMap((q) => clockTimes(q.match(TIME_V)?.[0] ?? ''));
  const scored = all.map((s, i) => {
    const tokens = new Set(indexTokens(s));
    const overlap = groups.reduce((sum, g) => sum + (g.tokens.some((t) => matches(t, tokens)) ? g.weight : 0), 0);
    const value = kinds.filter((k) => VALUE_PATTERN[k].test(s)).length * 1.5 + (nearTime(times, s) ? 1 : 0);
    return { s, i, score: overlap + value + (i === 0 ? 0.3 : 0) - i * 0.05 };
  });
  const ranked = [...scored].sort((a, b) => b.score - a.score);
  const best = ranked[0]!;
  const chosen = [best];
  let chars = best.s.length;
  for (const c of ranked.slice(1)) {
    if (chosen.length >= MAX_SENTENCES) break;
    // A further sentence only when it holds something asked for, and only while the answer stays short.
    if (c.score < FURTHER_SENTENCE || chars + c.s.length > MAX_CHARS) continue;
    chosen.push(c);
    chars += c.s.length;
  }
  // One sentence alone is often a "no" or a rule whose next sentence says the alternative or the
  // price; and an item's first sentence states its point, which a weakly matched answer needs.
  const next = scored[best.i + 1];
  if (chosen.length === 1 && next && chars + next.s.length <= MAX_CHARS) {
    chosen.push(next);
    chars += next.s.length;
  }
  const first = scored[0]!;
  if (best.score < WEAK_MATCH && !chosen.includes(first) && chosen.length < MAX_SENTENCES && chars + first.s.length <= MAX_CHARS) chosen.push(first);
  return chosen
    .sort((a, b) => a.i - b.i)
    .map((c) => c.s)
    .join(' ');
}

/**
 * A sentence of another item that gives what `answer` leaves out of the question, or null: a word
 * the guest asked about that the answer never holds ("is breakfast halal?" answered from the
 * breakfast item, which never says halal), or a value asked for that it never gives (a price). The
 * sentence must hold such a missing word, or the missing value beside one of the question's words.
 */
export function supportSentence(questions: string[], answer: string, text: string, title = '', answerTitle = ''): string | null {
  const groups = questionGroups(questions, answerTitle);
  const held = new Set(indexTokens(`${answerTitle} ${answer}`));
  const missing = groups.filter((g) => g.weight === 1 && !g.tokens.some((t) => matches(t, held)));
  const kinds = [...new Set(questions.flatMap(askedValues))].filter((k) => !VALUE_PATTERN[k].test(answer));
  if (!missing.length && !kinds.length) return null;
  const own = new Set(indexTokens(title));
  let best: { s: string; score: number } | null = null;
  for (const s of sentencesOf(text)) {
    const tokens = new Set([...indexTokens(s), ...own]);
    // Exact words only: a near spelling of a synonym ("pork" for "park") must not bring in another item.
    const fills = missing.filter((g) => g.tokens.some((t) => tokens.has(t))).length;
    const values = kinds.filter((k) => VALUE_PATTERN[k].test(s)).length;
    const overlap = groups.filter((g) => g.tokens.some((t) => matches(t, tokens))).length;
    if (fills === 0 && !(values > 0 && overlap > 0)) continue;
    const score = fills * 2 + values * 1.5 + overlap * 0.3;
    if (!best || score > best.score) best = { s, score };
  }
  return best?.s ?? null;
}

