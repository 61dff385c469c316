import { describe, expect, it } from 'vitest';
import { booking, plain, scoreTable, type LeadRow } from '../../../test/support/lead-table.js';

/*
 * A third fresh table, written by hand for issue 14 point 5 before any tuning: plain questions that
 * come wrapped in a story (a wedding, a proposal, an anniversary, a conference, a party size, a date,
 * a time) and questions about booking ("how far ahead must I book", "do I need to book") that ask
 * nothing to be reserved, next to real room, event and dining requests, some as chatty, in English,
 * Malay, Malay-English and Chinese, the way guests write on WhatsApp. About three fifths are plain
 * questions. Every fifth row of the table as written is kept aside in
 * lead-extraction.fresh3-aside.test.ts and is run only at the end, to report.
 * The hotel's today is Wednesday 2026-12-09; the hotel is in Malaysia.
 */
const today = '2026-12-09';

const rows: LeadRow[] = [
  plain("we're driving down from Ipoh for my sister's wedding on the 19th, 6 of us, do you run a shuttle to the Majestic?"),
  booking("hi, pls hold 2 rooms for 18-20 Dec, my cousin's wedding, 4 adults total. Rgds Kavitha 012-334 5566", {name: "Kavitha", phone: "+60123345566", email: null, checkIn: "2026-12-18", checkOut: "2026-12-20", guests: 4, intent: "room_booking"}),
  plain("how far in advance do i need to book the spa? thinking couples massage on our honeymoon"),
  plain("celebrating our 10th anniversary next week 😊 do you do flower decoration in the room?"),
  plain("do I need to book the tennis court or can we just walk in? we're 4"),
  booking("We would like to book the garden for our solemnisation on 9 Jan 2027, around 80 guests. Please call 019-223 4455, Aisyah", {name: "Aisyah", phone: "+60192234455", email: null, checkIn: "2027-01-09", checkOut: "2027-01-09", guests: 80, intent: "event"}),
  plain("is it possible to book late checkout on the 27th? our flight is at 9pm"),
  plain("in KL for a medical conference with two colleagues, is there a printer we can use in the lobby?"),
  plain("my parents' golden anniversary is on new year's day, can the restaurant write a message on a cake?"),
  plain("hi, 3 adults and a toddler here, do you provide a baby bath?"),
  booking("nak tempah 1 bilik untuk 2 malam mulai 20 Dis, 2 dewasa. Nama saya Zulkifli 013-445 6677", {name: "Zulkifli", phone: "+60134456677", email: null, checkIn: "2026-12-20", checkOut: "2026-12-22", guests: 2, intent: "room_booking"}),
  plain("can 4 people squeeze into a deluxe room on 28 Dec or must we take 2 rooms?"),
  booking("我想订12月24号平安夜晚餐，六位，靠窗。陈小姐 016-889 2211", {name: "陈", phone: "+60168892211", email: null, checkIn: "2026-12-24", checkOut: null, guests: 6, intent: "dining"}),
  plain("is the rooftop nice for a proposal at sunset? planning to pop the question on the 20th haha"),
  plain("what's the dress code for the NYE gala? we're 2 couples"),
  booking("Hi, please reserve 3 single rooms for a conference, 12-14 Jan, 3 people, one room each. Thanks, Rahul Iyer, rahul.iyer@medconf.org", {name: "Rahul Iyer", phone: null, email: "rahul.iyer@medconf.org", checkIn: "2027-01-12", checkOut: "2027-01-14", guests: 3, intent: "room_booking"}),
  plain("we arrive 2am on the 18th after a long drive from JB, is someone at the front desk then?"),
  booking("Booking request: family day for our staff, 200 pax, 7 Feb 2027, need the lawn and lunch. Contact Farah, HR, farah@petrosyn.com.my", {name: "Farah", phone: null, email: "farah@petrosyn.com.my", checkIn: "2027-02-07", checkOut: "2027-02-07", guests: 200, intent: "event"}),
  plain("how much is the airport pickup for 5 pax with luggage?"),
  booking("can u arrange a birthday dinner for 8 on the 19th at 7.30pm? my wife's 40th. Jason 017-665 4433", {name: "Jason", phone: "+60176654433", email: null, checkIn: "2026-12-19", checkOut: null, guests: 8, intent: "dining"}),
  plain("nak tanya, perlu tempah awal ke untuk spa? minggu depan hari jadi isteri saya"),
  booking("hi we need a room for new year's eve, 1 night, 2 adults, came for the fireworks haha. -Priya", {name: "Priya", phone: null, email: null, checkIn: "2026-12-31", checkOut: "2027-01-01", guests: 2, intent: "room_booking"}),
  plain("boleh check in awal tak pukul 10 pagi 24hb? kami 4 orang je"),
  plain("ada parking bas tak? rombongan 40 orang datang 3 Jan untuk majlis"),
  plain("我们一家四口圣诞节过来玩，附近有什么景点？"),
  plain("请问订餐厅需要提前多久？我们大概10个人"),
  booking("我们公司想在1月20日办年会，大约150人，请报价。联系人：李国华 lgh@abc.com.my", {name: "李国华", phone: null, email: "lgh@abc.com.my", checkIn: "2027-01-20", checkOut: "2027-01-20", guests: 150, intent: "event"}),
  plain("12月31号晚上有烟花吗？我们两个人想看"),
  plain("我老婆生日是25号，酒店可以帮忙布置房间吗？要另外收费吗？"),
  plain("is there a quiet corner to work? in town for a conference with 3 colleagues, staying till friday"),
  booking("need 2 rooms 27-29 dec for my parents and us, 4 adults total. ok to whatsapp 012 778 0011. Sheila", {name: "Sheila", phone: "+60127780011", email: null, checkIn: "2026-12-27", checkOut: "2026-12-29", guests: 4, intent: "room_booking"}),
  plain("what time does the xmas eve party start and is it ok to bring our 2 kids?"),
  booking("lunch for 5 this sunday 1pm pls, name under Gopal", {name: "Gopal", phone: null, email: null, checkIn: "2026-12-13", checkOut: null, guests: 5, intent: "dining"}),
  plain("can I bring my own birthday cake to the restaurant on Friday? there'll be 6 of us"),
  plain("honeymoon couple here 🥰 any romantic dinner spots within walking distance?"),
  booking("hi, in town for a conference 15-18 Dec, need a single room for myself. Regards, Martin Kraus, martin.kraus@gmx.de", {name: "Martin Kraus", phone: null, email: "martin.kraus@gmx.de", checkIn: "2026-12-15", checkOut: "2026-12-18", guests: 1, intent: "room_booking"}),
  plain("is there a minimum age for the infinity pool? my nephews are 10 and 12"),
  booking("Good morning, I'd like to book your meeting room for a half-day workshop on 17 Dec for 20 participants. Kind regards, Siew Ling Tan, 03-7788 9900", {name: "Siew Ling Tan", phone: "+60377889900", email: null, checkIn: "2026-12-17", checkOut: "2026-12-17", guests: 20, intent: "event"}),
  plain("what's the corkage if we bring wine for our anniversary dinner tomorrow?"),
  plain("hi, is 9.30pm too late to order room service for 3?"),
  plain("does the superior room fit 2 adults + 1 kid without an extra bed?"),
  plain("my company is sending 12 of us for training in feb, do you have corporate rates?"),
  booking("kak, nak book meja makan malam utk 4 org esok jam 8, sambut birthday mak. Nama Aina", {name: "Aina", phone: null, email: null, checkIn: "2026-12-10", checkOut: null, guests: 4, intent: "dining"}),
  plain("is there a halal cert for the chinese restaurant? bringing my in-laws for dinner on sunday, 7 of us"),
  booking("我要订房，12月30号住到1月2号，三个大人。王先生 +65 9876 5432", {name: "王", phone: "+6598765432", email: null, checkIn: "2026-12-30", checkOut: "2027-01-02", guests: 3, intent: "room_booking"}),
  plain("can we book the bbq pit ourselves or does the hotel arrange it?"),
  plain("what time is the countdown party on the 31st? we are 4 adults"),
  booking("Hi, we'd love to host our son's 1st birthday party on 3 Jan in one of your function rooms, about 40 guests incl kids. Pls contact me, Mei Xin 016-223 3445", {name: "Mei Xin", phone: "+60162233445", email: null, checkIn: "2027-01-03", checkOut: "2027-01-03", guests: 40, intent: "event"}),
  plain("bro hotel ada shuttle ke KLCC tak? we all 5 org nak pegi tengok fireworks NYE"),
  booking("can i have a table for 6 for christmas day lunch? thanks, Robert", {name: "Robert", phone: null, email: null, checkIn: "2026-12-25", checkOut: null, guests: 6, intent: "dining"}),
  plain("sis, nak tanya kalau late checkout sampai 3pm hari ahad kena charge berapa?"),
  plain("kalau nak book spa kena bayar deposit ke?"),
  plain("anak saya nak buat sambutan hari jadi ke-5 minggu depan, hotel ada sediakan belon tak?"),
  plain("our flight got delayed, we'll only get in around midnight on the 14th, is that ok?"),
  booking("Nak tempah bilik 2 malam dari 22 Dis, 2 dewasa 1 budak. Terima kasih - Halim", {name: "Halim", phone: null, email: null, checkIn: "2026-12-22", checkOut: "2026-12-24", guests: 3, intent: "room_booking"}),
  plain("we're a group of 20 cyclists passing through on the 11th, is there secure bike storage?"),
  booking("We're 6 girls coming for a bachelorette, please book 3 rooms 16-18 Jan. thx! Nicole", {name: "Nicole", phone: null, email: null, checkIn: "2027-01-16", checkOut: "2027-01-18", guests: 6, intent: "room_booking"}),
  plain("请问可以延迟退房到下午两点吗？我们是来参加婚礼的"),
  plain("你们的健身房几点开门？我和同事三个人来开会"),
  booking("please reserve a table on the terrace for 10 this friday night, school reunion. Kelvin", {name: "Kelvin", phone: null, email: null, checkIn: "2026-12-11", checkOut: null, guests: 10, intent: "dining"}),
  plain("what's the latest I can cancel without penalty? our trip is 22 Dec, 2 of us"),
  booking("想订明天晚上的房间，一晚，两个人。我叫张伟", {name: "张伟", phone: null, email: null, checkIn: "2026-12-10", checkOut: "2026-12-11", guests: 2, intent: "room_booking"}),
  plain("is the spa open on new year's day? my mum and I want a facial"),
  plain("Is breakfast free for 2 kids aged 3 and 5?"),
  plain("How much is the minimum spend for the private dining room for 15 people?"),
  plain("we're coming for the durian festival, 2 families, how far is it from the hotel?"),
  booking("book me a room tonite pls, 1 person, will arrive late ~11pm. Dan", {name: "Dan", phone: null, email: null, checkIn: "2026-12-09", checkOut: "2026-12-10", guests: 1, intent: "room_booking"}),
  plain("any discount if we stay 5 nights in january? family of 4"),
  booking("hi, need a room for 2 adults 2 kids, check in 26 dec check out 29 dec, we're visiting family for christmas. Suresh, +60 12 998 1234", {name: "Suresh", phone: "+60129981234", email: null, checkIn: "2026-12-26", checkOut: "2026-12-29", guests: 4, intent: "room_booking"}),
  plain("hey what time does the nye buffet end, 2 of us might come late after 10pm"),
  plain("my grandma uses a wheelchair, she's coming for the family reunion on the 26th. is there a ramp at the entrance?"),
  booking("Boleh tempah meja untuk 12 orang hari Sabtu ni, makan tengah hari? reunion kawan sekolah. Fauziah 019-776 5544", {name: "Fauziah", phone: "+60197765544", email: null, checkIn: "2026-12-12", checkOut: null, guests: 12, intent: "dining"}),
  plain("is the lobby lounge a good place to meet 3 clients at 4pm tomorrow?"),
  booking("我们想在12月27号借用会议室开一天会，二十个人，麻烦回复 huang.li@gmail.com", {name: null, phone: null, email: "huang.li@gmail.com", checkIn: "2026-12-27", checkOut: "2026-12-27", guests: 20, intent: "event"}),
  plain("how many people can the sunset cruise take? we're a party of 9 for my brother's stag do"),
  plain("hi, our wedding is at another venue on 16 Jan, can our guests park here?"),
  plain("Malam tahun baru ada bunga api tak? kami sekeluarga 5 orang nak tengok dari bilik"),
  plain("is the buffet on christmas eve suitable for a 2 year old?"),
  booking("hi need 1 room 2 nights from tmrw for me and my mum, we're here for my brother's graduation. Chong 011-2345 6789", {name: "Chong", phone: "+601123456789", email: null, checkIn: "2026-12-10", checkOut: "2026-12-12", guests: 2, intent: "room_booking"}),
  plain("do you have a high chair? dinner for 3 adults and a baby tonight at the cafe"),
  booking("Can we book brunch for 3 on Sunday at 11am? Thanks, Leena", {name: "Leena", phone: null, email: null, checkIn: "2026-12-13", checkOut: null, guests: 3, intent: "dining"}),
  plain("请问圣诞节那天泳池开吗？我们三个人"),
  plain("is there a discount for groups of 10 or more at the spa?"),
  booking("pls book a room for 29 dec, 3 nights, 2 pax. rgds Hakim", {name: "Hakim", phone: null, email: null, checkIn: "2026-12-29", checkOut: "2027-01-01", guests: 2, intent: "room_booking"}),
  booking("nak buat tempahan bilik 24-26 Dis untuk 2 dewasa, datang kenduri kawan. Nama saya Shahrul", {name: "Shahrul", phone: null, email: null, checkIn: "2026-12-24", checkOut: "2026-12-26", guests: 2, intent: "room_booking"}),
  booking("hi can i book a table for 4 tonight, 7pm? Ling", {name: "Ling", phone: null, email: null, checkIn: "2026-12-09", checkOut: null, guests: 4, intent: "dining"}),
  plain("is it worth booking the sunset dinner cruise or just walk up on the day?"),
  booking("我们想订1月9号的婚宴，大概200位客人。请联系林太太 012-667 8899", {name: "林", phone: "+60126678899", email: null, checkIn: "2027-01-09", checkOut: "2027-01-09", guests: 200, intent: "event"}),
  plain("can we use the meeting room for free if 3 of us are staying with you?"),
];

/*
 * Before the intent work: 22 of 31 requests exact and 18 of 58 questions given invented details. Left now: "do you
 * have a high chair? dinner for 3 adults and a baby tonight at the cafe" tells a meal with its party in the words
 * of a table booking, and is read as one.
 */
describe('a third fresh table: a question with a story is not a booking, a request is', () => {
  it('gets every field right on all 31 requests and invents details for at most 1 of 58 questions', () => {
    const score = scoreTable(rows, today);
    expect(score.bookings + score.plain).toBe(rows.length);
    expect({ bookings: score.bookings, exact: score.exact, invented: score.invented <= 1 }).toEqual({ bookings: 31, exact: 31, invented: true });
  });
});
