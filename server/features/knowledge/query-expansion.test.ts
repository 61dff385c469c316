import { describe, expect, it } from 'vitest';
import { analyzeQuery, contentWords, malayRoot } from './query-expansion.js';
import { toIndexText } from './search-text.js';

const labels = (q: string) => analyzeQuery(q).map((g) => g.label);
const terms = (q: string) => analyzeQuery(q).flatMap((g) => g.terms);

describe('hotel query expansion', () => {
  it('maps guest wording onto the words a knowledge base uses', () => {
    expect(terms('Where is the car park?')).toEqual(expect.arrayContaining(['parking', 'car park']));
    expect(terms('When is arrival?')).toEqual(expect.arrayContaining(['check in', 'arrival']));
    expect(terms('is there internet')).toEqual(expect.arrayContaining(['wifi', 'internet']));
    expect(terms('what time is the morning meal')).toEqual(expect.arrayContaining(['breakfast']));
    // a plural -ing noun is the concept its -ing form is ("openings": when it opens)
    expect(labels('spa openings?')).toEqual(['spa', 'time']);
  });

  it('understands Malay and Chinese hotel words', () => {
    expect(labels('Pukul berapa sarapan?')).toEqual(['time', 'breakfast']);
    expect(labels('Ada tempat letak kereta?')).toEqual(['parking']);
    expect(labels('酒店有停车场吗？')).toEqual(['parking']);
    expect(labels('几点可以入住？')).toEqual(['time', 'check-in']);
  });

  it('drops filler words and keeps unknown content words as their own groups', () => {
    expect(labels('Hi, could you please tell me if there is a helipad?')).toEqual(['helipad']);
    expect(labels('hello, thanks!')).toEqual([]);
  });

  it('cuts Chinese into dictionary words, the way the index stores them', () => {
    expect(labels('请问有按摩浴缸吗')).toContain('浴缸');
    expect(toIndexText('按摩浴缸 spa')).toBe(' 按摩 浴缸  spa');
    expect(labels('你好，我想问一下游泳池几点开门，谢谢')).toEqual(['pool', 'time', '开门']);
  });

  it('leaves greetings, sign-offs and contact details out of a chatty message', () => {
    expect(labels('Good evening! Is there a helipad? Thanks in advance, best regards, Tom +60 12-345 6789 tom@mail.com')).toEqual(['helipad', 'tom']);
    expect(contentWords('Hi, any hiking trails?? email me: jo@example.com')).toEqual(['hiking', 'trails']);
    expect(labels('helipad? see https://example.com/heli-photos')).toEqual(['helipad']);
  });

  it('marks words written as names inside a sentence, unless the guest capitalises everything', () => {
    const names = (q: string) => analyzeQuery(q).filter((g) => g.name).map((g) => g.label);
    expect(names('We fly in from Perth with our parrot Kiwi. Is a bird allowed? Cheers, Dana')).toEqual(['perth', 'kiwi', 'dana']);
    // The first word of a sentence is capitalised anyway; a title-cased message names nothing.
    expect(names('Sauna. Is it open late?')).toEqual([]);
    expect(names('Is There A Sauna Near The Lobby')).toEqual([]);
    // A capital inside a word marks a product's name, whether or not the word starts a sentence.
    const products = (q: string) => analyzeQuery(q).filter((g) => g.product).map((g) => g.label);
    expect(products('Do you take GrabPay or an eWallet? PayPal maybe')).toEqual(['grabpay', 'ewallet', 'paypal']);
    expect(products('Is there a Sauna near the lobby?')).toEqual([]);
  });

  it('drops English and Malay conjunctions, which carry no topic', () => {
    expect(labels('but because of the rain, is the gym open')).toEqual(['rain', 'gym', 'time']);
    expect(labels('kalau hujan, kolam renang tetap buka sekarang?')).toEqual(['hujan', 'pool', 'tetap', 'time']);
  });

  it('drops pronouns and negated auxiliaries, typed with or without the apostrophe', () => {
    expect(labels("my father can't climb stairs, is there a lift for him? don't want to tire himself")).toEqual(['father', 'climb', 'stairs', 'accessibility', 'tire']);
    // nor does a hedge ("some kind of", "sort of")
    expect(labels('is there some kind of shuttle, sort of a bus?')).toEqual(['transfer', 'transit']);
    expect(labels('cant find the towels, doesnt matter, are they in her cupboard')).toEqual(['towels', 'matter', 'cupboard']);
  });

  it('reads the currency by name as a question of price', () => {
    expect(labels('parking berapa ringgit sehari')).toEqual(['parking', 'price', 'sehari']);
  });

  it("reads Malay words by their root, and a hotel's own synonyms as one concept", () => {
    expect(['dihidangkan', 'merokok', 'pembatalan', 'bayarnya', 'menginap'].map(malayRoot)).toEqual(['hidang', 'rokok', 'batal', 'bayar', 'inap']);
    expect(labels('Boleh saya merokok di dalam bilik?')).toEqual(['smoking', 'room']);
    const own = analyzeQuery('is the jetty far', [{ id: 's1', words: ['jetty', 'ferry terminal'] }]);
    expect(own[0]!.terms).toEqual(['jetty', 'ferry terminal']);
    // A hotel synonym of a glossary word brings the glossary's words along.
    expect(analyzeQuery('carpark?', [{ id: 's2', words: ['parking lot', 'carpark'] }])[0]!.terms).toEqual(expect.arrayContaining(['parking lot', 'parking', 'garage']));
    expect(analyzeQuery('is harbour view open', [], new Set(['harbour', 'view'])).map((g) => [g.label, g.weak ?? false])).toEqual([
      ['harbour', true],
      ['view', true],
      ['time', false],
    ]);
  });

  it('reads a day of the week as when, not what, and room service apart from the restaurant', () => {
    const weak = (q: string) => analyzeQuery(q).map((g) => [g.label, g.weak ?? false]);
    expect(weak('Is the gym open on Sunday?')).toEqual([
      ['gym', false],
      ['time', false],
      ['sunday', true],
    ]);
    expect(weak('Kolam renang buka hari Sabtu?')).toContainEqual(['sabtu', true]);
    expect(weak('周六早餐几点')).toContainEqual(['周六', true]);
    expect(labels('can I get room service after midnight')).toEqual(['room service', 'time']);
    expect(labels('what time does the restaurant close')).toEqual(['time', 'dining']);
    // "till" and the Malay "sampai" say until: a time asked for, not a topic the hotel lacks.
    expect(labels('gym open till?')).toEqual(['gym', 'time']);
    expect(labels('gim buka sampai bila')).toEqual(['gym', 'time']);
    expect(labels('is the gym open all night')).toEqual(['gym', 'time']);
  });

  it('reads how long as a duration, which minutes, hours and months say, and how far as a distance', () => {
    expect(labels('how long is the ride')).toEqual(['duration', 'ride']);
    expect(labels('how far is the beach')).toEqual(['distance', 'beach']);
    expect(labels('berapa lama perjalanan')).toContain('duration');
  });

  it('reads paying extra as a price, and an extra bed as the bed', () => {
    expect(labels('is wifi free or do we pay extra')).toEqual(['wifi', 'free', 'price']);
    expect(labels('can we get an extra bed')).toEqual(['extra bed']);
  });

  it('reads a car to or from a place as a ride, and a car alone as parking', () => {
    expect(labels('how much is a car to the airport')).toEqual(['price', 'transfer', 'airport']);
    expect(labels('where do I leave my car')).toEqual(['parking']);
  });

  it('reads "charge my phone" as charging a battery, and "a charge" or "charge for" as a price', () => {
    expect(labels('where can I charge my phone')).toEqual(['charging', 'phone']);
    expect(labels('can we charge the car overnight')).toContain('charging');
    expect(labels('is there a charge for parking')).toEqual(['price', 'parking']);
    expect(labels('do you charge for towels')).toEqual(['price', 'towels']);
  });

  it('marks the thing a guest asks the hotel to have or do, by the head of what follows the frame', () => {
    const focus = (q: string) => analyzeQuery(q).filter((g) => g.focus).map((g) => g.label);
    expect(focus('Is there a tennis court we could book?')).toEqual(['court']);
    expect(focus('do u guys have a microwave or a toaster in the kitchenette')).toEqual(['microwave', 'toaster']);
    expect(focus('Can you arrange flowers in the room?')).toEqual(['flowers']);
    // Glossary words keep their concept: "shuttle" is a transfer.
    expect(focus('is there a free shuttle to the night market')).toEqual(['transfer']);
    // An adjective after the noun, a preposition or a time ends the thing asked for.
    expect(focus('Do you have rooms suitable for a wheelchair user?')).toEqual(['room']);
    // Malay puts the head first and mixes in English: every word of the phrase counts.
    expect(focus('Ada kedai runcit berdekatan tak?')).toEqual(['kedai', 'runcit']);
    expect(focus('有没有屋顶酒吧？')).toEqual(['酒吧']);
    expect(focus('你们有洗衣机吗？')).toEqual(['laundry']);
    // What a price is asked for: "how much is a bottle of wine?" asks about the bottle, not about prices.
    expect(focus('how much is a bottle of wine')).toEqual(['bottle']);
    expect(focus('How much does it cost for the sunset cruise?')).toEqual(['cruise']);
    // A yes-or-no question about a property: the property, unless it is an aspect given as a value.
    expect(focus('Is the jacuzzi heated?')).toEqual(['heated']);
    expect(focus('are your walls soundproof')).toEqual(['soundproof']);
    expect(focus('Is the parking free?')).toEqual([]);
    expect(focus('Is the sauna open?')).toEqual([]);
    // Nothing definite after the frame, or no frame at all: no focus.
    expect(focus('Is there anything fun for teenagers?')).toEqual([]);
    expect(focus('Any chance of a late checkout?')).toEqual([]);
    expect(focus('What time does the pool close?')).toEqual([]);
    expect(focus('We have two kids, do they eat free?')).toEqual([]);
    // Two questions searched together: the item that answers the other one must not lose by it.
    expect(focus('Is there a TV in the suite? And how much is it a night?')).toEqual([]);
  });
});
