/**
 * Typo-tolerant lookup of a guest's word in one hotel's own vocabulary (the stemmed terms of its
 * FTS5 index), so "brekfast" finds "breakfast" and "pasword" finds "password" without a word list.
 * Candidates come from a deletion index (every term with one character removed, as in SymSpell),
 * then are confirmed with a bounded Damerau-Levenshtein (optimal string alignment) distance:
 * at most 1 edit for words of 4-7 characters, 2 from 8 characters; shorter words only by the chat
 * spellings of `chatForm`.
 */

import { porterStem } from './porter-stemmer.js';

/**
 * How Malay spells the English words it borrows, undone in order: "ks" for x (teksi), -asi and -si
 * for -ation and -tion (lokasi, resepsi), -iti for -ity (universiti), -ik for -ic (klinik, muzik), an
 * e put between the first two consonants (kelas), and k for c (kafe). The result is compared with
 * the hotel's words within one edit, since a loan keeps other Malay spellings (muzik -> music).
 */
const LOAN_RULES: [RegExp, string][] = [
  [/ks/g, 'x'],
  [/asi$/, 'ation'],
  [/si$/, 'tion'],
  [/iti$/, 'ity'],
  [/ik$/, 'ic'],
  [/^([bcdfgkpt])e([lr])/, '$1$2'],
  [/k/g, 'c'],
];

/** "doggi" (the stem of "doggy"), "kiddie": a word of 3+ letters, its last consonant doubled, then -y, -i or -ie. */
const PET_FORM = /^(\p{L}{2,}?([b-df-hj-np-tv-z]))\2(?:y|i|ie)$/u;

/** Edits allowed for a word of this many characters. */
export function maxEdits(length: number): number {
  return length < 4 ? 0 : length < 8 ? 1 : 2;
}

/** Optimal string alignment distance, or max + 1 as soon as it must exceed max. O(|a| x |b|). */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(n + 1);
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[n]!;
}

function deletes(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

/** A hotel's vocabulary with its document frequencies and a deletion index for near matches. */
export class Vocabulary {
  private readonly byDelete = new Map<string, string[]>();
  /** The longest all-letter term: a word more than 3 letters longer is near none (see `near`). */
  private longest = 0;

  constructor(readonly docs: ReadonlyMap<string, number>) {
    for (const term of docs.keys()) {
      if (!/^\p{L}+$/u.test(term)) continue;
      this.longest = Math.max(this.longest, term.length);
      if (term.length < 3) continue;
      for (const d of deletes(term)) {
        const list = this.byDelete.get(d);
        if (list) list.push(term);
        else this.byDelete.set(d, [term]);
      }
    }
  }

  has(term: string): boolean {
    return this.docs.has(term);
  }

  /**
   * The hotel's terms within the allowed edits of a word (closest first, then commonest), at most
   * `limit`; empty for words already in the vocabulary or too short to correct.
   */
  near(word: string, limit = 2): string[] {
    const max = maxEdits(word.length);
    // Both ways of being near take a term at most 3 letters shorter; past that, a long guest word
    // would only cost time (building its deletions grows with the cube of its length).
    if (this.uncorrectable(word)) return [];
    const chat = this.chatForm(word);
    if (chat) return [chat];
    const loan = this.loanForm(word);
    if (loan) return [loan];
    if (max === 0) return [];
    const close = this.withinEdits(word, max, limit);
    if (close.length > 0) return close;
    // A clipped or misspelt ending ("parkng", "reservaton"): the longest hotel term of 4+ letters
    // the word starts with, when at most 3 letters are left over.
    for (let n = word.length - 1; n >= Math.max(4, word.length - 3); n--) {
      const prefix = word.slice(0, n);
      if (this.docs.has(prefix)) return [prefix];
    }
    const pet = this.petForm(word);
    return pet ? [pet] : [];
  }

  /**
   * The hotel's word for a chat spelling or a Malay loan spelling of this word, by rule alone
   * (`chatForm`; `loanForm` without its near match: "klinik" is clinic, while "barks" read as a
   * loan is only near "bar").
   */
  ruleForm(word: string): string | undefined {
    if (this.uncorrectable(word)) return undefined;
    const chat = this.chatForm(word);
    if (chat) return chat;
    const loan = loanEnglish(word);
    return loan && this.docs.has(loan.stem) ? loan.stem : undefined;
  }

  /** A word already the hotel's, not all letters, or too long to be near any of its terms. */
  private uncorrectable(word: string): boolean {
    return word.length > this.longest + 3 || this.docs.has(word) || !/^\p{L}+$/u.test(word);
  }

  /**
   * The hotel's word for a chat spelling, by rules of how guests shorten words rather than by edits
   * (a 3-letter word is 1 edit from too many words to guess): "nite" and "tonite" are the hotel's
   * "night" and "tonight" when it has them; a word with no vowel ("chk", "bkfst") is the commonest hotel term whose
   * consonants it keeps in order, first and last included; a 3-letter word is the one hotel term
   * that is that word with a final consonant clipped ("lif" -> "lift"), and none when two are ("bat":
   * "bath", "bats"), nor a word that only lacks a vowel ("her" is not "here").
   */
  chatForm(word: string): string | undefined {
    if (word.endsWith('nite')) {
      const night = `${word.slice(0, -4)}night`;
      if (this.docs.has(night)) return night;
    }
    if (word.length >= 3 && !/[aeiou]/.test(word)) return this.byConsonants(word);
    if (word.length === 3) {
      const longer = [...(this.byDelete.get(word) ?? [])].filter((t) => t.length === 4 && t.startsWith(word) && !/[aeiouy]/.test(t[3]!));
      if (longer.length === 1) return longer[0];
    }
    return undefined;
  }

  /** The hotel's English word for a Malay spelling of it (see LOAN_RULES): "klinik" -> clinic, "kelas" -> class. */
  loanForm(word: string): string | undefined {
    const loan = loanEnglish(word);
    if (!loan) return undefined;
    const { english, stem } = loan;
    if (this.docs.has(stem)) return stem;
    return this.withinEdits(stem, 1, 1)[0] ?? (stem === english ? undefined : this.withinEdits(english, 1, 1)[0]);
  }

  private byConsonants(word: string): string | undefined {
    let best: string | undefined;
    // c, k and q sound alike in a chat spelling ("bbq" is barbecue).
    const sound = (w: string) => w.replace(/[cq]/g, 'k');
    const said = sound(word);
    for (const [term, docs] of this.docs) {
      if (term[0] !== word[0] || term.length > word.length * 2 + 2 || term.length <= word.length || !/^\p{L}+$/u.test(term)) continue;
      const skeleton = sound(term.replace(/[aeiou]/g, '')).replace(/(.)\1+/g, '$1');
      if (skeleton.at(-1) !== said.at(-1) || !isSubsequence(said, skeleton)) continue;
      if (!best || docs > (this.docs.get(best) ?? 0)) best = term;
    }
    return best;
  }

  /** The hotel's word a pet form comes from ("doggy" -> dog, "kiddie" -> kid): the same word, not a guess. */
  petForm(word: string): string | undefined {
    const pet = PET_FORM.exec(word);
    return pet && this.docs.has(pet[1]!) ? pet[1] : undefined;
  }

  private withinEdits(word: string, max: number, limit: number): string[] {
    const candidates = new Set<string>();
    const probe = (key: string) => {
      if (this.docs.has(key)) candidates.add(key);
      for (const t of this.byDelete.get(key) ?? []) candidates.add(t);
    };
    probe(word);
    const first = deletes(word);
    for (const d of first) probe(d);
    if (max > 1) for (const d of first) for (const dd of deletes(d)) if (this.docs.has(dd)) candidates.add(dd);
    return [...candidates]
      .map((t) => ({ t, d: editDistance(word, t, max) }))
      .filter((c) => c.d <= max)
      .sort((a, b) => a.d - b.d || (this.docs.get(b.t) ?? 0) - (this.docs.get(a.t) ?? 0))
      .slice(0, limit)
      .map((c) => c.t);
  }
}

/** The English a Malay spelling borrows, by LOAN_RULES, and its stem as the index stores it; none when no rule applies. */
function loanEnglish(word: string): { english: string; stem: string } | undefined {
  if (word.length < 4) return undefined;
  const english = LOAN_RULES.reduce((w, [rule, to]) => w.replace(rule, to), word);
  return english === word ? undefined : { english, stem: porterStem(english) };
}

function isSubsequence(short: string, long: string): boolean {
  let i = 0;
  for (const c of long) if (c === short[i]) i++;
  return i === short.length;
}
