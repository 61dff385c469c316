import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { emailsIn, findEmail, MAX_GUEST_CHARS } from '../../shared/guest-text.js';
import { contactGiven, contactsIn, detectLanguage, extractLead } from './lead-extraction.js';
import { spelledWord, tokenize } from './lead-tokens.js';

const today = '2026-11-21'; // a Saturday, in the hotel's own time zone
const lead = (text: string, more: Partial<Parameters<typeof extractLead>[1]> = {}) => extractLead(text, { today, ...more });
const NOTHING_INVENTED = { checkIn: null, checkOut: null, guests: null, roomType: null, intent: 'other' };

describe('a plain question is not a booking', () => {
  it.each([
    'is the pool open at 8pm',
    'Is the pool open at 8pm?',
    'can I check in early on Sunday',
    'what time is breakfast',
    'how much is parking per night',
    'What time is check-out?',
    'Where can I park my car?',
    'Is breakfast included for 2 adults?',
    'What time does the restaurant open for dinner on Sunday?',
    'Do you allow pets? We have 2 dogs',
    'is the gym open 24 hours',
    'can i get a taxi tomorrow at 6am',
    'good evening, me and my wife driving up from Penang tomorrow, got somewhere safe to leave the car overnight? do we pay for it',
    'How much is the deluxe room per night?',
    'Is a baby cot available in the room?',
    'Do you have a conference room?',
    'Can I book a spa massage for 2 tomorrow?',
    'My booking HV-2291, can I get a late checkout?',
    'My booking is for 24 Dec, can I bring a dog?',
    'We checked in yesterday, room 1203, the aircond is broken since 10.30pm',
    'is there a shuttle to KLCC every 30 minutes? how much, RM 15?',
    'Pukul berapa sarapan? Kolam renang buka sampai jam 8 malam?',
    '请问早餐几点？',
    '停车场一晚多少钱？',
    'Thanks, see you soon',
    'Can 3 adults stay in a deluxe room?',
    'Is there parking available on 24 Dec?',
    'Will the spa be open on Christmas day?',
    'can i extend my stay by one more night? room 512',
    'book airport transfer for 2 on 24 Dec',
    'Is the room service menu available 24 hours?',
    'what is 1.5 km from the hotel? the 2nd floor gym?',
    'how much is the room for 2 adults?',
    'How much is breakfast per person for 2 nights?',
    'I booked through booking.com for 24 Dec, can I check in early?',
    'Is the restaurant open for lunch on Christmas day?',
    'my flight lands at 11pm on the 24th, is the front desk open?',
    'I booked 2 rooms under Tan for 24 Dec, can we get adjoining rooms?',
    'do u have baby cot? arriving next fri',
    'Boleh check in awal pukul 11 pagi esok?',
    '明天早上几点有早餐？',
    // A booking they may make later, and an event they go to, are not requests.
    'Before we book: is the pool heated? My husband and I like to swim at night.',
    'If I book, can my two kids share our bed?',
    'We are attending a conference in KL on 12 Dec, is there a shuttle to the convention centre?',
    'Coming for a wedding on 12 Dec, can you arrange a taxi from the airport? how much?',
  ])('%s', (text) => {
    expect(lead(text)).toMatchObject(NOTHING_INVENTED);
  });

  it('reads "booking" and "king" as the words they are', () => {
    const x = lead('My booking HV-2291: is the king bed room non-smoking?');
    expect(x.roomType).toBeNull();
    expect(x.intent).toBe('other');
    expect(lead('Can I book a King room for 26-28 Dec?').roomType).toBe('king');
    expect(lead('I want to book a room, looking at 26-28 Dec').roomType).toBeNull();
  });
});

describe('booking inquiries become exact leads', () => {
  it.each<[string, Record<string, unknown>]>([
    [
      'Hi, do you have a family room from 24 to 27 December for 2 adults and 2 kids? My name is Sarah Tan, +60 12-345 6789',
      { checkIn: '2026-12-24', checkOut: '2026-12-27', guests: 4, roomType: 'family', intent: 'room_booking', name: 'Sarah Tan', phone: '+60123456789' },
    ],
    ['Looking to stay next Friday for 2 nights, email me at j.lee@example.com', { checkIn: '2026-11-27', checkOut: '2026-11-29', email: 'j.lee@example.com', intent: 'room_booking' }],
    ['Hi, 26-28 Dec, 2 adults + 2 kids, deluxe room pls. Thanks,\nSarah Lim', { checkIn: '2026-12-26', checkOut: '2026-12-28', guests: 4, roomType: 'deluxe', name: 'Sarah Lim', intent: 'room_booking' }],
    ['Any rooms Sat to Sun for 2? Regards, Ahmad', { checkIn: '2026-11-21', checkOut: '2026-11-22', guests: 2, name: 'Ahmad', intent: 'room_booking' }],
    ['Any rooms this Saturday to Sunday? we are 3', { checkIn: '2026-11-21', checkOut: '2026-11-22', guests: 3, intent: 'room_booking' }],
    ['3 nights from the 18th for a family of 5, do you have a room?', { checkIn: '2026-12-18', checkOut: '2026-12-21', guests: 5, intent: 'room_booking' }],
    ['want to book from 18 Dec for 3 nights, 2 pax', { checkIn: '2026-12-18', checkOut: '2026-12-21', guests: 2, intent: 'room_booking' }],
    ['Need a room Dec 24-26 for me and my wife', { checkIn: '2026-12-24', checkOut: '2026-12-26', guests: 2, intent: 'room_booking' }],
    ['Dec 31 to Jan 2, 2 pax, any room?', { checkIn: '2026-12-31', checkOut: '2027-01-02', guests: 2, intent: 'room_booking' }],
    ['Book 30 Dec - 2 Jan please, 2 adults and a baby', { checkIn: '2026-12-30', checkOut: '2027-01-02', guests: 3, intent: 'room_booking' }],
    ['Do you have a room 24/12 - 27/12 for me and my wife? I\'m Jason Wong', { checkIn: '2026-12-24', checkOut: '2026-12-27', guests: 2, name: 'Jason Wong' }],
    ['tomorrow for 2 nights, 5 pax, book', { checkIn: '2026-11-22', checkOut: '2026-11-24', guests: 5, intent: 'room_booking' }],
    ['this Friday, any room for 2?', { checkIn: '2026-11-27', checkOut: null, guests: 2, intent: 'room_booking' }],
    ['next weekend room for 2 adults pls', { checkIn: '2026-11-28', checkOut: '2026-11-29', guests: 2, intent: 'room_booking' }],
    ['Any availability 12.12.2026 - 14.12.2026 for 3 ppl? Call me 012-345 6789', { checkIn: '2026-12-12', checkOut: '2026-12-14', guests: 3, phone: '+60123456789', intent: 'room_booking' }],
    ['Reserve a twin room 24-27/12 for 2 adults 1 child', { checkIn: '2026-12-24', checkOut: '2026-12-27', guests: 3, roomType: 'twin' }],
    // a date already past this year rolls forward to the next one
    ['Can I book 3-5 Feb for 2 adults?', { checkIn: '2027-02-03', checkOut: '2027-02-05', guests: 2 }],
    ['Can I book 10 Nov for 2 nights?', { checkIn: '2027-11-10', checkOut: '2027-11-12' }],
    ['Hi this is Mei Ling from ABC Travel, we need 5 rooms for 10 pax 3-5 Feb', { name: 'Mei Ling', guests: 10, checkIn: '2027-02-03', checkOut: '2027-02-05', intent: 'room_booking' }],
    ['Is the family suite ok for 2 adults and 2 kids next Friday for 2 nights?', { checkIn: '2026-11-27', checkOut: '2026-11-29', guests: 4, roomType: 'family suite', intent: 'room_booking' }],
    ['Name: Mr. Kumar Raj\nRoom: deluxe\nDates: 5 Jan to 8 Jan\nGuests: 2 adults', { name: 'Kumar Raj', checkIn: '2027-01-05', checkOut: '2027-01-08', guests: 2, roomType: 'deluxe', intent: 'room_booking' }],
    ['Hi! Looking for a room for 2 on 15th Jan, 2 nights. Thanks, Jenny', { name: 'Jenny', checkIn: '2027-01-15', checkOut: '2027-01-17', guests: 2 }],
    ["Hello, we'd like to book 2 rooms from Dec 20th till Dec 23rd for 4 adults", { checkIn: '2026-12-20', checkOut: '2026-12-23', guests: 4 }],
    ['15th to 17th of January, any room for 2?', { checkIn: '2027-01-15', checkOut: '2027-01-17', guests: 2 }],
    ['checking in 20 Dec, checking out 23 Dec, 2 adults, deluxe', { checkIn: '2026-12-20', checkOut: '2026-12-23', guests: 2, intent: 'room_booking' }],
    ['Do you have any vacancies for Christmas eve? 2 pax', { checkIn: '2026-12-24', guests: 2, intent: 'room_booking' }],
    ['book a room 24.12 - 26.12 for 2', { checkIn: '2026-12-24', checkOut: '2026-12-26', guests: 2 }],
    ['Book Fri 24 Dec - Sun 26 Dec for 2 adults', { checkIn: '2026-12-24', checkOut: '2026-12-26' }],
    ['Book 24 Dec (Fri) to 26 Dec (Sun), 2 pax', { checkIn: '2026-12-24', checkOut: '2026-12-26' }],
    ['How much for 2 nights 24-26 Dec?', { checkIn: '2026-12-24', checkOut: '2026-12-26', intent: 'room_booking' }],
    ['book a room for me, my wife and 2 kids on 24 Dec for 2 nights. Also dinner on the 25th?', { checkIn: '2026-12-24', checkOut: '2026-12-26', guests: 4 }],
    ['Jenny here, do you have a room tomorrow for 2?', { name: 'Jenny', checkIn: '2026-11-22', guests: 2 }],
    ["What's the rate for the deluxe room this weekend?", { checkIn: '2026-11-21', checkOut: '2026-11-22', roomType: 'deluxe', intent: 'room_booking' }],
    ['Room for a couple, 24-26 Dec', { guests: 2, intent: 'room_booking' }],
    ['just me, need a room tonight', { guests: 1, checkIn: '2026-11-21' }],
    ['Check-in: 24 Dec\nCheck-out: 27 Dec\nGuests: 2\nName: Lim Ah Kow', { name: 'Lim Ah Kow', checkIn: '2026-12-24', checkOut: '2026-12-27', guests: 2, intent: 'room_booking' }],
    ['book a room 24 Dec for 2 nights, is reception open 24/7?', { checkIn: '2026-12-24', checkOut: '2026-12-26' }],
    ['2D1N package for 2 adults from 24 Dec, available?', { checkIn: '2026-12-24', checkOut: '2026-12-25', guests: 2 }],
  ])('%s', (text, expected) => {
    expect(lead(text)).toMatchObject(expected);
  });

  it('never gives a check-out before the check-in', () => {
    const x = lead('Book a room on 24 Dec, check out 20 Dec');
    expect(x.checkIn).toBe('2026-12-24');
    expect(x.checkOut).toBeNull();
  });
});

describe('booking inquiries written the way guests write them, end to end', () => {
  it.each<[string, Record<string, unknown>]>([
    ['Hi there! Could I reserve a superior room for the nights of 12 and 13 December? 2 adults. Cheers, Tom Baker', { intent: 'room_booking', checkIn: '2026-12-12', checkOut: '2026-12-14', guests: 2, name: 'Tom Baker' }],
    ['hello i want book room 2 night start 5/1 for 3 ppl. my no 0167778899', { intent: 'room_booking', checkIn: '2027-01-05', checkOut: '2027-01-07', guests: 3, phone: '+60167778899' }],
    ['Good morning, requesting a quotation for a seminar on 14 January, about 60 pax, full day. Regards, Nor Azlina (HR Executive)', { intent: 'event', checkIn: '2027-01-14', checkOut: '2027-01-14', guests: 60, name: 'Nor Azlina' }],
    ['Can I get a table for 3 at the restaurant this Sunday 12pm? under Lee', { intent: 'dining', checkIn: '2026-11-22', guests: 3 }],
    ['Assalamualaikum, saya nak buat tempahan bilik untuk 2 malam bermula 12 Disember, 2 dewasa 3 kanak-kanak. Terima kasih. Siti Khadijah 019-2345678', { intent: 'room_booking', checkIn: '2026-12-12', checkOut: '2026-12-14', guests: 5, name: 'Siti Khadijah', phone: '+60192345678' }],
    ['您好，我想预订一间家庭房，12月30日入住，1月2日退房，两个大人两个小孩。我的邮箱是 wang.li@example.cn', { intent: 'room_booking', checkIn: '2026-12-30', checkOut: '2027-01-02', guests: 4, email: 'wang.li@example.cn' }],
    ['We would like to host our wedding reception at your hotel on 20 June 2027 for approx 300 guests. Please send packages. Thank you, Daniel & Mei', { intent: 'event', checkIn: '2027-06-20', guests: 300 }],
    ['wedding on 12 and 13 December for 200', { intent: 'event', checkIn: '2026-12-12', checkOut: '2026-12-13', guests: 200 }],
    ['Pls book 1 deluxe king 2N from 28th Dec, 2 adults. Contact: Raj 012 888 7766', { intent: 'room_booking', checkIn: '2026-12-28', checkOut: '2026-12-30', guests: 2, phone: '+60128887766', name: 'Raj' }],
    ["I'd like to book dinner for 2 on Christmas Eve at 8pm. My name is Olivia.", { intent: 'dining', checkIn: '2026-12-24', checkOut: null, guests: 2, name: 'Olivia' }],
    ['Is there availability for 3 rooms from Jan 10 to Jan 12? We are 6 adults', { intent: 'room_booking', checkIn: '2027-01-10', checkOut: '2027-01-12', guests: 6 }],
    ['hi can i book for this sat 1 night? 2 adult 1 baby. thx - aisyah', { intent: 'room_booking', checkIn: '2026-11-21', checkOut: '2026-11-22', guests: 3 }],
    ['Dear Sir/Madam, we plan to stay 4 nights from 2 February, family of four. Kindly advise rates. Best regards, Mr. & Mrs. Henderson', { intent: 'room_booking', checkIn: '2027-02-02', checkOut: '2027-02-06', guests: 4 }],
    ['Team dinner for 25 staff on 18 Dec, need a private room. - Kevin, kevin@acme.com.my', { intent: 'event', checkIn: '2026-12-18', guests: 25, name: 'Kevin', email: 'kevin@acme.com.my' }],
    ['Dear Reservations Team,\n\nI would like to enquire about availability for a Deluxe Room from 3rd to 6th January 2027 for two adults.\n\nKind regards,\nJonathan Pereira\n+44 7911 123456', { intent: 'room_booking', checkIn: '2027-01-03', checkOut: '2027-01-06', guests: 2, name: 'Jonathan Pereira', phone: '+447911123456' }],
    ['hai, bilik utk 2 org dewasa + 1 baby, 31/12 - 1/1, ada?', { intent: 'room_booking', checkIn: '2026-12-31', checkOut: '2027-01-01', guests: 3 }],
    ['hi i wan to book 1 room this fri til sun, 2 ppl. tq', { intent: 'room_booking', checkIn: '2026-11-27', checkOut: '2026-11-29', guests: 2 }],
    ['Good day. Kindly reserve 2 twin rooms, arrival 14/02, departure 16/02, 4 persons. Name: Mdm Lee Siew Ling. Tel: 012-9876543', { intent: 'room_booking', checkIn: '2027-02-14', checkOut: '2027-02-16', guests: 4, name: 'Lee Siew Ling', phone: '+60129876543' }],
    ['Need room for 3 nights starting 8 March. 2 adults 2 children (5 & 8 years old). Email: r.kumar@mail.com', { intent: 'room_booking', checkIn: '2027-03-08', checkOut: '2027-03-11', guests: 4, email: 'r.kumar@mail.com' }],
    ['我想订房，2027年1月5日入住，住3晚，2个大人。我叫黄丽华，电话 +60 16-222 3344', { intent: 'room_booking', checkIn: '2027-01-05', checkOut: '2027-01-08', guests: 2, name: '黄丽华', phone: '+60162223344' }],
    ['Hey! Any chance of a room tmrw night? Just me 😊 - Alex', { intent: 'room_booking', checkIn: '2026-11-22', guests: 1, name: 'Alex' }],
    ['Can you book us a table for 2 at the rooftop restaurant on Sat 28 Nov, 7.30pm? Thanks! Mei', { intent: 'dining', checkIn: '2026-11-28', checkOut: null, guests: 2, name: 'Mei' }],
    ['We are organising a company retreat 12-14 Feb for 35 people, need rooms + meeting room. Pls send quote. Thanks, Farid (Acme Sdn Bhd)', { intent: 'event', checkIn: '2027-02-12', checkOut: '2027-02-14', guests: 35, name: 'Farid' }],
    ['I am Aisha. Looking for a family room next Friday to Sunday, 2 adults 3 kids', { intent: 'room_booking', checkIn: '2026-11-27', checkOut: '2026-11-29', guests: 5, name: 'Aisha' }],
    ['book a room for 2, 3 Jan', { checkIn: '2027-01-03', guests: 2 }],
    ['book 24, 25 & 26 Dec', { checkIn: '2026-12-24', checkOut: '2026-12-27' }],
  ])('%s', (text, expected) => {
    expect(lead(text)).toMatchObject(expected);
  });
});

describe('the date forms guests write, against the hotel\'s today (Saturday 21 November 2026)', () => {
  it.each<[string, string | null, string | null]>([
    ['book 30-2 Jan for 2', '2026-12-30', '2027-01-02'],
    ['book 2026-12-24 for 2 nights', '2026-12-24', '2026-12-26'],
    ['book 24/12/26 to 27/12/26', '2026-12-24', '2026-12-27'],
    ['book 24/12/2026, 2 nights', '2026-12-24', '2026-12-26'],
    ['book 24-27/12 2 pax', '2026-12-24', '2026-12-27'],
    ['book 24/12 - 27 please', '2026-12-24', '2026-12-27'],
    ['book 24th-26th, 2 pax', '2026-11-24', '2026-11-26'],
    ['book from the 30th to the 2nd', '2026-11-30', '2026-12-02'],
    ['book the 5th for 2 nights', '2026-12-05', '2026-12-07'],
    ['book day after tomorrow 1 night', '2026-11-23', '2026-11-24'],
    ['book today for 1 night', '2026-11-21', '2026-11-22'],
    ['any room tmrw? 1 night', '2026-11-22', '2026-11-23'],
    ['any room next Sat to Mon?', '2026-11-28', '2026-11-30'],
    ['book next Fri-Sun', '2026-11-27', '2026-11-29'],
    ['any room this weekend? 2 pax', '2026-11-21', '2026-11-22'],
    ['book Friday, 25th December for 2 nights', '2026-12-25', '2026-12-27'],
    ['book 29 Feb 2 nights', '2028-02-29', '2028-03-02'],
    ['book May 5 for 2 adults', '2027-05-05', null],
    ['book 2 nights from Dec. 24', '2026-12-24', '2026-12-26'],
    ['book December twenty-fourth for 2 nights', '2026-12-24', '2026-12-26'],
    ['book new year\'s eve, 1 night', '2026-12-31', '2027-01-01'],
    ['book for Christmas, 2 nights', '2026-12-25', '2026-12-27'],
    ['book 31 Nov', null, null],
    ['book from 24th Dec until 26th', '2026-12-24', '2026-12-26'],
    ['book 30 Dec to 2', '2026-12-30', '2027-01-02'],
    ['book 24 Dec to 2 adults', '2026-12-24', null],
    ['nak tempah bilik lusa 2 malam', '2026-11-23', '2026-11-25'],
    ['nak tempah bilik malam ini', '2026-11-21', '2026-11-22'],
    ['nak tempah bilik Sabtu ini hingga Isnin', '2026-11-21', '2026-11-23'],
    ['nak tempah bilik hujung minggu depan', '2026-11-28', '2026-11-29'],
    ['星期六到星期天有房吗？两个人', '2026-11-21', '2026-11-22'],
    ['下个礼拜三订房，住两个晚上', '2026-11-25', '2026-11-27'],
    ['这个周末有房吗', '2026-11-21', '2026-11-22'],
    ['下周五到周日有房吗？', '2026-11-27', '2026-11-29'],
    ['星期五至星期一订房', '2026-11-27', '2026-11-30'],
    ['后天订房住一晚', '2026-11-23', '2026-11-24'],
    ['今晚有房吗', '2026-11-21', '2026-11-22'],
    ['24号到26号订房', '2026-11-24', '2026-11-26'],
    ['十二月二十四日到二十六日订房', '2026-12-24', '2026-12-26'],
  ])('%s', (text, checkIn, checkOut) => {
    expect(lead(text)).toMatchObject({ checkIn, checkOut });
  });

  it('reads "this weekend" on a Sunday as today', () => {
    expect(lead('any room this weekend?', { today: '2026-11-22' })).toMatchObject({ checkIn: '2026-11-22', checkOut: '2026-11-23' });
  });
});

describe('Malay and Chinese', () => {
  it.each<[string, Record<string, unknown>]>([
    ['Saya nak tempah bilik deluxe untuk 2 orang dewasa pada 24 Disember hingga 26 Disember', { checkIn: '2026-12-24', checkOut: '2026-12-26', guests: 2, roomType: 'deluxe', intent: 'room_booking' }],
    ['Nak booking bilik esok 3 malam, 10 orang. Nama saya Encik Ahmad Faizal, 012-345 6789', { name: 'Ahmad Faizal', phone: '+60123456789', checkIn: '2026-11-22', checkOut: '2026-11-25', guests: 10, intent: 'room_booking' }],
    ['Kami 4 orang, ada bilik untuk 24 hingga 26 Disember? Terima kasih, Aminah', { name: 'Aminah', checkIn: '2026-12-24', checkOut: '2026-12-26', guests: 4, intent: 'room_booking' }],
    ['Salam, saya Puan Rohani. Nak tempah bilik Jumaat depan 2 malam, 2 orang dewasa 1 kanak-kanak', { name: 'Rohani', checkIn: '2026-11-27', checkOut: '2026-11-29', guests: 3 }],
    ['我想预订12月24日到12月27日的房间，我们2个人', { checkIn: '2026-12-24', checkOut: '2026-12-27', guests: 2, intent: 'room_booking' }],
    ['你好，我叫陈伟明，想订12月24日到26日的房间，3位大人2个小孩', { name: '陈伟明', checkIn: '2026-12-24', checkOut: '2026-12-26', guests: 5, intent: 'room_booking' }],
    ['下周五住两晚，两个人，有房吗？', { checkIn: '2026-11-27', checkOut: '2026-11-29', guests: 2, intent: 'room_booking' }],
    ['hi nak tanya bilik available tak 20-22 dis? 2 dewasa 2 budak', { checkIn: '2026-12-20', checkOut: '2026-12-22', guests: 4, intent: 'room_booking' }],
    ['20hb Disember hingga 22hb Disember, nak tempah bilik untuk 3 orang', { checkIn: '2026-12-20', checkOut: '2026-12-22', guests: 3 }],
    ['salam, nak booking 2 bilik utk 4 org 20-22 dis, 2 mlm', { checkIn: '2026-12-20', checkOut: '2026-12-22', guests: 4, intent: 'room_booking' }],
    ['ada bilik kosong malam ni? 2 dws 1 bdk', { checkIn: '2026-11-21', guests: 3, intent: 'room_booking' }],
    ['我们一家四口，12月24日想订房', { checkIn: '2026-12-24', guests: 4, intent: 'room_booking' }],
    ['两大一小，下周六住一晚，有房吗', { checkIn: '2026-11-28', checkOut: '2026-11-29', guests: 3, intent: 'room_booking' }],
    ['我是张先生，想订明天的房间', { name: '张', checkIn: '2026-11-22' }],
    ['我是林美玲，明天想订一间双床房，住三晚', { name: '林美玲', checkIn: '2026-11-22', checkOut: '2026-11-25', roomType: 'twin', intent: 'room_booking' }],
  ])('%s', (text, expected) => {
    expect(lead(text)).toMatchObject(expected);
  });
});

describe('events and dining', () => {
  it.each<[string, Record<string, unknown>]>([
    ['Can I book a table for 6 tomorrow at 7pm?', { checkIn: '2026-11-22', checkOut: null, guests: 6, intent: 'dining' }],
    ['Reservation for dinner for 4 this Friday 7.30pm please', { checkIn: '2026-11-27', checkOut: null, guests: 4, intent: 'dining' }],
    ['Table for two at 8pm tonight, name: lim', { checkIn: '2026-11-21', guests: 2, name: 'Lim', intent: 'dining' }],
    ['nak tempah meja untuk 8 orang malam esok', { intent: 'dining', guests: 8, checkIn: '2026-11-22', checkOut: null }],
    ['We are planning a wedding banquet for 200 guests in March', { guests: 200, intent: 'event', checkIn: null }],
    ['Conference for 40 staff on 5-6 Jan, need a quote - Wei Ming', { name: 'Wei Ming', guests: 40, checkIn: '2027-01-05', checkOut: '2027-01-06', intent: 'event' }],
    ['Can we book the ballroom for a wedding on 12 Dec?', { intent: 'event', checkIn: '2026-12-12', checkOut: '2026-12-12' }],
    ['We want to hold a 2-day seminar from 8 Jan for 30 participants', { intent: 'event', checkIn: '2027-01-08', checkOut: '2027-01-09', guests: 30 }],
    ['想在12月20日办婚宴，大概200人', { intent: 'event', checkIn: '2026-12-20', guests: 200 }],
    ["we're a group of 12 coming 3-5 March for a company retreat", { intent: 'event', checkIn: '2027-03-03', checkOut: '2027-03-05', guests: 12 }],
    ['Can I book a birthday dinner for 10 people on Saturday?', { intent: 'dining', checkIn: '2026-11-21', checkOut: null, guests: 10 }],
  ])('%s', (text, expected) => {
    expect(lead(text)).toMatchObject(expected);
  });

  it("reads someone else's event the guest travels for as no event of theirs", () => {
    expect(lead("The two of us will be in Penang for my cousin's wedding, what does the car park cost per night?")).toMatchObject({ intent: 'other', guests: null });
    // holding it stays an event
    expect(lead("Please quote for my daughter's wedding on 14 Feb, 300 guests")).toMatchObject({ intent: 'event', guests: 300 });
  });
});

describe('names', () => {
  it.each<[string, string | null]>([
    ["I'm Looking for a room next weekend", null],
    ['I am travelling with family, is there a kids club?', null],
    ["I'm Malaysian, do I pay the tourism tax?", null],
    ['I am Wondering if the pool is heated', null],
    ["I'm Ming, any room tonight?", 'Ming'],
    ['Hi, I am Dr. Wong Kar Wai, need a room tomorrow', 'Wong Kar Wai'],
    ['This is Priya, is the pool heated?', 'Priya'],
    ['my name is nurul aisyah binti ahmad', 'Nurul Aisyah Binti Ahmad'],
    ['saya Aminah, nak tanya harga bilik', 'Aminah'],
    ['saya nak tanya harga bilik', null],
    ['Need a room tonight\n\nBest regards,\nMs. Grace Ho\nSent from my iPhone', 'Grace Ho'],
    ['Room for 2 adults 5-7 Jan - Wei Ming, 0123456789', 'Wei Ming'],
    ['book 5-7 Jan, 2 pax - please reply soon', null],
    ['Can I book 24-26 Dec for 2?\nSarah Lim', 'Sarah Lim'],
    ['Is the pool open?\nMerry Christmas', null],
    ['Rooms for our team 3-5 Feb please\nABC Travel Sdn Bhd', null],
    // a name ending the message after its last sentence is the guest's sign-off
    ['Thanks for the info. Can I book 24-26 Dec for 2? Sarah', 'Sarah'],
    ['我叫 Sarah，想订房', 'Sarah'],
    ['我姓陈，想订房', '陈'],
  ])('%s', (text, name) => {
    expect(lead(text).name).toBe(name);
  });

  it('falls back to the channel profile name', () => {
    expect(lead('any rooms tonight?', { profileName: 'Ahmad Faizal' }).name).toBe('Ahmad Faizal');
    expect(lead('any rooms tonight? Thanks, Siti', { profileName: 'Ahmad Faizal' }).name).toBe('Siti');
  });
});

describe('names given beside a contact, under a label, or as a closing', () => {
  it.each<[string, string | null]>([
    // right before the phone or email
    ['Any room 24-26 Dec for 2 adults? Sarah Tan 012-345 6789', 'Sarah Tan'],
    ['Hi, need a twin room tomorrow night. Sarah Tan, sarah@example.com', 'Sarah Tan'],
    ['Book 2 nights from 5 Jan pls. Sarah Tan - +60 12 345 6789', 'Sarah Tan'],
    ['Deluxe room for 3 nights from 12 Dec please. Encik Ahmad Faizal 019-234 5678', 'Ahmad Faizal'],
    ['Room for 2 on Friday.\nPuan Rohani binti Yusof\n013-456 7890', 'Rohani binti Yusof'],
    ['Any rooms this weekend? Please call Chloé Martin 012-555 1234', 'Chloé Martin'],
    ['Need a family room 24 Dec, 2 nights. Wei Ming, Tel: 016-222 3344', 'Wei Ming'],
    // right after it
    ['Can I book the deluxe room 3-5 Jan? 012-345 6789 (Sarah)', 'Sarah'],
    ['Any room tonight for 2? 012 345 6789 Sarah Tan', 'Sarah Tan'],
    ['Room for 2 adults 10 Jan, reach me at raj.kumar@example.com - Raj Kumar', 'Raj Kumar'],
    // an email that spells the name confirms a lower-case name, or a name that is also a month
    ['need a room 24 dec for 2, sarah tan sarahtan@example.com', 'Sarah Tan'],
    ['Book a king room 3 nights from 20 Dec. May Lee, may.lee@example.com', 'May Lee'],
    // Chinese names beside a phone
    ['想订12月24日的房间，两晚。黄志明 012-889 3344', '黄志明'],
    ['明天有房吗？李伟 0198765432', '李伟'],
    ['有房吗？电话 0198765432', null],
    ['周六有房吗？周六 0198765432', null],
    ['想订高级房 0198765432', null],
    ['订房，0198765432 陈美玲', '陈美玲'],
    // not names: rooms, days, the way to reach someone, places, the hotel
    ['Book Deluxe Room 012-345 6789', null],
    ['Call 012-345 6789 Monday', null],
    ['Contact me at 012-345 6789', null],
    ['Contact me at 012-345 6789, thanks!', null],
    ['Room for 2 on 24 Dec. WhatsApp 012-345 6789', null],
    ['Can I book a room for 24 Dec? I am driving from Penang 012-345 6789', null],
    ['Book a room at Hotel Seri 012-345 6789', null],
    ['Book 2 nights from 24 Dec, Sea View 012-345 6789', null],
    ['Book 24 Dec for 2. 012 345 6789 Thanks', null],
    ['Book 24 Dec for 2. 012 345 6789 Need a baby cot too', null],
    ['Any rooms in December? 012 345 6789 Sunday', null],
    ['Deluxe, 2 Nights 012-345 6789', null],
    ['Room for 2 on 24 Dec, arriving by MAS 012-345 6789', null],
    ['Room for 2 on 24 Dec. TAN AH KOW 012-345 6789', 'Tan Ah Kow'],
    ['Book 24 Dec. 2 Adults 012-345 6789', null],
    ['I am at Pavilion KL 012-345 6789, any room tonight?', null],
    ['Contact Us 012-345 6789', null],
    ['Book 24 Dec for 2. My number is 012-345 6789.', null],
    ['Any room 24 Dec for 2?\nSarah Tan\n012-345 6789', 'Sarah Tan'],
    ['Any room 24 Dec for 2?\n\nThanks,\nSarah Tan\nsarah.tan@example.com\n012-345 6789', 'Sarah Tan'],
    // labels with no colon, and a booking made for a named person
    ["Name's Raj, any room tonight?", 'Raj'],
    ['Name Sarah Tan\nDates 24-26 Dec\n2 adults', 'Sarah Tan'],
    ['Name - Lim Ah Kow, 2 pax, 24 Dec', 'Lim Ah Kow'],
    ['Please hold a deluxe room under the name of Jonathan Pereira for 3-6 Jan', 'Jonathan Pereira'],
    ['guest name Lee Mei Ling, 2 nights from 5 Jan', 'Lee Mei Ling'],
    ['Rooms for our CEO 3-5 Feb, contact Farid for details', 'Farid'],
    ['contact person: Nurul Huda, 40 staff, seminar on 14 Jan', 'Nurul Huda'],
    ['I would like to book a suite for Mr Tan Boon Huat on 24 Dec for 2 nights', 'Tan Boon Huat'],
    ['Please reserve a twin room for Dr. Priya Nair, 5-7 Jan', 'Priya Nair'],
    ['Nak tempah bilik atas nama Siti Khadijah untuk 12 Dis', 'Siti Khadijah'],
    ['nama: ahmad zaki, 2 malam dari 12 Disember', 'Ahmad Zaki'],
    ['Book a table for dinner, what is the restaurant name? Thanks', null],
    ['Is there a contact number for the spa?', null],
    ['Can I book for Mr and Mrs Smith?', 'Smith'],
    ['Is the spa open for Dr appointments on Sunday?', null],
    ['Book a room 24 Dec, 012-345 6789 (Mr. Tan Ah Kow)', 'Tan Ah Kow'],
    // an explicit label wins over a name beside the phone
    ['Name: Sarah Tan. Booking for my husband, Raj Kumar 012-345 6789', 'Sarah Tan'],
    ['My name is Olivia, my husband David 012-345 6789 will check in', 'Olivia'],
    // Chinese labels
    ['联系人：王小明，电话0123456789，想订房', '王小明'],
    ['联系人李伟，12月24日订房', '李伟'],
    ['名字：Sarah Tan，想订房', 'Sarah Tan'],
    ['名字黄丽华，订两晚', '黄丽华'],
    ['姓名：陈美玲', '陈美玲'],
    ['我是欧阳明', '欧阳明'],
    ['我是林美玲，想订房', '林美玲'],
    ['订房请联系王先生 0123456789', '王'],
    ['请联系张伟', '张伟'],
    ['欧阳先生 0123456789，明天有房吗', '欧阳'],
    ['请联系我，谢谢', null],
    ['请联系前台', null],
    ['想订房，联系方式：0123456789', null],
    ['周末有房吗？联系电话 0123456789', null],
    // the closing of the last sentence
    ['Do you have a room for 2 on 24 Dec? Please confirm. Chloé', 'Chloé'],
    ['Need a room tonight for 2, thanks! - Raj', 'Raj'],
    ['Any room tonight for 2? Thanks! 😊 Raj', 'Raj'],
    ['Room for 2 on 24 Dec please. Jean-Luc Picard 012-345 6789', 'Jean-Luc Picard'],
    ['Name: Siti Nur-Aisyah, 2 pax, 24 Dec', 'Siti Nur-Aisyah'],
    ['Any room 24-26 Dec for 2 adults? Thanks so much. Mei Ling', 'Mei Ling'],
    ['Is breakfast included? Breakfast', null],
    ['Is the pool open late? Sunday', null],
    ['Is the pool heated? WiFi?', null],
    ['How do I get there from KLCC? Grab', null],
    ['Can I pay by card? Visa', null],
    ['Any room for 2 next Fri-Sun', null],
    ['Any room for 2 tonight? Thanks, Monday', null],
    ['Can I book a room for the 24th? Thanks. God Bless', null],
    ['The deluxe room looks nice. Deluxe', null],
    ['See you at the Grand Seri. Grand Seri', null],
  ])('%s', (text, name) => {
    expect(lead(text, { hotelName: 'The Grand Seri Hotel' }).name).toBe(name);
  });

  it('never takes the hotel\'s own name as the guest\'s', () => {
    expect(lead('Can I contact Seri Pagi by WhatsApp for a room on 24 Dec?', { hotelName: 'Seri Pagi Resort' }).name).toBeNull();
    expect(lead('Any room for 2 on 24 Dec? Thanks. Seri Pagi', { hotelName: 'Seri Pagi Resort' }).name).toBeNull();
    expect(lead('Any room for 2 on 24 Dec? Thanks. Seri Pagi').name).toBe('Seri Pagi');
  });

  it('reads a closing word that opens the message as a greeting, with no name after it', () => {
    expect(lead('Salam. Dewan besar boleh muat berapa orang?').name).toBeNull();
    expect(lead('Thanks. Another thing: Parking is free?').name).toBeNull();
    // at the end it still signs the message
    expect(lead('Dewan besar boleh muat berapa orang? Salam, Rosli').name).toBe('Rosli');
  });

  it('keeps the rest of the lead when the name sits beside the phone', () => {
    expect(lead('Book deluxe 24-26 Dec, 2 adults. Sarah Tan 012-345 6789')).toMatchObject({
      name: 'Sarah Tan', phone: '+60123456789', checkIn: '2026-12-24', checkOut: '2026-12-26', guests: 2, roomType: 'deluxe', intent: 'room_booking',
    });
  });

  it('prefers a name in the message to the channel profile', () => {
    expect(lead('Any room tonight? Sarah Tan 012-345 6789', { profileName: 'ST' }).name).toBe('Sarah Tan');
    expect(lead('Any room tonight? 012-345 6789', { profileName: 'ST' }).name).toBe('ST');
  });
});

describe('party size', () => {
  it.each<[string, number | null]>([
    ['book a room for 2 adults + 2 kids', 4],
    ['book a room for 2 adults and a baby', 3],
    ['book 24-26 Dec, 5 pax', 5],
    ['book rooms for 40 staff on 5 Jan', 40],
    ['we are 4, any room tomorrow?', 4],
    ['family of 5, need a room 24 Dec for 2 nights', 5],
    ['book 2 rooms for 2 nights from 24 Dec for 3 adults', 3],
    ['any room at 8pm tonight? RM 300 budget', null],
    ['book 3 rooms for tomorrow 2 nights', null],
    ['need a room 2 adults 24 Dec', 2],
    ['room 1203 for 2 nights from 24 Dec, book pls', null],
    ['hi-tea for 4 this Sunday, can I reserve?', 4],
  ])('%s', (text, guests) => {
    expect(lead(text).guests).toBe(guests);
  });
});

describe('contacts', () => {
  it('finds an email and a Malaysian phone anywhere, and not in dates, prices or references', () => {
    expect(contactsIn('reach me: Lee.Ann+hotel@Mail.example.com.my or 03-2141 8888')).toEqual({ email: 'lee.ann+hotel@mail.example.com.my', phone: '+60321418888' });
    expect(contactsIn('booking ref HV22913344, 24/12 - 27/12, RM 1200 per night, 2026-12-24')).toEqual({ email: null, phone: null });
    expect(contactsIn('call +65 9123 4567', 'MY').phone).toBe('+6591234567');
    expect(contactsIn('x@y, @home, a@b.c, foo@bar.com.').email).toBe('foo@bar.com');
    expect([...emailsIn('a@b.co and .lee@x.org, not me@ or @you.com')].map((h) => h.email)).toEqual(['a@b.co', 'lee@x.org']);
  });

  it('tells the pipeline that a guest who wrote a contact gave one', () => {
    expect(contactGiven('Any rooms tonight? nurul@example.my')).toBe(true);
    expect(contactGiven('Any rooms tonight? 012 345 6789')).toBe(true);
    expect(contactGiven('Any rooms tonight for 2 at RM 300?')).toBe(false);
  });

  it('does not read the phone digits as a party size or a date', () => {
    expect(lead('Room for 24 Dec pls, 2 adults, 012-2412 2026')).toMatchObject({ phone: '+601224122026', checkIn: '2026-12-24', guests: 2 });
  });
});

describe('language', () => {
  it('guesses the language', () => {
    expect(detectLanguage('Do you have parking?')).toBe('en');
    expect(detectLanguage('Ada tempat letak kereta tak? Berapa harga?')).toBe('ms');
    expect(detectLanguage('请问有停车场吗？')).toBe('zh');
  });
});

describe('hostile input', () => {
  const MB = 1_000_000;
  // A stall guard, not a speed target (bench/ measures speed): a pattern that backtracks takes tens of
  // seconds on these inputs, a linear scan milliseconds; the margin keeps a loaded machine from failing it.
  const STALL_MS = 2_000;
  const adversarial: [string, string][] = [
    ['letters', 'Q'.repeat(MB)],
    ['digits', '1'.repeat(MB)],
    ['at signs', '@'.repeat(MB)],
    ['dots', '.'.repeat(MB)],
    ['mixed', 'a@b.'.repeat(MB / 4)],
    ['spaced digits', '1 '.repeat(MB / 2)],
    ['date-like', '12/'.repeat(MB / 3)],
    ['words', 'book 2 adults 24 Dec '.repeat(MB / 21)],
    ['han', '我叫'.repeat(MB / 2)],
    ['month words', 'December the '.repeat(MB / 13)],
    ['dashes and names', '- Ali '.repeat(MB / 6)],
    ['name cues', "my name is I'm Thanks, ".repeat(MB / 23)],
    ['names beside phones', 'Sarah Tan 012-345 6789 '.repeat(MB / 23)],
    ['capitalised words', 'Ab Cd Ef. '.repeat(MB / 10)],
    ['han names', '李伟 0198765432，联系人'.repeat(MB / 20)],
  ];

  it.each(adversarial)('returns promptly on 1 MB of %s', (_kind, text) => {
    const t0 = performance.now();
    extractLead(text, { today });
    detectLanguage(text);
    expect(performance.now() - t0).toBeLessThan(STALL_MS);
  });

  it.each(adversarial)('scans 100 KB of %s for email and tokens in linear time, past the guest limit too', (_kind, text) => {
    // The scans themselves stay linear, not only thanks to the bound: a quadratic scan of 100 KB takes
    // billions of steps (the old email pattern took 21 s), a linear one a few milliseconds.
    const big = text.slice(0, 100_000);
    const t0 = performance.now();
    findEmail(big);
    tokenize(big);
    expect(performance.now() - t0).toBeLessThan(STALL_MS);
  });

  it('reads only the first MAX_GUEST_CHARS characters', () => {
    const padded = 'x '.repeat(MAX_GUEST_CHARS / 2) + 'book 24-26 Dec for 2 adults, nurul@example.my';
    expect(lead(padded)).toMatchObject({ intent: 'other', email: null, checkIn: null });
  });
});

describe('conversation context', () => {
  it('reads a follow-up date as part of a booking already asked for', () => {
    expect(lead('can we make it 25 to 27 Dec instead?')).toMatchObject({ checkIn: null, intent: 'other' });
    expect(lead('can we make it 25 to 27 Dec instead?', { context: 'room_booking' })).toMatchObject({ checkIn: '2026-12-25', checkOut: '2026-12-27', intent: 'other' });
  });

  it('reads booking details written as a statement as a booking, and the same details around another question as not', () => {
    expect(lead('24-26 Dec, 2 adults.')).toMatchObject({ intent: 'room_booking', checkIn: '2026-12-24', checkOut: '2026-12-26', guests: 2 });
    expect(lead('we are 2 adults coming on 24 Dec, is the pool heated?')).toMatchObject(NOTHING_INVENTED);
    expect(lead('Can I make a booking?')).toMatchObject({ ...NOTHING_INVENTED, requested: true });
    expect(lead('Can I book the airport transfer?').requested).toBe(false);
    // a book to read, after an article, is no request; "a booking" still is
    expect(lead('We are 2 adults and love to read. Is there a quiet lounge where we can sit with a book?')).toMatchObject({ ...NOTHING_INVENTED, intent: 'other', requested: false });
    expect(lead("Can't wait to lie by the pool with a book all afternoon! Is the pool open until late?").requested).toBe(false);
  });

  it('keeps the dates of a stay stated on its own, but gives a question about a stay no lead details', () => {
    expect(lead('We arrive 26 Dec for 2 nights.')).toMatchObject({ checkIn: '2026-12-26', checkOut: '2026-12-28', intent: 'other' });
    expect(lead('We arrive 26 Dec for 2 nights, is parking free?')).toMatchObject(NOTHING_INVENTED);
    expect(lead("we're staying 27-29 Dec, is breakfast included?")).toMatchObject(NOTHING_INVENTED);
  });

  it('reads a question about what events are on as no event of the guest', () => {
    expect(lead("Are there any events on New Year's Eve?")).toMatchObject(NOTHING_INVENTED);
    expect(lead('Any events on 31 Dec for 2 adults?')).toMatchObject({ intent: 'other', checkIn: null });
  });
});

describe('stays whose wording gives their length (Saturday 21 November 2026)', () => {
  it.each<[string, string, string | null]>([
    ['Can I book a room for tonight?', '2026-11-21', '2026-11-22'],
    ['I need a room this Saturday night', '2026-11-21', '2026-11-22'],
    ['Need a room for Friday night only, 2 adults', '2026-11-27', '2026-11-28'],
    ['Please book a room for the night of 24 Dec', '2026-12-24', '2026-12-25'],
    ['I want to book a room for a week from 4 Jan', '2027-01-04', '2027-01-11'],
    ['Nak tempah bilik seminggu dari 4 Jan', '2027-01-04', '2027-01-11'],
    ['我想订房，1月4日开始住一个星期', '2027-01-04', '2027-01-11'],
    ['Book a room for a fortnight from 4 Jan', '2027-01-04', '2027-01-18'],
    ['any room for 2 weeks from 4 Jan?', '2027-01-04', '2027-01-18'],
    ['Can I book a room for the nights of 31 Dec and 1 Jan?', '2026-12-31', '2027-01-02'],
    ['Any rooms for Friday and Saturday nights? 2 adults', '2026-11-27', '2026-11-29'],
    ['need a room tonight until Monday', '2026-11-21', '2026-11-23'],
    ['Any room Friday night? leaving 29 Nov', '2026-11-27', '2026-11-29'],
    ['我想订房，下个星期六住两晚', '2026-11-28', '2026-11-30'],
    ['I will arrive in a week, can I book a room from 28 Nov for 2 nights?', '2026-11-28', '2026-11-30'],
    ['book a room on 24 Dec please, I will confirm within a week', '2026-12-24', null],
    ['Hujung minggu ini ada bilik?', '2026-11-21', '2026-11-22'],
  ])('%s', (text, checkIn, checkOut) => {
    expect(lead(text)).toMatchObject({ intent: 'room_booking', checkIn, checkOut });
  });

  it('gives a dining lead no check-out and an event its own last day, whatever the night', () => {
    expect(lead('Can I book a table for dinner tonight for 2?')).toMatchObject({ intent: 'dining', checkIn: '2026-11-21', checkOut: null });
    expect(lead('Can we book the ballroom for a wedding on Saturday night?')).toMatchObject({ intent: 'event', checkIn: '2026-11-21', checkOut: '2026-11-21' });
    expect(lead('We want the ballroom for a conference for a week from 4 Jan')).toMatchObject({ intent: 'event', checkIn: '2027-01-04', nights: null });
  });

  it('remembers the nights a week stands for, so a later date still gets a check-out', () => {
    expect(lead('Can I book a room for a week?')).toMatchObject({ intent: 'room_booking', nights: 7, checkIn: null });
    expect(lead('any room for a week from 4 Jan?').nights).toBe(7);
    expect(lead('Any room 24 Dec? we leave a week later').nights).toBeNull();
    expect(lead('book a room from 24 Dec, we decide a week from now')).toMatchObject({ checkIn: '2026-12-24', checkOut: null, nights: null });
    expect(lead('Nak tempah bilik, 2 minggu lagi').nights).toBeNull();
    expect(lead('Nak tempah bilik 2 minggu dari 24 Dec')).toMatchObject({ checkIn: '2026-12-24', checkOut: '2027-01-07', nights: 14 });
  });
});

describe('booking a restaurant, bar or experience is dining', () => {
  it.each<[string, Record<string, unknown>]>([
    ['I want to book the beach BBQ for 4 on Saturday', { intent: 'dining', checkIn: '2026-11-21', checkOut: null, guests: 4 }],
    ['Can we reserve the rooftop bar for 10 people on 24 Dec?', { intent: 'dining', checkIn: '2026-12-24', checkOut: null, guests: 10 }],
    ['Table at Sizzle Grill for 6 on Friday 7pm', { intent: 'dining', checkIn: '2026-11-27', guests: 6 }],
    ['High tea for 2 this Sunday please, under Sarah Lim', { intent: 'dining', checkIn: '2026-11-22', guests: 2, name: 'Sarah Lim' }],
    ['Afternoon tea for 3 tomorrow at 3pm', { intent: 'dining', checkIn: '2026-11-22', guests: 3 }],
    ['I would like to book a private dinner for 2 on 24 Dec under the name Tan', { intent: 'dining', checkIn: '2026-12-24', guests: 2, name: 'Tan' }],
    ['Book the barbecue night for 8 on 24 Dec', { intent: 'dining', checkIn: '2026-12-24', checkOut: null, guests: 8 }],
    ['Saya nak tempah restoran untuk 8 orang Sabtu ini', { intent: 'dining', checkIn: '2026-11-21', guests: 8 }],
    ['Nak tempah makan malam untuk 4 orang esok', { intent: 'dining', checkIn: '2026-11-22', checkOut: null, guests: 4 }],
    ['想订烧烤，周六8个人', { intent: 'dining', checkIn: '2026-11-21', checkOut: null, guests: 8 }],
    ['我想订位，明天晚上4位', { intent: 'dining', checkIn: '2026-11-22', checkOut: null, guests: 4 }],
  ])('%s', (text, expected) => {
    expect(lead(text)).toMatchObject(expected);
  });

  it('keeps a room booking a room booking when a bar or restaurant is only mentioned', () => {
    expect(lead('Book a room near the bar for 24-26 Dec')).toMatchObject({ intent: 'room_booking', checkIn: '2026-12-24', checkOut: '2026-12-26' });
    expect(lead('Is the rooftop bar open tonight?')).toMatchObject(NOTHING_INVENTED);
    expect(lead('Book a room for 24 Dec under Lim').name).toBe('Lim');
    expect(lead('Do children under 12 eat free at the buffet?')).toMatchObject({ ...NOTHING_INVENTED, name: null });
  });
});

describe('party size said the way groups say it', () => {
  it.each<[string, number | null]>([
    ['We need 5 rooms for 10 engineers from 24 to 26 Dec', 10],
    ['need accommodation for 12 colleagues 24-26 Dec', 12],
    ['book rooms for 6 family members on 24 Dec', 6],
    ['about 100 guests wedding on 12 Dec', 100],
    ['Conference for around 100 delegates on 12 Dec', 100],
    ['a wedding on 12 Dec for approximately 150', 150],
    ['我们想办婚宴，大约100位客人，12月12日', 100],
    ['Nak tempah bilik untuk 20 peserta 24-26 Dec', 20],
    ['2 rooms for 3 nights from 24 Dec, book pls', null],
    ['book 3 rooms for about RM 300 each on 24 Dec', null],
    ['book a room for 24 Dec for around 2 weeks', null],
  ])('%s', (text, guests) => {
    expect(lead(text).guests).toBe(guests);
  });
});

describe('a question about booking is not a booking', () => {
  it.each([
    'how much is an extra bed per night?',
    'is there a charge to cancel a booking?',
    '取消订房要收费吗',
    'Katil tambahan berapa satu malam?',
    'do you have rooms suitable for a wheelchair user?',
    'Is there a room with a bathtub?',
    // what a room is like, with no stay, no party and no price or availability asked: not a stay asked for
    'do you have a room close to the lift for my dad?',
    'I need to cancel my booking for 24 Dec, 2 adults',
  ])('%s', (text) => {
    expect(lead(text)).toMatchObject({ ...NOTHING_INVENTED, requested: false });
  });

  it('still reads a request for a room with a feature as a booking', () => {
    expect(lead('I want to book a room with a sea view for 24-26 Dec')).toMatchObject({ intent: 'room_booking', checkIn: '2026-12-24', roomType: 'sea view' });
    expect(lead('Do you have rooms with 2 beds for 24 Dec? 2 adults')).toMatchObject({ intent: 'room_booking', guests: 2 });
    expect(lead('Ada bilik satu malam 24 Dec?')).toMatchObject({ intent: 'room_booking', checkOut: '2026-12-25' });
    expect(lead('Can I book a room for 24-26 Dec for 2? Is cancellation free?')).toMatchObject({ intent: 'room_booking', checkOut: '2026-12-26', guests: 2, requested: true });
    expect(lead('Do you have rooms on 24 Dec for 2 adults? What is the cancellation policy?')).toMatchObject({ intent: 'room_booking', checkIn: '2026-12-24', guests: 2 });
    // availability or a price asked is a stay being shopped for, dates or not
    expect(lead('do you have a room available? quote pls')).toMatchObject({ intent: 'room_booking' });
  });
});

describe('holidays on the hotel calendar', () => {
  it('reads Chinese New Year by its names as the next one to come', () => {
    expect(lead('Room for CNY, 3 nights, 2 adults pls')).toMatchObject({ intent: 'room_booking', checkIn: '2027-02-06', checkOut: '2027-02-09', guests: 2 });
    expect(lead('need a room on Chinese New Year eve for 1 night, 4 pax')).toMatchObject({ checkIn: '2027-02-05', checkOut: '2027-02-06' });
    expect(lead('nak tempah bilik Tahun Baru Cina 2 malam, 2 orang')).toMatchObject({ checkIn: '2027-02-06', checkOut: '2027-02-08' });
    expect(lead('想订春节的房间，住两晚，两个人')).toMatchObject({ checkIn: '2027-02-06', checkOut: '2027-02-08', guests: 2 });
    // past the published table the Chinese calendar of Intl answers
    expect(lead('book a room for CNY 1 night for 2', { today: '2036-01-02' }).checkIn).toMatch(/^2036-0[12]-\d\d$/);
  });

  it('reads an eve on the holiday itself as the next one, never as yesterday', () => {
    // 6 Feb 2027 is Chinese New Year's day: its eve has passed, so the guest means the next one.
    const onTheDay = { today: '2027-02-06' };
    expect(lead('a room for CNY eve, 1 night, 2 pax', onTheDay)).toMatchObject({ checkIn: '2028-01-25', checkOut: '2028-01-26' });
    expect(lead('除夕订一间房，一晚，两个人', onTheDay)).toMatchObject({ checkIn: '2028-01-25', checkOut: '2028-01-26' });
    expect(lead('room for CNY 1 night for 2', onTheDay)).toMatchObject({ checkIn: '2027-02-06' });
    expect(lead('a room for Christmas Eve, 1 night', { today: '2026-12-25' })).toMatchObject({ checkIn: '2027-12-24' });
  });

  it('lets a date written beside a holiday named as a kind of party win', () => {
    expect(lead('Our office Xmas party on 17 Dec, 60 pax, need a hall')).toMatchObject({ intent: 'event', checkIn: '2026-12-17', guests: 60 });
    expect(lead('Any room over New Year? 30 Dec to 2 Jan, 2 adults')).toMatchObject({ checkIn: '2026-12-30', checkOut: '2027-01-02' });
    expect(lead('Christmas lunch for 5 pls, can reserve a table?')).toMatchObject({ intent: 'dining', checkIn: '2026-12-25', guests: 5 });
  });

  it('reads "the weekend of" a date as its Saturday and Sunday', () => {
    expect(lead('room for 2 adults the weekend of 5 Dec')).toMatchObject({ checkIn: '2026-12-05', checkOut: '2026-12-06' });
    expect(lead('need a room for the weekend of the 13th of Dec, 3 pax')).toMatchObject({ checkIn: '2026-12-12', checkOut: '2026-12-13', guests: 3 });
  });
});

describe('party sizes in shorthand and without numbers', () => {
  it.each<[string, number]>([
    ['book room 26-27 Dec 2A1C', 3],
    ['1 room, 3A, 24-25 Dec', 3],
    ['book a room 26-27 Dec for 2 adults & infant', 3],
    ['room 26-27 Dec, me and my husband with baby', 3],
    ['订房 12月26日到27日 三位', 3],
  ])('%s', (text, guests) => {
    expect(lead(text).guests).toBe(guests);
  });

  it('does not count a cot or a kids club as a child', () => {
    expect(lead('book a room 26-27 Dec, 2 adults with baby cot').guests).toBe(2);
  });
});

describe('a booking already made, and prices, are not new bookings', () => {
  it.each([
    'We have a reservation on 27 Dec for 3 nights, is parking free?',
    'I booked a room for 28-30 Dec, what time is check-in?',
    'How much is the deluxe room for 3 nights?',
    'Berapa harga bilik satu malam?',
    'Do you have interconnecting rooms for 6 people?',
  ])('%s', (text) => {
    expect(lead(text)).toMatchObject(NOTHING_INVENTED);
  });

  it('reads a price asked for a stay of several nights and a party as a quote for a room', () => {
    expect(lead('what is your rate for 26 to 29 Dec for 3 adults?')).toMatchObject({ intent: 'room_booking', checkIn: '2026-12-26', checkOut: '2026-12-29', guests: 3 });
  });
});

describe('names in more places', () => {
  it.each<[string, string]>([
    ['pls book room 2 nights from 27 Dec for 2 adults, name lim ah seng 0123456789', 'Lim Ah Seng'],
    ['Kindly reserve 1 room 27-28 Dec. Guest: Mr Ravi Shankar', 'Ravi Shankar'],
    ['订房12月27号一晚，两个人。谢谢！陈小姐', '陈'],
    ['room 27-28 Dec for 2 pls. Thank you :) Farhana', 'Farhana'],
  ])('%s', (text, name) => {
    expect(lead(text).name).toBe(name);
  });

  it('keeps a lower-case word after "name" out of the name when more text follows it', () => {
    expect(lead('what name should the booking be under for 2 adults on 27 Dec').name).toBeNull();
  });
});

describe('the writer and one companion, and names with bin', () => {
  it.each<[string, number]>([
    ['room 26-27 Dec for myself and my mother', 2],
    ['book room 26-27 Dec, my brother and I', 2],
    ['nak bilik 26-27 Dec, dua orang dewasa dan seorang budak', 3],
    ['saya seorang je, nak bilik 26-27 Dec', 1],
  ])('%s', (text, guests) => {
    expect(lead(text).guests).toBe(guests);
  });

  it('reads a Malay name with bin or binti closing the message, and a name after "From:"', () => {
    expect(lead('nak tempah bilik 26-27 Dec 3 org. Ahmad Zaki bin Yusof').name).toBe('Ahmad Zaki bin Yusof');
    expect(lead('From: Chloe Tan\nNeed a room 26-27 Dec for 2').name).toBe('Chloe Tan');
  });
});

describe('misspelt lead words', () => {
  it('reads a lower-case word one dropped, doubled or swapped letter from a lead word as that word', () => {
    expect(lead('pls bok a rom 27-29 dec 2 adlts')).toMatchObject({ intent: 'room_booking', checkIn: '2026-12-27', checkOut: '2026-12-29', guests: 2 });
    expect(lead('need a roomm for 3 nigths from 27 decmber, 2 peple')).toMatchObject({ intent: 'room_booking', checkIn: '2026-12-27', checkOut: '2026-12-30', guests: 2 });
  });

  it('leaves real words and capitalised names alone', () => {
    expect(spelledWord('groom')).toBeNull();
    expect(spelledWord('books')).toBeNull();
    expect(spelledWord('guess')).toBeNull();
    expect(spelledWord('room')).toBeNull();
    expect(lead('Room 27-28 Dec for 2. Thanks, Rom').name).toBe('Rom');
  });

  it('reads holidays listed as nights, and Boxing Day', () => {
    expect(lead('room for 2 on xmas eve n xmas night pls')).toMatchObject({ checkIn: '2026-12-24', checkOut: '2026-12-26' });
    expect(lead('a 2-night stay from boxing day for 2 adults pls')).toMatchObject({ checkIn: '2026-12-26', checkOut: '2026-12-28', guests: 2 });
  });
});

describe('names after a title, and sign-offs that name a place', () => {
  it('reads a lower-case name the guest introduced with a title', () => {
    expect(lead('hi this is mr rajan, room 27-28 dec for 2 pls').name).toBe('Rajan');
    expect(lead('Is the spa open for Dr appointments on Sunday?').name).toBeNull();
  });

  it('does not take a hotel signed off with as the guest', () => {
    expect(lead('Need a room 27-28 Dec for 2. Regards, Sunrise Bay Resort').name).toBeNull();
  });
});

describe('Chinese and Malay dining and next month', () => {
  it('reads a private dining room or a table booked as dining', () => {
    expect(lead('这个周五想订包厢吃饭，八个人')).toMatchObject({ intent: 'dining', checkIn: '2026-11-27', guests: 8 });
    expect(lead('nak reserve meja untuk 5 org malam esok')).toMatchObject({ intent: 'dining', checkIn: '2026-11-22', guests: 5 });
    expect(lead('book a room 24-25 Dec for 2, is there table tennis?').intent).toBe('room_booking');
  });

  it('reads 下个月 days as days of next month', () => {
    expect(lead('下个月3号到5号有房吗？两个人')).toMatchObject({ intent: 'room_booking', checkIn: '2026-12-03', checkOut: '2026-12-05', guests: 2 });
    expect(lead('想订下月8号的房间，住一晚，一个人')).toMatchObject({ checkIn: '2026-12-08', checkOut: '2026-12-09', guests: 1 });
    expect(lead('下个月8号订房一晚', { today: '2026-12-20' })).toMatchObject({ checkIn: '2027-01-08', checkOut: '2027-01-09' });
  });

  it('takes a manager title off a Chinese name', () => {
    expect(lead('公司年会，1月20日，大约80人，请报价。联系：周经理 012-8888777').name).toBe('周');
  });
});

describe("questions about the hotel's own events", () => {
  it.each(['What time is the New Year countdown party?', 'Hi! When is the Christmas eve gala dinner?', 'Bila majlis hari jadi hotel pada 31 Dec?'])('%s', (text) => {
    expect(lead(text)).toMatchObject(NOTHING_INVENTED);
  });

  it('still reads an event the guest sizes as theirs', () => {
    expect(lead('What is the price of a wedding on 20 Feb for 250 guests?')).toMatchObject({ intent: 'event', checkIn: '2027-02-20', guests: 250 });
  });
});

describe('names in signatures, sign-offs and labels', () => {
  it.each<[string, string]>([
    ['room 26-27 Dec for 3 - Hana (016-778 8990)', 'Hana'],
    ['Room 26-27 Dec for 2\nkind regards\nK. Subramaniam', 'K. Subramaniam'],
    ['kindly put the reservation under my name, Daniel Yap. room 26-27 Dec for 2', 'Daniel Yap'],
    ['Nama saya ialah Siti Aisyah, nak bilik 26-27 Dis 2 orang', 'Siti Aisyah'],
    ['room 26-27 Dec 2 adults\n--\nPeter Lim | Finance Director | Orbit Sdn Bhd', 'Peter Lim'],
    ['reserve for Mr & Mrs Walker, 26-27 Dec, 2 adults', 'Walker'],
    ['Please reserve 1 room 26-27 Dec for 2. Yours faithfully, Muthu Samy', 'Muthu Samy'],
    ['can i book a room for 2 on 26-27 dec? tq - ain', 'Ain'],
  ])('%s', (text, name) => {
    expect(lead(text)).toMatchObject({ name, intent: 'room_booking', checkIn: '2026-12-26' });
  });

  it('keeps a lone lower-case word after a dash out when it is a common word', () => {
    expect(lead('room 26-27 Dec for 2 - urgent').name).toBeNull();
  });
});

describe('holidays by their Chinese names', () => {
  it.each<[string, string, string]>([
    ['元旦想订房一晚，两个人', '2027-01-01', '2027-01-02'],
    ['平安夜订一间房，住一晚', '2026-12-24', '2026-12-25'],
    ['圣诞节想住两晚，三个人', '2026-12-25', '2026-12-27'],
    ['除夕订房一晚', '2027-02-05', '2027-02-06'],
    ['跨年想订房一晚', '2026-12-31', '2027-01-01'],
  ])('%s', (text, checkIn, checkOut) => {
    expect(lead(text)).toMatchObject({ intent: 'room_booking', checkIn, checkOut });
  });
});

describe('questions about how booking works', () => {
  it.each(['Do I need a reservation for the dinner buffet?', 'Is booking required for the spa on 27 Dec?', 'How early should I book for New Year?', 'Do you accept bookings for a single night?', 'Perlu tempah awal ke untuk sarapan?'])('%s', (text) => {
    expect(lead(text)).toMatchObject(NOTHING_INVENTED);
  });

  it('still reads a booking asked for in the same words with its details', () => {
    expect(lead('How do I book a room for 2 adults from 27 Dec for 2 nights?')).toMatchObject({ intent: 'room_booking', checkIn: '2026-12-27', checkOut: '2026-12-29', guests: 2 });
  });
});

describe('more ways to count a party', () => {
  it.each<[string, number]>([
    ['room 26-27 Dec for us 3', 3],
    ['bilik 26-27 Dec, 2 dewasa 1 bayi', 3],
    ['twin room 26-27 Dec for 2 gentlemen', 2],
    ['room 26-27 Dec, 2 adults 1 senior', 3],
    ['book 2 rooms 26-27 Dec for 2 couples', 4],
    ['room 26-27 Dec, 1 lady and 2 girls', 3],
  ])('%s', (text, guests) => {
    expect(lead(text).guests).toBe(guests);
  });
});

describe('a signature with a company beside the contacts', () => {
  it('takes the name the email address spells over a company written next to it', () => {
    const text = 'Hi, annual dinner for 120 staff on 15 Jan, pls send packages. Kind regards, Marcus Ong | Admin Exec | Apex Holdings | marcus.ong@apex.com.my';
    expect(lead(text)).toMatchObject({ name: 'Marcus Ong', intent: 'event', guests: 120, email: 'marcus.ong@apex.com.my' });
  });
});

describe('days of next month', () => {
  it('reads a day written alone as next month’s when the guest says so', () => {
    expect(lead('room for 2 adults on the 25th of next month, 2 nights')).toMatchObject({ checkIn: '2026-12-25', checkOut: '2026-12-27' });
    expect(lead('nak bilik 2 org 25hb bulan depan, 1 malam')).toMatchObject({ checkIn: '2026-12-25', checkOut: '2026-12-26' });
    expect(lead('room for 2 adults on the 25th, 2 nights')).toMatchObject({ checkIn: '2026-11-25', checkOut: '2026-11-27' });
  });
});

describe('forms and closings written in a hurry', () => {
  it('reads a form whose labels end in a dash', () => {
    expect(lead('Name - Nora Aziz\nDate - 26/12 to 28/12\nPax - 3\nRoom - Deluxe\nContact - 016 555 7788')).toMatchObject({
      name: 'Nora Aziz', checkIn: '2026-12-26', checkOut: '2026-12-28', guests: 3, intent: 'room_booking', phone: '+60165557788',
    });
    expect(lead('room for 2\nSat - Sun')).toMatchObject({ checkIn: '2026-11-21', checkOut: '2026-11-22' });
  });

  it('reads a lower-case name closing the message after thanks, but not a word of address', () => {
    expect(lead('nak tempah bilik 26-28 dis..2 org..tq..hafiz').name).toBe('Hafiz');
    expect(lead('room 26-28 dec for 2 thanks bro').name).toBeNull();
    expect(lead('Room x1, 26-28 Dec, 2A, Mr Daniel Koh').name).toBe('Daniel Koh');
  });
});

describe('a team signing a message is not a guest', () => {
  it.each(['Need 3 rooms 26-28 Dec for 6. Regards\nFinance Department', 'Rooms 26-28 Dec for 10 pax. Thank you, Sports Club Committee'])('%s', (text) => {
    expect(lead(text).name).toBeNull();
  });
});

describe('a check-out day written without its month', () => {
  it.each<[string, string, string | null]>([
    ['room for 2, 26 dec, check out 28. thx', '2026-12-26', '2026-12-28'],
    ['room for 2 from 30 Dec, leaving 2, thanks', '2026-12-30', '2027-01-02'],
    ['room for 2 on 26 Dec, can we check out 12pm?', '2026-12-26', null],
  ])('%s', (text, checkIn, checkOut) => {
    expect(lead(text)).toMatchObject({ checkIn, checkOut });
  });

  it('counts the writer and a partner written short, and a guest travelling alone', () => {
    expect(lead('any room on 26 Dec? one night, me and my bf').guests).toBe(2);
    expect(lead('a room for 26-27 Dec for myself please').guests).toBe(1);
  });
});

describe('the stay a guest already has', () => {
  it.each([
    'My reservation no. is 55120 for 2 adults 26-28 Dec, please add breakfast',
    'Can I upgrade my room for 26-28 Dec? how much?',
    'is there hot water in the room? we are 2 pax arriving tomorrow',
    'ada wifi tak dalam bilik? kami 3 org sampai esok',
  ])('%s', (text) => {
    expect(lead(text)).toMatchObject(NOTHING_INVENTED);
  });

  it('still reads a change in a conversation already about a booking', () => {
    expect(lead('can we make my booking 27 to 29 Dec instead?', { context: 'room_booking' })).toMatchObject({ checkIn: '2026-12-27', checkOut: '2026-12-29' });
  });
});

describe('a party written as a sum', () => {
  it.each<[string, number | null]>([
    ['Is 26-28 Dec still available for a family room? 2+2. Regards, Cindy', 4],
    ['room 26-28 Dec, 2+1 pls', 3],
    ['room 26-28 Dec for 2 nights, 1+1 beds', null],
    ['room 26-28 Dec, RM 2+3 fee?', null],
  ])('%s', (text, guests) => {
    expect(lead(text).guests).toBe(guests);
  });
});

describe('names written the way a hurried guest writes them', () => {
  it.each<[string, string | null]>([
    ['hi im sarah, need a room 26-28 Dec for 2', 'Sarah'],
    ['hello im raj, looking for room for 4 adults 29-30 dec', 'Raj'],
    ['hi im flexible, any room 26-28 Dec for 2?', null],
    ['this is correct, room for 2 on 26 Dec 2 nights', null],
    ['im looking for a room 26-28 Dec for 2', null],
    ['hi im sarah from penang need a room 26-28 Dec', null],
    ['room 26-28 Dec for 2 please. Thanks,\nKaren Teoh\nEvents Lead\n+60 12-606 7070', 'Karen Teoh'],
    ['room 26-28 Dec for 2 please. Regards,\nSales Manager\n+60 12-606 7070', null],
    ['booking 26-28 Dec, 2 adults. Rgds Jasmine Lee, jasmine.lee@hotmail.com', 'Jasmine Lee'],
    ['Bilik untuk 2 orang 26-28 Dis. Terima kasih, Cikgu Nor Aziah', 'Nor Aziah'],
    ['pls reserve dinner for 3 pax on 1 Dec at 8pm, Vincent', 'Vincent'],
    ['room 26-28 Dec for 2, we drive from ipoh, Perak', null],
    ['book room 26-28 Dec, 2 adults. Australian mob 0412 345 678, Mick', 'Mick'],
  ])('%s', (text, name) => {
    expect(lead(text).name).toBe(name);
  });
});

describe('a phone number beside the country it is from', () => {
  it.each<[string, string]>([
    ['My SG number is 9876 1234', '+6598761234'],
    ['Australian mob 0412 345 678', '+61412345678'],
    ['uk mobile 07911 123456', '+447911123456'],
    // a number that is not one of the named country's is the hotel's
    ['we are from Singapore, call 012-345 6789', '+60123456789'],
    ['call 012-345 6789', '+60123456789'],
  ])('%s', (text, phone) => {
    expect(contactsIn(text).phone).toBe(phone);
  });
});

describe('parties counted per room or with the writer', () => {
  it.each<[string, number]>([
    ['Can we get a room 26-28 Dec? me + wife + 3 kids', 5],
    ['booking 26-28 Dec, 2 rooms, 2 adults each', 4],
    ['booking 26-28 Dec, 3 rooms, 2 pax per room', 6],
    ['booking 26-28 Dec, 1 room, 2 adults each', 2],
    ['2 rooms 26-28 Dec, each 2 adults', 4],
    ['booking 26-28 Dec, 2 rooms for 3 adults', 3],
  ])('%s', (text, guests) => {
    expect(lead(text).guests).toBe(guests);
  });
});

describe('dates that are vague, listed as a following day, or given up', () => {
  it.each<[string, string | null, string | null]>([
    ['Hi, mid-Jan, 2 nights, 2 adults, do u have any rooms?', null, null],
    ['any rooms early January for 3 nights, 2 adults?', null, null],
    ['any rooms Jan 12, 2 nights, 2 adults?', '2027-01-12', '2027-01-14'],
    ['any room for tmrw and the day after for 2 adults?', '2026-11-22', '2026-11-24'],
    ['room for 2 on 28 Nov and the night after please', '2026-11-28', '2026-11-30'],
    ['cancel the 26 Dec booking and book 2 Jan instead, 2 nights, 2 adults', '2027-01-02', '2027-01-04'],
    ['please book 2 Jan for 2 nights instead of 26 Dec, 2 adults', '2027-01-02', '2027-01-04'],
    ['can I book 26 Dec for 2 nights for 2 adults? if I cancel later is it free?', '2026-12-26', '2026-12-28'],
    ['cancel my booking for 24 Dec and book 31 Dec for 1 night instead, 2 pax', '2026-12-31', '2027-01-01'],
  ])('%s', (text, checkIn, checkOut) => {
    expect(lead(text)).toMatchObject({ checkIn, checkOut, intent: 'room_booking' });
  });

  it('does not count the day of a booking given up as its party', () => {
    expect(lead('cancel my booking for 24 Dec and book 31 Dec for 1 night instead, 2 pax').guests).toBe(2);
  });

  it('asks for a stay in a part of a month without inventing its dates, and keeps a question about it plain', () => {
    expect(lead('end of jan 3 nights for 2 adults pls')).toMatchObject({ checkIn: null, checkOut: null, guests: 2, intent: 'room_booking' });
    expect(lead('awal Januari 2 malam untuk 2 orang dewasa')).toMatchObject({ checkIn: null, guests: 2, intent: 'room_booking' });
    expect(lead('is the pool open in mid-Jan? we are 2 adults')).toMatchObject(NOTHING_INVENTED);
  });

  it('keeps a cancellation alone a question about a booking already made', () => {
    expect(lead('pls cancel my booking on 26 Dec')).toMatchObject(NOTHING_INVENTED);
  });

  it('reads 圣诞夜 as Christmas Eve and 圣诞节 as Christmas Day', () => {
    expect(lead('订桌，圣诞夜晚餐，八位')).toMatchObject({ checkIn: '2026-12-24', guests: 8, intent: 'dining' });
    expect(lead('圣诞节午餐订位，四位')).toMatchObject({ checkIn: '2026-12-25', guests: 4, intent: 'dining' });
  });
});

describe('a question told with a story is not a booking; what a request verb governs is', () => {
  it.each([
    "flying in for my best friend's wedding on 5 Dec, 3 of us, is the airport car RM 90?",
    'what time does the christmas party start? we are 3 adults',
    'can our 5 kids swim in the adult pool on Sunday? we are here for a family reunion',
    'kami 10 orang datang majlis kahwin 28 Nov, ada tempat letak kereta?',
    'boleh ke kami 5 orang tidur satu bilik pada 5 Dis?',
    'hello what time does the seafood buffet close, 4 of us may be late on Friday',
    // a question about when or how to book, whatever details come with it
    'how far ahead must I reserve the private dinner? we are 2 and it is for a proposal',
    'do we need to book the squash court? there are 4 of us',
    'is it possible to book a late checkout on 30 Nov?',
    'is it worth reserving the seafood buffet or can we just walk in? 6 of us on Friday',
    'should I book the spa early for 2 people on 24 Dec?',
    '想问一下年会需要提前多久预订？大概50人',
    // a request for something that is not a stay, a meal or an event
    'Can I reserve a sunbed for 2 tomorrow?',
    'book the squash court for 4 on 28 Nov',
  ])('%s', (text) => {
    expect(lead(text)).toMatchObject(NOTHING_INVENTED);
  });

  it('reads the request a story comes with', () => {
    expect(lead('pls hold 3 rooms 5-7 Dec for our wedding guests, 6 adults')).toMatchObject({ intent: 'room_booking', checkIn: '2026-12-05', checkOut: '2026-12-07', guests: 6 });
    expect(lead('Can I book a room for 2 on 24 Dec for 1 night? We are in town for a wedding')).toMatchObject({ intent: 'room_booking', checkIn: '2026-12-24', checkOut: '2026-12-25', guests: 2 });
    expect(lead('nak tempahan bilik 5-6 Dis, 2 dewasa, datang majlis kahwin kawan')).toMatchObject({ intent: 'room_booking', checkIn: '2026-12-05', checkOut: '2026-12-06', guests: 2 });
    expect(lead('any chance of a room on 1 Dec? 2 pax')).toMatchObject({ intent: 'room_booking', checkIn: '2026-12-01', guests: 2 });
    expect(lead('we need your lawn for a staff family day on 12 Dec, 150 pax, with lunch')).toMatchObject({ intent: 'event', checkIn: '2026-12-12', checkOut: '2026-12-12', guests: 150 });
    expect(lead('reserve a table for 12 on 28 Nov, it is our school reunion')).toMatchObject({ intent: 'dining', checkIn: '2026-11-28', checkOut: null, guests: 12 });
    expect(lead('Lunch for 3 on the 29th?')).toMatchObject({ intent: 'dining', checkIn: '2026-11-29', guests: 3 });
    expect(lead('pls book a bed for 1 tonight')).toMatchObject({ intent: 'room_booking', checkIn: '2026-11-21', checkOut: '2026-11-22', guests: 1 });
    expect(lead('book a double for 2 on 5 Dec')).toMatchObject({ intent: 'room_booking', checkIn: '2026-12-05', guests: 2 });
    expect(lead('need 4 rooms and a meeting room 3-4 Dec for our sales workshop, 8 pax')).toMatchObject({ intent: 'event', checkIn: '2026-12-03', checkOut: '2026-12-04', guests: 8 });
  });

  it('reads a question that asks for a meal, an event or a venue to be held as a request', () => {
    expect(lead('Wedding on 14 Feb 2027 for 300 pax, is the ballroom free?')).toMatchObject({ intent: 'event', checkIn: '2027-02-14', guests: 300 });
    expect(lead('can we have our company dinner here on 18 Dec? 60 pax')).toMatchObject({ intent: 'event', checkIn: '2026-12-18', guests: 60 });
    expect(lead('can we come for dinner on 28 Nov, 6 pax?')).toMatchObject({ intent: 'dining', checkIn: '2026-11-28', checkOut: null, guests: 6 });
    expect(lead('is there space for 20 people for a birthday dinner on 5 Dec?')).toMatchObject({ intent: 'dining', checkIn: '2026-12-05', guests: 20 });
    expect(lead('NYE dinner, 4 pax, 8pm, can?')).toMatchObject({ intent: 'dining', checkIn: '2026-12-31', guests: 4 });
    expect(lead('can I bring my own cake to the cafe on 28 Nov? we are 5')).toMatchObject(NOTHING_INVENTED);
  });

  it('does not count a request for something other than a stay as asking for one', () => {
    expect(lead('Can I reserve a sunbed for 2 tomorrow?').requested).toBe(false);
    expect(lead('how far ahead should we book? 2 adults, 24-26 Dec').requested).toBe(false);
    expect(lead('can I book a room for 24-26 Dec?').requested).toBe(true);
  });

  it('reads a stay of several nights asked about with its party as a stay planned, and a single night as a question', () => {
    expect(lead('Is the family room fine for 2 adults and 2 kids from 3 to 5 Dec?')).toMatchObject({ intent: 'room_booking', checkIn: '2026-12-03', checkOut: '2026-12-05', guests: 4 });
    expect(lead('can 5 adults fit in the family room on 3 Dec or do we need 2 rooms?')).toMatchObject(NOTHING_INVENTED);
  });

  it('does not read an ordinal that counts a birthday or a floor as a day of the month', () => {
    expect(lead("we'd like to hold our son's 1st birthday party on 6 Dec for 30 guests")).toMatchObject({ intent: 'event', checkIn: '2026-12-06', guests: 30 });
    expect(lead('can we book a room on the 3rd floor from the 28th for 2 nights, 2 adults')).toMatchObject({ checkIn: '2026-11-28', checkOut: '2026-11-30' });
  });

  it('reads a name after "name under", and a given name that is also a common word closing the message', () => {
    expect(lead('table for 3 tonight 8pm, name under Rashid').name).toBe('Rashid');
    expect(lead('need a room tonight for 1, arriving ~11pm. Dan').name).toBe('Dan');
    expect(lead('need a room tonight. Regards, Will').name).toBe('Will');
    expect(lead('nak bilik malam ni untuk saya dan isteri').name).toBeNull();
  });
});

describe('requests named by what is held', () => {
  const read = (q: string) => extractLead(q, { today: '2026-12-09', country: 'MY' });
  it('reads a room type named after a venue ("a Pavilion King") as a guest room, and the venue alone as a venue', () => {
    expect(read('Hi, pls hold one Pavilion King for 24 and 25 Dec, 2 adults')).toMatchObject({ intent: 'room_booking', checkIn: '2026-12-24', guests: 2 });
    expect(read('Can we book the pavilion for a party of 40 on 3 Jan?')).toMatchObject({ intent: 'event', checkIn: '2027-01-03', guests: 40 });
  });

  it('reads a guest travelling in for someone else\'s event as attending it, not holding it', () => {
    expect(read("We are flying in for my sister's wedding, how much is the airport car? three of us")).toMatchObject({ intent: 'other', guests: null });
    expect(read("Could we book the ballroom for our son's wedding on 3 March? About 200 guests")).toMatchObject({ intent: 'event', checkIn: '2027-03-03', guests: 200 });
  });

  it('reads a Chinese guest wanting to hold an event on a date as an event request, even when she asks if the hall suits', () => {
    expect(read('我们想在1月8日举办公司年会，大约80人，请问会议室可以吗？')).toMatchObject({ intent: 'event', checkIn: '2027-01-08', guests: 80 });
    expect(read('你们的宴会厅可以容纳多少人？')).toMatchObject({ intent: 'other', checkIn: null, guests: null });
  });
});
