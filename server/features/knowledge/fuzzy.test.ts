import { describe, expect, it } from 'vitest';
import { editDistance, maxEdits, Vocabulary } from './fuzzy.js';

const vocab = new Vocabulary(new Map([['breakfast', 12], ['password', 3], ['park', 9], ['pool', 4], ['price', 7], ['laundri', 2], ['restaur', 5]]));

describe('typo-tolerant lookup in the hotel vocabulary', () => {
  it('counts insertions, deletions, substitutions and transpositions as one edit each', () => {
    expect(editDistance('brekfast', 'breakfast', 2)).toBe(1);
    expect(editDistance('pasword', 'password', 2)).toBe(1);
    expect(editDistance('teh', 'the', 2)).toBe(1);
    expect(editDistance('pool', 'price', 1)).toBe(2);
    expect(maxEdits(3)).toBe(0);
    expect(maxEdits(6)).toBe(1);
    expect(maxEdits(9)).toBe(2);
  });

  it("finds the hotel's own word for a misspelt one, and leaves short or unrelated words alone", () => {
    expect(vocab.near('brekfast')).toEqual(['breakfast']);
    expect(vocab.near('breakfsat')).toEqual(['breakfast']);
    expect(vocab.near('pasword')).toEqual(['password']);
    expect(vocab.near('laundy')).toEqual([]);
    expect(vocab.near('pol')).toEqual([]);
    expect(vocab.near('breakfast')).toEqual([]);
    expect(vocab.near('helipad')).toEqual([]);
    expect(vocab.near('restaurnt')).toEqual(['restaur']);
  });

  it('takes a pet form ("doggy", "kiddie") back to the hotel word it comes from', () => {
    const pets = new Vocabulary(new Map([['dog', 3], ['kid', 5], ['bed', 9]]));
    expect(pets.near('doggi')).toEqual(['dog']);
    expect(pets.near('kiddie')).toEqual(['kid']);
    expect(pets.near('daddy')).toEqual([]);
    expect(pets.near('bedding')).toEqual([]);
    expect(pets.petForm('doggi')).toBe('dog');
    expect(pets.petForm('dog')).toBeUndefined();
  });

  it('reads the short chat spellings guests use by how they shorten words, not by edits', () => {
    const chat = new Vocabulary(new Map([['night', 6], ['tonight', 1], ['check', 14], ['chicken', 2], ['breakfast', 9], ['lift', 2], ['bath', 3], ['bats', 1], ['here', 8], ['gym', 4]]));
    expect(chat.near('nite')).toEqual(['night']);
    expect(chat.near('tonite')).toEqual(['tonight']);
    // Vowels dropped: the commonest term keeping the consonants in order, first and last included.
    expect(chat.near('chk')).toEqual(['check']);
    expect(chat.near('bkfst')).toEqual(['breakfast']);
    expect(chat.near('xyz')).toEqual([]);
    // c, k and q sound alike: "bbq" keeps the consonants of the hotel's "barbecue".
    const grill = new Vocabulary(new Map([['barbecu', 2], ['beach', 5]]));
    expect(grill.near('bbq')).toEqual(['barbecu']);
    // A clipped final consonant, only when one hotel term fits and the word is not an ordinary one.
    expect(chat.near('lif')).toEqual(['lift']);
    expect(chat.near('bat')).toEqual([]);
    expect(chat.near('her')).toEqual([]);
    expect(chat.near('gym')).toEqual([]);
  });

  it('reads a Malay spelling of an English loanword as the hotel\'s English word', () => {
    const loans = new Vocabulary(new Map([['clinic', 2], ['music', 3], ['taxi', 5], ['class', 2], ['cafe', 4], ['recept', 6]]));
    expect(loans.near('klinik')).toEqual(['clinic']);
    expect(loans.near('muzik')).toEqual(['music']);
    expect(loans.near('teksi')).toEqual(['taxi']);
    expect(loans.near('kelas')).toEqual(['class']);
    expect(loans.near('kafe')).toEqual(['cafe']);
    expect(loans.near('resepsi')).toEqual(['recept']);
    // By rule, which search trusts more than a near spelling; a typo is no rule.
    expect(loans.ruleForm('klinik')).toBe('clinic');
    // "teksi" is taxi only one edit away from its rule's "texi": near, not by rule.
    expect(loans.ruleForm('teksi')).toBeUndefined();
    expect(loans.ruleForm('taxi')).toBeUndefined();
    expect(loans.ruleForm('claas')).toBeUndefined();
    // A Malay word that is no loan finds nothing.
    expect(loans.near('kolam')).toEqual([]);
    expect(loans.near('makan')).toEqual([]);
  });

  it('takes a clipped ending back to the hotel word it starts with', () => {
    expect(vocab.near('parkng')).toEqual(['park']);
    expect(vocab.near('poolside')).toEqual([]);
  });
});
