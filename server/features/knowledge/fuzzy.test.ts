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

  it('takes a clipped ending back to the hotel word it starts with', () => {
    expect(vocab.near('parkng')).toEqual(['park']);
    expect(vocab.near('poolside')).toEqual([]);
  });
});
