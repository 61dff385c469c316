import { describe, expect, it } from 'vitest';
import { booking, plain, scoreTable, type LeadRow } from '../../../test/support/lead-table.js';

/*
 * KEPT ASIDE. Every fifth row of the third fresh lead table (lead-extraction.fresh3.test.ts has the
 * rest), chosen by position when the table was written, before any tuning, and run only at the end
 * to report how the extractor does on messages nobody tuned it on. Do not change the extractor to fit
 * these rows; report them. The hotel's today is Wednesday 2026-12-09; the hotel is in Malaysia.
 */
const today = '2026-12-09';

const rows: LeadRow[] = [
  booking("could you book the private dining room for 14 on Saturday night? my dad's 70th. Thanks, Albert Chong", {name: "Albert Chong", phone: null, email: null, checkIn: "2026-12-12", checkOut: null, guests: 14, intent: "dining"}),
  booking("table for 2 tomorrow 8pm please, i'm proposing to my gf so somewhere quiet 🙏 - Marcus", {name: "Marcus", phone: null, email: null, checkIn: "2026-12-10", checkOut: null, guests: 2, intent: "dining"}),
  plain("how early should we book for chinese new year? is it usually full?"),
  plain("my son turns 7 on saturday, is there a kids menu at the cafe?"),
  plain("kami 8 orang datang untuk kenduri kahwin sepupu, ada surau dekat hotel?"),
  booking("Saya nak tempah dewan untuk majlis tahlil 15 Januari, lebih kurang 50 orang. Encik Hafiz 012-990 8877", {name: "Hafiz", phone: "+60129908877", email: null, checkIn: "2027-01-15", checkOut: "2027-01-15", guests: 50, intent: "event"}),
  booking("private dinner on the beach for 2 on 20 dec around 7pm, I'm proposing! can you set it up? Adam +60 11-2233 4455", {name: "Adam", phone: "+601122334455", email: null, checkIn: "2026-12-20", checkOut: null, guests: 2, intent: "dining"}),
  plain("does the pool have a lifeguard? my 3 kids can't swim well lol"),
  plain("we have a 5pm flight on the 2nd, can we leave our bags after checkout?"),
  booking("bilik utk 3 org malam ni boleh? nak stay 1 malam je. Izwan 0112 998 7766", {name: "Izwan", phone: "+601129987766", email: null, checkIn: "2026-12-09", checkOut: "2026-12-10", guests: 3, intent: "room_booking"}),
  plain("how do I book the airport transfer, through whatsapp or at reception?"),
  plain("would 3 grown-ups be allowed in one room on boxing day?"),
  booking("hi could you hold a twin room for 2 from sat for 2 nights? we're driving up for a wedding. Amanda 012-555 7788", {name: "Amanda", phone: "+60125557788", email: null, checkIn: "2026-12-12", checkOut: "2026-12-14", guests: 2, intent: "room_booking"}),
  plain("Hi! For our wedding anniversary can the room be upgraded? we booked 2 nights already"),
  plain("Is there an extra charge for a 4th person in the family room on christmas?"),
  booking("Hello, we want to reserve the ballroom for our wedding dinner on 13 Mar 2027, approx 300 guests. Regards, Sofia Rahman, sofia.rahman@gmail.com", {name: "Sofia Rahman", phone: null, email: "sofia.rahman@gmail.com", checkIn: "2027-03-13", checkOut: "2027-03-13", guests: 300, intent: "event"}),
  plain("do we need to reserve beach loungers or is it first come first served? 4 of us on friday"),
  plain("when should I book if I want the sea view room for christmas week?"),
  booking("Dear team, please arrange a farewell party in a function room on 18 December for 25 colleagues. Regards, Priscilla Wong, 012-345 6780", {name: "Priscilla Wong", phone: "+60123456780", email: null, checkIn: "2026-12-18", checkOut: "2026-12-18", guests: 25, intent: "event"}),
  plain("can my 2 kids join the cooking class on saturday or is it adults only?"),
  plain("how late can we stay at the pool on new year's eve? we're 6"),
  booking("hi, pls reserve a family room, 2 adults 2 kids, 3 nights from 19 Dec, for our school holiday trip. Jenny Koh jennykoh@yahoo.com", {name: "Jenny Koh", phone: null, email: "jennykoh@yahoo.com", checkIn: "2026-12-19", checkOut: "2026-12-22", guests: 4, intent: "room_booking"}),
];

/*
 * Run once, after the tuning on the rest of the table: 8 of 9 requests exact and 0 of 13 plain questions given
 * details (the extractor before the intent work, run on these rows only to report: 8 of 9 exact, 3 of 13 given
 * details). Left: "private dinner on the beach for 2 on 20 dec around 7pm, I'm proposing! can you set it up?"
 * is read as no request at all. The floor holds what it reached; raise it when the extractor improves.
 */
describe('the kept-aside fifth of the third fresh lead table', () => {
  it('keeps at least 8 of 9 requests exact and invents details for none of the 13 plain questions', () => {
    const score = scoreTable(rows, today);
    expect(score.bookings + score.plain).toBe(rows.length);
    expect({ bookings: score.bookings, exact: score.exact >= 8, invented: score.invented }).toEqual({ bookings: 9, exact: true, invented: 0 });
  });
});
