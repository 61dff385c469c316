import { describe, expect, it } from 'vitest';
import { answerSentences, askedValues, sentencesOf, supportSentence } from './extractive.js';

const CHECK_IN =
  'Check-in starts at 3:00 pm and check-out is by 12:00 noon. Early check-in from 11:00 am is free when your room is ready; a guaranteed early check-in costs RM 60. Late check-out until 4:00 pm costs RM 80, subject to availability. Please show your passport or MyKad at arrival.';
const PARKING =
  'Hotel guests park free of charge in our covered car park on basement levels B1 and B2, one car per room. Valet parking runs from 7 am to 11 pm for RM 20 per day. The height limit is 2.1 m. Two electric-vehicle charging bays are available at RM 1.20 per kWh.';

describe('answerSentences', () => {
  it('answers with the sentences that hold what was asked, not the whole item', () => {
    const late = answerSentences(['how much is late check out'], CHECK_IN);
    expect(late).toContain('RM 80');
    expect(late).not.toContain('passport');
    const valet = answerSentences(['what time does valet parking run'], PARKING);
    expect(valet).toContain('7 am to 11 pm');
    expect(valet.length).toBeLessThan(PARKING.length);
  });

  it('prefers the sentence with the kind of value asked for (a time, a price)', () => {
    expect(answerSentences(['check in time?'], CHECK_IN)).toContain('3:00 pm');
    expect(answerSentences(['charging price for my EV'], PARKING)).toContain('RM 1.20 per kWh');
  });

  it('falls back to the item’s first sentence when the question shares no words with it (another language)', () => {
    expect(answerSentences(['几点可以入住'], CHECK_IN)).toContain('Check-in starts at 3:00 pm');
  });

  it('keeps the item’s own order and a short item whole', () => {
    expect(answerSentences(['pets?'], 'Pets are not allowed.')).toBe('Pets are not allowed.');
    const both = answerSentences(['early check in and late check out prices'], CHECK_IN);
    expect(both.indexOf('RM 60')).toBeLessThan(both.indexOf('RM 80'));
  });
});

describe('askedValues', () => {
  it('reads what kinds of value a question wants', () => {
    expect(askedValues('How much is breakfast?')).toEqual(['price']);
    expect(askedValues('berapa harga parking')).toEqual(['price']);
    expect(askedValues('Gim buka pukul berapa?')).toEqual(['time']);
    expect(askedValues('what time does the pool open')).toEqual(['time']);
    expect(askedValues('早餐几点')).toEqual(['time']);
    expect(askedValues('frm airport how long n hw much')).toEqual(['price', 'distance']);
    expect(askedValues('can I bring my dog')).toEqual([]);
    // Malay "berapa" alone asks how much; with a word of time or count it does not.
    expect(askedValues('berapa tiket feri ke pulau')).toEqual(['price']);
    expect(askedValues('berapa lama ke pulau')).toEqual(['distance']);
    expect(askedValues('pukul berapa feri')).toEqual(['time']);
    expect(askedValues('is there a pharmacy nearby')).toEqual(['distance']);
    // A question that names a time asks what happens at that time.
    expect(askedValues('can we still swim at 9.30pm')).toEqual(['time']);
  });
});

describe('answerSentences with the words guests use', () => {
  const WIFI = 'Wi-Fi is free in every room at up to 30 Mbps. The network is Serai-Guest and the password is sunset2026. Ask the desk for a faster line.';
  it('matches a misspelt word and a word from another language to the sentence that holds the answer', () => {
    expect(answerSentences(['wifi pasword pls'], WIFI)).toContain('sunset2026');
    expect(answerSentences(['apakah kata laluan wifi'], WIFI)).toContain('sunset2026');
  });
  it('answers both values when a question asks how long and how much', () => {
    const transfer = 'The airport is 15 minutes away. A one-way transfer costs RM 60 by car. Book a day ahead.';
    const answer = answerSentences(['frm airport how long n hw much'], transfer);
    expect(answer).toContain('15 minutes');
    expect(answer).toContain('RM 60');
  });
});

describe('sentencesOf', () => {
  it('splits paragraphs and bullet lists into sentences', () => {
    expect(sentencesOf('- Pool: 7am to 9pm.\n- Gym: 24 hours. Bring your key card.')).toEqual(['Pool: 7am to 9pm.', 'Gym: 24 hours.', 'Bring your key card.']);
  });
});

describe('answerSentences reads the remark before the question', () => {
  const SPA =
    'The spa opens daily from 10:00 am. Treatments start at RM 150 for 60 minutes. Last bookings are taken at 9:00 pm and the spa closes at 10:00 pm. Couples rooms must be booked a day ahead.';
  it('answers a question about a time the guest named with the rule about that time', () => {
    expect(answerSentences(['can we still get a massage?'], SPA, 'Spa', ['we only get back at 9.30pm'])).toContain('closes at 10:00 pm');
    expect(answerSentences(['can we still get a massage?'], SPA, 'Spa')).not.toContain('closes at 10:00 pm');
  });
});

describe('supportSentence', () => {
  const BREAKFAST = 'Breakfast is served from 6:30 am to 10:30 am. It costs RM 65 per adult.';
  const HALAL = 'Our kitchen is halal certified by JAKIM. Vegetarian dishes are marked on the menu.';
  const RATES = 'Rates include breakfast. The Garden Suite costs RM 480 per night. Rates exclude service tax.';
  it('completes an answer with the sentence of another item that holds what it left out', () => {
    expect(supportSentence(['Is breakfast halal?'], BREAKFAST, HALAL, 'Halal and dietary requests', 'Breakfast')).toContain('JAKIM');
    expect(supportSentence(['how much is the garden suite a night?'], 'The Garden Suite has a king bed and no TV.', RATES, 'Room rates', 'Suites')).toContain('RM 480');
  });
  it('adds nothing when the answer already says what was asked, or the other item does not', () => {
    expect(supportSentence(['what time is breakfast?'], BREAKFAST, HALAL, 'Halal and dietary requests', 'Breakfast')).toBeNull();
    expect(supportSentence(['is breakfast halal?'], BREAKFAST, 'Parking costs RM 20 per night.', 'Parking', 'Breakfast')).toBeNull();
  });
});

