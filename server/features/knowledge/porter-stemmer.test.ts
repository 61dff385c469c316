import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { HARBOUR, HILL, QUESTIONS } from '../../../test/fixtures/knowledge/hotels.js';
import { HOTEL_GLOSSARY } from './query-expansion.js';
import { porterStem } from './porter-stemmer.js';
import { indexTokens } from './search-text.js';

describe('porterStem', () => {
  it('stems exactly as SQLite FTS5 porter tokenizer does', () => {
    const words = new Set<string>();
    const add = (t: string) => t.toLowerCase().match(/[a-z0-9]+/g)?.forEach((w) => words.add(w));
    for (const i of [...HARBOUR.items, ...HILL.items]) add(`${i.title} ${i.content}`);
    for (const q of QUESTIONS) add(q.q);
    Object.values(HOTEL_GLOSSARY).flat().forEach(add);
    add(
      'caresses ponies ties caress cats feed agreed plastered bled motoring sing conflated troubled sized hopping tanned falling hissing fizzed failing ' +
        'filing happy sky relational conditional rational valenci hesitanci digitizer conformabli radicalli differentli vileli analogousli vietnamization ' +
        'predication operator feudalism decisiveness hopefulness callousness formaliti sensitiviti sensibiliti triplicate formative formalize electriciti ' +
        'electrical hopeful goodness revival allowance inference airliner gyroscopic adjustable defensible irritant replacement adjustment dependent adoption ' +
        'homologou communism activate angulariti homologous effective bowdlerize probate rate cease controll roll generalizations oscillators archaeology',
    );
    const list = [...words];
    const db = new Database(':memory:');
    db.exec("create virtual table f using fts5 (b, tokenize = 'porter unicode61 remove_diacritics 2'); create virtual table v using fts5vocab (f, 'instance');");
    const insert = db.prepare('insert into f (rowid, b) values (?, ?)');
    list.forEach((w, i) => insert.run(i + 1, w));
    const rows = db.prepare('select term, doc from v').all() as { term: string; doc: number }[];
    expect(rows.length).toBe(list.length);
    const mismatches = rows.filter((r) => porterStem(list[r.doc - 1]!) !== r.term).map((r) => `${list[r.doc - 1]} -> ${r.term}`);
    expect(mismatches).toEqual([]);
    db.close();
  });

  it('tokenizes like the index: accents folded, Chinese as dictionary words, long words with their bigrams', () => {
    expect(indexTokens('Café Breakfasts, 早餐时间')).toEqual(['cafe', 'breakfast', '早餐', '时间']);
    expect(indexTokens('游泳池')).toEqual(['游泳池', '游泳', '泳池']);
  });
});
