import { describe, expect, it } from 'vitest';
import { booking, plain, scoreTable, type LeadRow } from '../../../test/support/lead-table.js';

/*
 * KEPT ASIDE. Every fifth row of the second fresh lead table (lead-extraction.fresh2.test.ts has the
 * rest), chosen by position when the table was written, before any tuning, and run only at the end
 * to report how the extractor does on messages nobody tuned it on. Do not change the extractor to fit
 * these rows; report them. The hotel's today is Wednesday 2026-12-09; the hotel is in Malaysia.
 */
const today = '2026-12-09';

const rows: LeadRow[] = [
  booking("Booking pls: xmas eve 1 night, a couple. whatsapp 0112 345 6789 - Ken", {name: "Ken", phone: "+601123456789", email: null, checkIn: "2026-12-24", checkOut: "2026-12-25", guests: 2, intent: "room_booking"}),
  plain("Do kids under 12 stay free? We have 2 kids"),
  plain("is there corkage for 2 bottles of wine brought in?"),
  booking("我们是一家五口，想订12月26号入住两晚。电话 +65 9123 8765，黄太太", {name: "黄", phone: "+6591238765", email: null, checkIn: "2026-12-26", checkOut: "2026-12-28", guests: 5, intent: "room_booking"}),
  booking("hi there im looking to book a room for 2 adults 1 child, 21st to 24th dec. my number 0163334455. thanks, priyanka", {name: "priyanka", phone: "+60163334455", email: null, checkIn: "2026-12-21", checkOut: "2026-12-24", guests: 3, intent: "room_booking"}),
  booking("yo need a room this weekend for 2 guys, hmu 0111 222 3333, Jeremy", {name: "Jeremy", phone: "+601112223333", email: null, checkIn: "2026-12-12", checkOut: "2026-12-13", guests: 2, intent: "room_booking"}),
  booking("Dear reservations, Kindly book one king room from 4 January to 7 January 2027 for one adult. Best regards, James O'Connor, +44 7911 123456", {name: "James O'Connor", phone: "+447911123456", email: null, checkIn: "2027-01-04", checkOut: "2027-01-07", guests: 1, intent: "room_booking"}),
  booking("need a room 2 nights from xmas eve, 2 adults + 1 infant. Regards, Chloe", {name: "Chloe", phone: null, email: null, checkIn: "2026-12-24", checkOut: "2026-12-26", guests: 3, intent: "room_booking"}),
  booking("Hi, a room for a couple on 2 Feb for 3 nights, pls. Sam, sam.w@icloud.com", {name: "Sam", phone: null, email: "sam.w@icloud.com", checkIn: "2027-02-02", checkOut: "2027-02-05", guests: 2, intent: "room_booking"}),
  plain("what time is check out on new year's day?"),
  plain("Do you have rooms with a bathtub for 2 adults?"),
  booking("Christmas lunch for 6 adults and 2 kids on 25 Dec please. Under Fernandez, 012 445 6789", {name: "Fernandez", phone: "+60124456789", email: null, checkIn: "2026-12-25", checkOut: null, guests: 8, intent: "dining"}),
  booking("Room pls, 19 dec 2 nights, me and 2 friends. Call me at 03-2145 6789. Jun", {name: "Jun", phone: "+60321456789", email: null, checkIn: "2026-12-19", checkOut: "2026-12-21", guests: 3, intent: "room_booking"}),
  plain("we checked out on 5 dec and left a charger in room 808"),
  booking("Hi, i'd like to book from 30 dec for 4 nights, 2 adults and my 2 teens. Phone: +65 8123 4455. Cheers, Hannah Ng", {name: "Hannah Ng", phone: "+6581234455", email: null, checkIn: "2026-12-30", checkOut: "2027-01-03", guests: 4, intent: "room_booking"}),
  plain("Do you charge for kids under 6 at breakfast?"),
  booking("hi, booking for 3 rooms 20-22 jan, 6 adults. name: goh kah wai, tel: 012-333 9988", {name: "goh kah wai", phone: "+60123339988", email: null, checkIn: "2027-01-20", checkOut: "2027-01-22", guests: 6, intent: "room_booking"}),
  plain("What time do you serve dinner? Is 10pm too late for 2 people?"),
  booking("Hey, me + my gf for 2 nights starting 22nd, any rooms? - Danny", {name: "Danny", phone: null, email: null, checkIn: "2026-12-22", checkOut: "2026-12-24", guests: 2, intent: "room_booking"}),
  plain("Berapa harga bilik untuk 1 malam?"),
  booking("Hi, book for 2 adults 1 kid, 2 nights, starting 2 Jan, instead of my booking on 26 Dec which pls cancel. Thanks Wani 0134445566", {name: "Wani", phone: "+60134445566", email: null, checkIn: "2027-01-02", checkOut: "2027-01-04", guests: 3, intent: "room_booking"}),
  plain("Pukul berapa sarapan pagi esok?"),
  booking("Can you book a table for 2 at 8pm this friday? It's our anniversary. Gavin Tan 0127778899", {name: "Gavin Tan", phone: "+60127778899", email: null, checkIn: "2026-12-11", checkOut: null, guests: 2, intent: "dining"}),
  plain("what is the age limit for the 18+ rooftop bar?"),
  booking("any rooms next weekend? 2 adults. Jess Tan 012 343 4565", {name: "Jess Tan", phone: "+60123434565", email: null, checkIn: "2026-12-19", checkOut: "2026-12-20", guests: 2, intent: "room_booking"}),
];

/*
 * Run once, after the tuning on the rest of the table: 14 of 15 booking inquiries exact (0.93), and 1 of 10
 * plain questions given details. Left: a name after a phone number that a Malaysian landline ends
 * ("03-2145 6789. Jun": Jun is read as June) with "me and 2 friends" counted as 2, and "Is 10pm too late for 2
 * people?" read as a dinner booking. The floor holds what it reached; raise it when the extractor improves.
 */
describe('the kept-aside fifth of the second fresh lead table', () => {
  it('keeps at least 14 of 15 booking inquiries exact and invents details for at most 1 plain question', () => {
    const score = scoreTable(rows, today);
    expect(score.bookings + score.plain).toBe(rows.length);
    expect({ exact: score.exact >= 14, invented: score.invented <= 1, bookings: score.bookings }).toEqual({ exact: true, invented: true, bookings: 15 });
  });
});
