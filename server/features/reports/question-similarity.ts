import { maskPii } from '../../shared/redact.js';

/**
 * Normalised wording of a guest question, for clustering knowledge gaps: contact details masked,
 * lower-cased, accents and punctuation dropped, filler words removed, simple English suffixes cut,
 * and Chinese written as character bigrams. "Do you have a shuttle to the airport?" and "Is there
 * an airport shuttle" share {airport, shuttle}.
 */
const STOP = new Set(
  (
    'a an the and or but if then so of to in on at by for from with about into over after before up down out off again is are was were be been being am ' +
    'do does did doing have has had having can could would should will shall may might must i me my we our you your he she it its they them their ' +
    'this that these those there here what which who whom when where why how any some all each every no not only own same than too very just also ' +
    'please pls thanks thank hi hello hey dear regards good morning afternoon evening tell know want wanted like would need get got let us guest ' +
    'is it possible there any available still yes ok okay hotel ' +
    'saya anda kami boleh ada apa ke di dan yang untuk dengan ini itu tak tidak ya terima kasih'
  ).split(/\s+/),
);

/** Chinese particles and pronouns that say nothing about the topic. */
const CJK_FILLER = /[你我他她们吗呢吧的了是有请问在和可以么]/g;

function stem(word: string): string {
  if (word.length <= 4) return word;
  for (const suffix of ['ing', 'edly', 'ed', 'ies', 'es', 's']) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 3) {
      const base = word.slice(0, -suffix.length);
      return suffix === 'ies' ? `${base}y` : base;
    }
  }
  return word;
}

export function questionWords(text: string): string[] {
  const masked = maskPii(text).replace(/\[(phone|email|card)\]/g, ' ');
  const plain = masked.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
  const words = new Set<string>();
  for (const run of plain.match(/[\p{L}\p{N}]+/gu) ?? []) {
    if (/[\u4e00-\u9fff]/.test(run)) {
      const chars = [...run.replace(CJK_FILLER, '')];
      if (chars.length === 0) continue;
      if (chars.length === 1) words.add(chars[0]!);
      for (let i = 0; i + 1 < chars.length; i++) words.add(chars[i]! + chars[i + 1]!);
      continue;
    }
    const word = stem(run);
    if (STOP.has(run) || STOP.has(word) || run.length < 2) continue;
    words.add(word);
  }
  return [...words].sort();
}

/**
 * Similarity of two word sets: the mean of Jaccard (shared / all) and the overlap coefficient
 * (shared / smaller set), so a short question ("Is there a helipad?") joins a longer one about the
 * same thing ("a helipad for guests arriving by helicopter") without every pair of long questions
 * that share one word being joined.
 */
export function similarity(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 1 : 0;
  const set = new Set(a);
  let shared = 0;
  for (const w of b) if (set.has(w)) shared++;
  return (shared / (a.length + b.length - shared) + shared / Math.min(a.length, b.length)) / 2;
}

/** Questions at least this similar are counted as the same gap. */
export const SAME_GAP = 0.5;
