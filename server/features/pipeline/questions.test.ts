import { describe, expect, it } from 'vitest';
import { clauses, questionCue, segments } from './questions.js';

describe('segments', () => {
  it('splits a message into its sentences, lines and clauses, keeping each whole', () => {
    expect(segments('hi there, what time is check in? and is parking free. thanks!\nSarah')).toEqual(['hi there, what time is check in?', 'and is parking free. thanks!', 'Sarah']);
    expect(segments('请问几点入住？停车免费吗？')).toEqual(['请问几点入住？', '停车免费吗？']);
    expect(segments('pool hours; gym hours')).toEqual(['pool hours', 'gym hours']);
  });

  it('ends a sentence at an emoji followed by a space, as chat writers do', () => {
    expect(segments('the drive was long 😴 is the restaurant still open? 🙏🏽')).toEqual(['the drive was long 😴', 'is the restaurant still open? 🙏🏽']);
    // one closing the message adds no sentence
    expect(segments('is the pool heated 😊')).toEqual(['is the pool heated 😊']);
  });

  it('joins a fragment too short to ask anything to the sentence before it', () => {
    expect(segments('Is breakfast included? ok')).toEqual(['Is breakfast included? ok']);
  });

  it('returns nothing for punctuation and blank lines', () => {
    expect(segments('?!\n\n  ...')).toEqual([]);
  });

  it('handles a 1 MB message without blowing up', () => {
    const big = 'where is the pool? '.repeat(55_000);
    const started = performance.now();
    expect(segments(big.slice(0, 2000)).length).toBeGreaterThan(50);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('questionCue', () => {
  it('knows a question by its mark, its first word (after a greeting) or a Chinese particle', () => {
    for (const q of ['Is there parking?', 'hi what time is breakfast', 'and btw can I bring my dog', 'berapa harga bilik', 'ada parking tak', 'bolehkah saya daftar masuk awal', '停车免费吗', '早餐几点', "I'd like to know if the pool is heated", 'pls advise on the shuttle', "What's the wifi password", 'Where’s the gym'])
      expect(questionCue(q), q).toBe(true);
  });

  it('reads an asking phrase on its own as announcing the question after it, not as one', () => {
    expect(questionCue('Saya nak tanya', 'Saya nak tanya, kolam renang buka pukul berapa?')).toBe(false);
    expect(questionCue('Nak tanya', 'Nak tanya, sarapan pukul berapa?')).toBe(false);
    expect(questionCue('hi, let me know', 'hi, let me know, is the gym open?')).toBe(false);
    expect(questionCue('let me know the gym hours')).toBe(true);
  });

  it('does not take a remark for a question', () => {
    for (const s of ['We are coming on Friday.', 'Thanks so much', 'Regards, Ahmad', 'Driving up from Penang tomorrow', '我们下周到']) expect(questionCue(s), s).toBe(false);
  });

  it('reads a clause of a sentence closed by a full stop as a remark unless a wh-word or an asking phrase opens it', () => {
    const sentence = 'We are three sisters and will arrive by ferry.';
    expect(questionCue('will arrive by ferry.', sentence)).toBe(false);
    expect(questionCue('will arrive by ferry', 'We are three sisters and will arrive by ferry?')).toBe(true);
    expect(questionCue('what time does the ferry leave.', 'Hello and what time does the ferry leave.')).toBe(true);
    expect(questionCue('pls advise on the ferry.', 'Arriving late, pls advise on the ferry.')).toBe(true);
    expect(questionCue('我们有两个孩子。', '我们有两个孩子。')).toBe(false);
    // A question word after a comma that follows a statement opens a relative clause.
    const story = 'My son is taking me to the opera, which I have wanted to see for years.';
    expect(questionCue('which I have wanted to see for years.', story)).toBe(false);
    expect(questionCue('what time is breakfast.', 'Hi there, what time is breakfast.')).toBe(true);
  });
});

describe('clauses', () => {
  it('cuts a sentence at coordinators, list markers and a colon, but not inside a clock time', () => {
    expect(clauses('Three things: is the pool heated, and do you lend umbrellas?')).toEqual(['Three things', 'is the pool heated', 'do you lend umbrellas?']);
    expect(clauses('can we check out at 13:30')).toEqual(['can we check out at 13:30']);
  });
});

