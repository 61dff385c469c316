import { describe, expect, it } from 'vitest';
import { lexicon } from './lexicon.js';

/** The dictionaries installed with the app (WordNet 3.1 and CC-CEDICT), read for real. */
describe('lexicon', () => {
  const words = (w: string, broader: boolean) => lexicon().english(w).filter((r) => r.broader === broader).map((r) => r.word);

  it('reads an English word in its inflected form, with the same meaning in other words and its broader class', () => {
    expect(words('dachshunds', false)).toContain('dachshund');
    // "hunting dog" is the hypernym; its head names the class.
    expect(words('dachshunds', true)).toEqual(expect.arrayContaining(['hunting dog', 'dog']));
    expect(words('prams', false)).toEqual(expect.arrayContaining(['stroller', 'pushchair']));
    expect(words('bathtub', false)).toContain('tub');
  });

  it('leaves words of many senses, misspellings and non-words alone', () => {
    // "trip" has over twenty senses: read through all of them it would relate to nearly anything.
    expect(lexicon().english('trip')).toEqual([]);
    // "silly" is an adjective three times over; its one noun sense (a child, fondly) is not what a guest means.
    expect(lexicon().english('silly')).toEqual([]);
    expect(lexicon().english('brekfast')).toEqual([]);
    expect(lexicon().english('wi-fi?!')).toEqual([]);
    expect(lexicon().english('')).toEqual([]);
  });

  it('gives the English senses of a Chinese word, in simplified or traditional characters, without notes or pinyin', () => {
    expect(lexicon().chinese('租车')).toEqual(expect.arrayContaining(['rent', 'car']));
    expect(lexicon().chinese('自行車')).toEqual(expect.arrayContaining(['bicycle', 'bike']));
    expect(lexicon().chinese('浴缸')).toEqual(['bathtub']);
    for (const w of lexicon().chinese('出租车')) expect(w).toMatch(/^[a-z-]+$/);
    expect(lexicon().chinese('不是词语的字串')).toEqual([]);
  });

  it('tells a word that names a particular thing from one that does not, in English and Chinese', () => {
    expect(lexicon().namesThing('dentist')).toBe(true);
    expect(lexicon().namesThing('pharmacy')).toBe(true);
    expect(lexicon().namesThing('药房')).toBe(true);
    // a verb, a word of many senses, an adverb, a Chinese adverb, a non-word
    for (const w of ['inform', 'day', 'roughly', '大概', 'gerak']) expect(lexicon().namesThing(w), w).toBe(false);
  });

  it('knows common words of English and Chinese, not chat forms, abbreviations alone or words of other languages', () => {
    // WordNet, inflected; CC-CEDICT's sense words for what WordNet lacks; a Chinese word.
    for (const w of ['kettle', 'kettles', 'tesla', 'jacuzzi', '浴缸']) expect(lexicon().knows(w), w).toBe(true);
    // "wats" is in WordNet only as "WATS" (a telephone line); a chat form, a misspelling, a Malay word.
    for (const w of ['wats', 'pls', 'brekfast', 'basikal', '']) expect(lexicon().knows(w), w).toBe(false);
  });

  it('joins the pieces the segmenter cut from a word it does not know, and nothing else', () => {
    expect(lexicon().joinChinese(['我们', '想', '租', '自行', '车'])).toEqual(['我们', '想', '租', '自行车']);
    expect(lexicon().joinChinese(['周末', '想去', '海边', '度假', '村', '住', '两晚'])).toEqual(['周末', '想去', '海边', '度假村', '住', '两晚']);
    expect(lexicon().joinChinese(['明天', '能', '在', '酒店', '门口', '租', '车', '吗'])).toEqual(['明天', '能', '在', '酒店', '门口', '租车', '吗']);
    // Two whole words stay two words, even when the dictionary has them together.
    expect(lexicon().joinChinese(['早餐', '时间'])).toEqual(['早餐', '时间']);
    expect(lexicon().joinChinese([])).toEqual([]);
  });
});
