import { describe, expect, it } from 'vitest';
import { booking, plain, scoreTable, type LeadRow } from '../../../test/support/lead-table.js';

/*
 * A second fresh table of booking, event and dining inquiries and plain questions, written by hand
 * for issue 14 before any tuning, the way guests write on WhatsApp and email: lower case, no
 * punctuation, slang, Malay, Malay-English and Chinese, phone numbers from Malaysia, Singapore, the
 * UK, Australia and India with and without their country code, names in sign-offs, parties written
 * as sums or in words, holidays and relative dates, and a changed booking whose new date counts.
 * About two fifths are plain questions that mention dates, times, numbers, rooms, prices or people
 * without asking to book. Every fifth row of the table as written is kept aside in
 * lead-extraction.fresh2-aside.test.ts and was run only at the end, to report.
 * The hotel's today is Wednesday 2026-12-09; the hotel is in Malaysia.
 */
const today = '2026-12-09';

const rows: LeadRow[] = [
  booking("hi im sarah, need a room 26th-28th for me n my hubby, 012 778 9900", {name: "sarah", phone: "+60127789900", email: null, checkIn: "2026-12-26", checkOut: "2026-12-28", guests: 2, intent: "room_booking"}),
  plain("what time does the spa close on xmas eve"),
  booking("Hello, we are a family of 5 looking for a room from the 3rd for 2 nights. Thanks, Deepak Menon, +91 98450 12345", {name: "Deepak Menon", phone: "+919845012345", email: null, checkIn: "2027-01-03", checkOut: "2027-01-05", guests: 5, intent: "room_booking"}),
  plain("how much is the deluxe room per night for 2 adults?"),
  booking("cancel the 26 Dec booking and book 2 Jan instead, 2 nights, same 2 adults. Aminah 017-221 3344", {name: "Aminah", phone: "+60172213344", email: null, checkIn: "2027-01-02", checkOut: "2027-01-04", guests: 2, intent: "room_booking"}),
  plain("is there a shuttle to the airport at 5am on 27 dec"),
  booking("nak book bilik hujung minggu ni, 2 dewasa 2 kanak-kanak. nama saya Rahimah, 013-998 1122", {name: "Rahimah", phone: "+60139981122", email: null, checkIn: "2026-12-12", checkOut: "2026-12-13", guests: 4, intent: "room_booking"}),
  booking("我想订房，一月五日到一月七日，两个人。我叫林志明，邮箱 zhiming.lin@163.com", {name: "林志明", phone: null, email: "zhiming.lin@163.com", checkIn: "2027-01-05", checkOut: "2027-01-07", guests: 2, intent: "room_booking"}),
  booking("room for this coming Fri, 1 nite, 3 adults. cheers, Tom Baker", {name: "Tom Baker", phone: null, email: null, checkIn: "2026-12-11", checkOut: "2026-12-12", guests: 3, intent: "room_booking"}),
  booking("Hi! Can we get a room Fri-Sun? me + wife + 3 kids. Phone +61 412 345 678. Thanks, Liam", {name: "Liam", phone: "+61412345678", email: null, checkIn: "2026-12-11", checkOut: "2026-12-13", guests: 5, intent: "room_booking"}),
  plain("whats the cheapest room rate in january"),
  booking("hey, booking for new year's eve, 2 rooms, 2 adults each, 2 nights. Rgds Jasmine Lee, jasmine.lee@hotmail.com", {name: "Jasmine Lee", phone: null, email: "jasmine.lee@hotmail.com", checkIn: "2026-12-31", checkOut: "2027-01-02", guests: 4, intent: "room_booking"}),
  booking("Dinner reservation for 2 adults 1 child tmrw 7.30pm pls. thx, Nisha", {name: "Nisha", phone: null, email: null, checkIn: "2026-12-10", checkOut: null, guests: 3, intent: "dining"}),
  booking("Hi, mid-Jan, 2 nights, 2 adults, do u have any rooms? Ahmad Faizal 0192223344", {name: "Ahmad Faizal", phone: "+60192223344", email: null, checkIn: null, checkOut: null, guests: 2, intent: "room_booking"}),
  plain("Ada kolam renang untuk budak tak? anak saya 6 tahun"),
  booking("Saya nak tempah bilik 5 Januari hingga 8 Januari untuk 3 orang. Terima kasih, Faridah", {name: "Faridah", phone: null, email: null, checkIn: "2027-01-05", checkOut: "2027-01-08", guests: 3, intent: "room_booking"}),
  plain("what time is breakfast served on 1 Jan?"),
  booking("hi can i book 2 nights from 18/12 for 2 pax? email: wl.chan@gmail.com", {name: null, phone: null, email: "wl.chan@gmail.com", checkIn: "2026-12-18", checkOut: "2026-12-20", guests: 2, intent: "room_booking"}),
  booking("Table for 4 on new year's eve at the rooftop, around 9pm. Name's Derek, +60 12-345 1122", {name: "Derek", phone: "+60123451122", email: null, checkIn: "2026-12-31", checkOut: null, guests: 4, intent: "dining"}),
  plain("my wife and i stayed 3 nights last month, can you send the invoice?"),
  plain("Is late check out until 2pm possible on sunday?"),
  booking("Good afternoon, we would like to enquire about holding our engagement ceremony on 23 Jan 2027 for about 120 guests. Kindly contact me at 012-600 7001. Thank you, Puan Zarina", {name: "Zarina", phone: "+60126007001", email: null, checkIn: "2027-01-23", checkOut: "2027-01-23", guests: 120, intent: "event"}),
  booking("book room tmrw until sat, 2 ppl. -Ravi", {name: "Ravi", phone: null, email: null, checkIn: "2026-12-10", checkOut: "2026-12-12", guests: 2, intent: "room_booking"}),
  plain("how many people can fit in the family suite? 5?"),
  plain("Is the restaurant open on christmas day? what time?"),
  booking("Boleh tempah meja makan tengah hari untuk 10 orang pada 20 Disember? Nama: Azman, tel 019-445 5667", {name: "Azman", phone: "+60194455667", email: null, checkIn: "2026-12-20", checkOut: null, guests: 10, intent: "dining"}),
  booking("订桌，圣诞夜晚餐，八位，谢谢。何先生 012-778 8990", {name: "何", phone: "+60127788990", email: null, checkIn: "2026-12-24", checkOut: null, guests: 8, intent: "dining"}),
  plain("do you have baby cots? my son is 1 year old"),
  plain("how much is parking per day, RM10?"),
  booking("team building for 25 pax on 14-15 Jan, need rooms + meeting room, pls send quote. Rgds, Melissa Yap, HR, melissa.yap@techco.com.my", {name: "Melissa Yap", phone: null, email: "melissa.yap@techco.com.my", checkIn: "2027-01-14", checkOut: "2027-01-15", guests: 25, intent: "event"}),
  booking("hi can book 1 room for tonight? just me. Farhan 0138889999", {name: "Farhan", phone: "+60138889999", email: null, checkIn: "2026-12-09", checkOut: "2026-12-10", guests: 1, intent: "room_booking"}),
  plain("we are 2 adults, is breakfast included in the rate?"),
  plain("what's the wifi password for room 1203"),
  booking("hello im raj, looking for room for 4 adults 29-30 dec, contact +91-98200-11223", {name: "raj", phone: "+919820011223", email: null, checkIn: "2026-12-29", checkOut: "2026-12-30", guests: 4, intent: "room_booking"}),
  booking("Birthday dinner for my mum this Saturday, 12 people, can reserve a private room? Thanks, Yvonne Lim 016-777 8881", {name: "Yvonne Lim", phone: "+60167778881", email: null, checkIn: "2026-12-12", checkOut: null, guests: 12, intent: "dining"}),
  plain("Boleh saya tukar bilik ke tingkat atas? Bilik 512 bising"),
  plain("Does the deluxe room have 2 queen beds or 1 king?"),
  booking("Nak book 2 bilik utk 5 org, 31 Dis sampai 2 Jan. saya Syafiq 0125556677", {name: "Syafiq", phone: "+60125556677", email: null, checkIn: "2026-12-31", checkOut: "2027-01-02", guests: 5, intent: "room_booking"}),
  plain("how far is the beach from the hotel, like 10 min walk?"),
  booking("We are planning a wedding lunch 6 March 2027, about 250 pax, halal. Pls whatsapp me +60 13-222 1111 (Hidayah)", {name: "Hidayah", phone: "+60132221111", email: null, checkIn: "2027-03-06", checkOut: "2027-03-06", guests: 250, intent: "event"}),
  booking("我叫王丽，想订12月22日一晚，一个人，电话0126667788", {name: "王丽", phone: "+60126667788", email: null, checkIn: "2026-12-22", checkOut: "2026-12-23", guests: 1, intent: "room_booking"}),
  plain("游泳池几点开？"),
  booking("Can I reserve a room for 3 nights starting this Sunday? 2 adults 2 kids. Thx\n\nSiti Nurhaliza\n+6019 876 5432", {name: "Siti Nurhaliza", phone: "+60198765432", email: null, checkIn: "2026-12-13", checkOut: "2026-12-16", guests: 4, intent: "room_booking"}),
  booking("lunch for 2 on the 24th? name lee", {name: "Lee", phone: null, email: null, checkIn: "2026-12-24", checkOut: null, guests: 2, intent: "dining"}),
  booking("hi, need 1 room from the 15th to 17th jan, family of 4. thanks, Mr & Mrs Tan, 012-888 1234", {name: "Tan", phone: "+60128881234", email: null, checkIn: "2027-01-15", checkOut: "2027-01-17", guests: 4, intent: "room_booking"}),
  plain("Can I check in at 11am if I arrive early on the 20th?"),
  booking("Hi, we'd like a room for 2 from 27 Dec, checking out on the 30th. Email me at tony.r@gmail.com, Tony", {name: "Tony", phone: null, email: "tony.r@gmail.com", checkIn: "2026-12-27", checkOut: "2026-12-30", guests: 2, intent: "room_booking"}),
  plain("what's the price for extra bed? RM 80?"),
  plain("is there a halal chinese restaurant nearby open till 11pm"),
  booking("can i book a room for 2 adults from 10 to 13 februari? nama saya Nur Izzati", {name: "Nur Izzati", phone: null, email: null, checkIn: "2027-02-10", checkOut: "2027-02-13", guests: 2, intent: "room_booking"}),
  booking("想订一月十号到十二号的房间，两大两小。联系：郑先生 +60 16-223 8899", {name: "郑", phone: "+60162238899", email: null, checkIn: "2027-01-10", checkOut: "2027-01-12", guests: 4, intent: "room_booking"}),
  plain("Hi, what's the max number of people per room? we are 3"),
  plain("Can the hotel arrange a taxi for 4 people to KLIA at 6am?"),
  booking("Hi team, booking request for our annual general meeting, 28 Jan 2027, 70 attendees, with lunch. Contact: Encik Kamarul, kamarul@abc.org.my, 03-8899 1100", {name: "Kamarul", phone: "+60388991100", email: "kamarul@abc.org.my", checkIn: "2027-01-28", checkOut: "2027-01-28", guests: 70, intent: "event"}),
  plain("Is the gym free for hotel guests or RM20?"),
  booking("any rooms avail 26th dec to 1st jan? 2 adults, pls reply to alice.w@yahoo.com.sg thanks Alice", {name: "Alice", phone: null, email: "alice.w@yahoo.com.sg", checkIn: "2026-12-26", checkOut: "2027-01-01", guests: 2, intent: "room_booking"}),
  booking("hye nak tanya ada bilik kosong tak malam esok utk 3 org? Hubungi Nabil 011-3344 5566", {name: "Nabil", phone: "+601133445566", email: null, checkIn: "2026-12-10", checkOut: "2026-12-11", guests: 3, intent: "room_booking"}),
  plain("Do you have vegetarian options at the buffet? 2 of us are vegan"),
  booking("Reserve high tea for 5 ladies on 16 Dec, 3pm. Thanks, Rosalind", {name: "Rosalind", phone: null, email: null, checkIn: "2026-12-16", checkOut: null, guests: 5, intent: "dining"}),
  plain("What's the difference between superior and deluxe rooms? price?"),
  plain("is it ok if 3 adults share a deluxe room?"),
  booking("Hi I'm Arjun. Need a room for 2 this Saturday, 1 night. arjun.k@outlook.com / +91 90000 12345", {name: "Arjun", phone: "+919000012345", email: "arjun.k@outlook.com", checkIn: "2026-12-12", checkOut: "2026-12-13", guests: 2, intent: "room_booking"}),
  plain("是否有免费停车位？我们有两辆车"),
  booking("Saya nak buat tempahan makan malam untuk 6 orang hari Sabtu ni jam 8 malam. Terima kasih, Ismail", {name: "Ismail", phone: null, email: null, checkIn: "2026-12-12", checkOut: null, guests: 6, intent: "dining"}),
  booking("Looking for a room 2 adults 24-27 Dec, budget around RM300/night. Regards, Mohd Firdaus, 0197654321", {name: "Mohd Firdaus", phone: "+60197654321", email: null, checkIn: "2026-12-24", checkOut: "2026-12-27", guests: 2, intent: "room_booking"}),
  plain("can i pay RM 500 deposit by bank transfer?"),
  booking("We'd like to hold a product launch dinner on 5 Feb 2027, around 90 guests. Please get back to me. Thanks,\nKaren Teoh\nEvents Lead\n+60 12-606 7070", {name: "Karen Teoh", phone: "+60126067070", email: null, checkIn: "2027-02-05", checkOut: "2027-02-05", guests: 90, intent: "event"}),
  plain("what time does the kids club open on weekends?"),
  plain("how much is a day pass for the pool for 2 adults?"),
  booking("想预订这个周六的午餐，四位，我姓梁，电话016-555 3322", {name: "梁", phone: "+60165553322", email: null, checkIn: "2026-12-12", checkOut: null, guests: 4, intent: "dining"}),
  plain("Hi, is 26 Dec a public holiday in Malaysia?"),
  booking("need a room ASAP tonight for 2, Jordan +60 11 5566 7788", {name: "Jordan", phone: "+601155667788", email: null, checkIn: "2026-12-09", checkOut: "2026-12-10", guests: 2, intent: "room_booking"}),
  booking("hi, can i book 1 room 2 adults for 2 nights, check in 8 jan. Thank you. Best, Nadia", {name: "Nadia", phone: null, email: null, checkIn: "2027-01-08", checkOut: "2027-01-10", guests: 2, intent: "room_booking"}),
  plain("Hi can u tell me if room 1502 is a sea view room?"),
  booking("Boleh saya tempah dewan untuk majlis hari jadi anak pada 27 Disember, 60 orang? Saya Puan Rohani 012-778 3344", {name: "Rohani", phone: "+60127783344", email: null, checkIn: "2026-12-27", checkOut: "2026-12-27", guests: 60, intent: "event"}),
  plain("how many rooms does the hotel have?"),
  plain("is the bar open until 2am on NYE?"),
  booking("我要订两间房，12月28号到31号，四个大人。谢谢，苏小姐 sushan@qq.com", {name: "苏", phone: null, email: "sushan@qq.com", checkIn: "2026-12-28", checkOut: "2026-12-31", guests: 4, intent: "room_booking"}),
  plain("My booking ref HV-55120 is for 2 nights, can I add breakfast?"),
  booking("hi pls reserve breakfast for 3 pax on 1 jan at 9am, Vincent", {name: "Vincent", phone: null, email: null, checkIn: "2027-01-01", checkOut: null, guests: 3, intent: "dining"}),
  booking("Greetings! I'd like to reserve a twin room for 14-16 Feb 2027 for 2 adults. Please confirm. Regards, Ms. Lakshmi Devi, +60 17 223 9090", {name: "Lakshmi Devi", phone: "+60172239090", email: null, checkIn: "2027-02-14", checkOut: "2027-02-16", guests: 2, intent: "room_booking"}),
  plain("Is the ballroom wheelchair accessible? my dad is 80"),
  booking("room for 1 adult, sun-tue, thx Ben Carter", {name: "Ben Carter", phone: null, email: null, checkIn: "2026-12-13", checkOut: "2026-12-15", guests: 1, intent: "room_booking"}),
  plain("can i get an extra pillow and 2 more towels to room 407"),
  plain("Why was I charged RM 250 twice for my stay on 1 Dec?"),
  booking("hi, pls book a room for xmas, 24th to 26th, for a couple. thanks, ellie", {name: "ellie", phone: null, email: null, checkIn: "2026-12-24", checkOut: "2026-12-26", guests: 2, intent: "room_booking"}),
  plain("Is there a microwave in the room? we're staying 5 nights"),
  booking("A family of 4 (2 adults 2 kids) would like to stay 1 night on 19 Dec. Kindly revert to 012-121 9090. Regards, Loh", {name: "Loh", phone: "+60121219090", email: null, checkIn: "2026-12-19", checkOut: "2026-12-20", guests: 4, intent: "room_booking"}),
  booking("Saya nak booking bilik 2 malam mulai 12 Januari, 2 dewasa 1 bayi. Nama saya Hairul, email hairul.a@gmail.com", {name: "Hairul", phone: null, email: "hairul.a@gmail.com", checkIn: "2027-01-12", checkOut: "2027-01-14", guests: 3, intent: "room_booking"}),
  plain("请问早餐几点到几点？"),
  booking("Need a room for 3 nights from 18th Dec for 2 adults & 1 kid aged 4. Thank you!\n-- \nMaya Pillai\nmaya.pillai@gmail.com", {name: "Maya Pillai", phone: null, email: "maya.pillai@gmail.com", checkIn: "2026-12-18", checkOut: "2026-12-21", guests: 3, intent: "room_booking"}),
  plain("is there a 2 for 1 deal on cocktails at happy hour 5-7pm?"),
  plain("hi my flight lands 11pm on the 19th, is reception open that late?"),
  booking("Dear Sir, we are a group of 12 teachers and would like 6 rooms from 21 to 23 December. Please quote. Thank you. Cikgu Nor Aziah, 019-882 7711", {name: "Nor Aziah", phone: "+60198827711", email: null, checkIn: "2026-12-21", checkOut: "2026-12-23", guests: 12, intent: "room_booking"}),
  plain("Do you allow 2 small dogs?"),
  booking("hi, any room for tmrw and the day after for 2 adults? Amir", {name: "Amir", phone: null, email: null, checkIn: "2026-12-10", checkOut: "2026-12-12", guests: 2, intent: "room_booking"}),
  booking("我想在2月6号订房，住三晚，两个大人，我叫吴嘉欣", {name: "吴嘉欣", phone: null, email: null, checkIn: "2027-02-06", checkOut: "2027-02-09", guests: 2, intent: "room_booking"}),
  plain("can you recommend a restaurant nearby for 10 people?"),
  booking("Hi, need 1 room 26 to 27 Dec for 2. My SG number is 9876 1234. - Wei Ling", {name: "Wei Ling", phone: "+6598761234", email: null, checkIn: "2026-12-26", checkOut: "2026-12-27", guests: 2, intent: "room_booking"}),
  booking("book room 2 adults 3 nights frm 28/12, tq. Australian mob 0412 345 678, Mick", {name: "Mick", phone: "+61412345678", email: null, checkIn: "2026-12-28", checkOut: "2026-12-31", guests: 2, intent: "room_booking"}),
  plain("When does the Christmas eve buffet start, 6.30pm or 7pm?"),
  booking("hello, we r 3 couples looking for 3 rooms on 30 Dec, 1 night. Rgds, Wong Kar Mun, +6012-909 8877", {name: "Wong Kar Mun", phone: "+60129098877", email: null, checkIn: "2026-12-30", checkOut: "2026-12-31", guests: 6, intent: "room_booking"}),
  plain("do u have a family room that sleeps 2 adults and 3 kids? how much"),
  plain("我上个月住了两晚，发票可以寄给我吗？"),
];

describe('a second fresh table: booking inquiries become exact leads, plain questions get nothing invented', () => {
  it('gets every field right on the booking inquiries it holds and invents nothing for plain questions', () => {
    const score = scoreTable(rows, today);
    expect(score.bookings + score.plain).toBe(rows.length);
    expect({ exact: score.exact, invented: score.invented, wrong: score.wrong }).toEqual({ exact: score.bookings, invented: 0, wrong: [] });
  });
});
