import { findPhoneNumbersInText, type CountryCode } from 'libphonenumber-js';
import { boundGuestText, findEmail } from '../../shared/guest-text.js';
import { bareCheckOut, findDates, findNights, HotelCalendar, lastNamedNight, namesVaguePeriod, type DateMention } from './lead-dates.js';
import { adjacent, findPhrase, foldTypography, hanNumberAt, numberAt, phraseAt, phrases, spelledWord, tokenize, withSpelling, type Token } from './lead-tokens.js';

export type Intent = 'room_booking' | 'event' | 'dining' | 'other';
export type Language = 'en' | 'ms' | 'zh';

export interface ExtractedLead {
  name: string | null;
  phone: string | null;
  email: string | null;
  checkIn: string | null;
  checkOut: string | null;
  guests: number | null;
  roomType: string | null;
  intent: Intent;
  /** The guest asked to book or reserve something ("can I make a booking?"), with or without details. */
  requested: boolean;
  /** Nights the guest asked for, when stated, so a later message's date can still give a check-out. */
  nights: number | null;
}

export interface ExtractOptions {
  /** The hotel's local date (YYYY-MM-DD); every relative or year-less date resolves against it. */
  today: string;
  country?: CountryCode;
  profileName?: string | null;
  /** The conversation is already about this booking: its later messages' dates and party count. */
  context?: Intent;
  /** The hotel's own name: guests write it, and it is never theirs. */
  hotelName?: string | null;
}

const MALAY_WORDS = new Set(['saya', 'nak', 'mahu', 'ingin', 'bilik', 'tempahan', 'tempah', 'berapa', 'harga', 'ada', 'tak', 'tidak', 'boleh', 'untuk', 'malam', 'orang', 'dewasa', 'kanak', 'sarapan', 'terima', 'kasih', 'encik', 'puan', 'esok', 'lusa', 'minggu', 'hari', 'bulan', 'kami', 'kereta', 'letak', 'pukul', 'dekat', 'mana', 'bila', 'sampai', 'hingga', 'dengan', 'ini', 'itu', 'apa', 'ke', 'di', 'dan', 'tu', 'ni']);

/** A cheap language guess for the three languages the hotels see most (reads only the bounded text). */
export function detectLanguage(text: string): Language {
  const t = boundGuestText(text);
  let han = 0;
  for (const ch of t) if (ch >= '\u4e00' && ch <= '\u9fff' && ++han >= 2) return 'zh';
  let malay = 0;
  for (const tok of tokenize(t.toLowerCase())) if (tok.kind === 'word' && MALAY_WORDS.has(tok.w) && ++malay >= 2) return 'ms';
  return 'en';
}

interface Contacts {
  phone: string | null;
  email: string | null;
  /** Character spans of what was read as contacts, so dates and counts skip them. */
  spans: [number, number][];
}

function findContacts(text: string, country: CountryCode): Contacts {
  const spans: [number, number][] = [];
  const email = findEmail(text);
  if (email) spans.push([email.s, email.e]);
  let phone: string | null = null;
  search: for (const [ws, we] of phoneWindows(text)) {
    // "my SG number 9123 4567", "Australian mob 0412 345 678": a country named just before a number without its code
    // (a number that is not one of that country's is read as the hotel's: "from Singapore, 012-345 6789")
    const named = countryNamedBefore(text, ws);
    const found = named && named !== country ? findPhoneNumbersInText(text.slice(ws, we), { defaultCountry: named }) : [];
    for (const p of found.length ? found : findPhoneNumbersInText(text.slice(ws, we), { defaultCountry: country })) {
      const [s, e] = [ws + p.startsAt, ws + p.endsAt];
      const before = text.slice(Math.max(0, s - 4), s).toLowerCase();
      // A price ("RM 1200") or a booking reference ("HV-22913344") is not a phone number.
      if (/(?:rm|myr|\$|usd|sgd|ref)\s?$/.test(before) || /[a-z]/i.test(text.charAt(s - 1))) continue;
      phone = p.number.number;
      spans.push([s, e]);
      break search;
    }
  }
  return { phone, email: email?.email ?? null, spans };
}

// Countries (and their people) guests name beside a phone number, as libphonenumber's region codes.
const PHONE_COUNTRIES: Record<string, CountryCode> = {
  sg: 'SG', singapore: 'SG', singaporean: 'SG', uk: 'GB', british: 'GB', australia: 'AU', australian: 'AU', aus: 'AU', aussie: 'AU',
  india: 'IN', indian: 'IN', indonesia: 'ID', indonesian: 'ID', thailand: 'TH', thai: 'TH', brunei: 'BN', hk: 'HK', usa: 'US',
  malaysia: 'MY', malaysian: 'MY',
};

/** The country a guest names in the few words before a phone number ("my SG no. is"), if any. */
function countryNamedBefore(text: string, at: number): CountryCode | undefined {
  const words = text.slice(Math.max(0, at - 30), at).toLowerCase().split(/[^a-z]+/);
  // the nearest country word wins, and only one among the last few words
  for (let k = words.length - 1; k >= Math.max(0, words.length - 5); k--) {
    const c = PHONE_COUNTRIES[words[k]!];
    if (c) return c;
  }
  return undefined;
}

/**
 * Where a phone number can be: runs of digits and phone punctuation holding at least 7 digits, each at
 * most 40 characters and at most 5 of them, so a hostile run of digits costs the phone parser little.
 */
function phoneWindows(text: string): [number, number][] {
  const out: [number, number][] = [];
  const phoneChar = (c: number) => (c >= 48 && c <= 57) || c === 32 || c === 43 || c === 45 || c === 40 || c === 41 || c === 46;
  for (let i = 0; i < text.length && out.length < 5; ) {
    if (!phoneChar(text.charCodeAt(i)) || text.charCodeAt(i) === 32) {
      i++;
      continue;
    }
    let j = i;
    let digits = 0;
    while (j < text.length && phoneChar(text.charCodeAt(j))) {
      const c = text.charCodeAt(j);
      if (c >= 48 && c <= 57) digits++;
      j++;
    }
    if (digits >= 7) out.push([i, Math.min(j, i + 40)]);
    i = j;
  }
  return out;
}

/** The phone number and email address a guest wrote anywhere in the message (phone in E.164). */
export function contactsIn(text: string, country: CountryCode = 'MY'): { phone: string | null; email: string | null } {
  const { phone, email } = findContacts(foldTypography(boundGuestText(text)), country);
  return { phone, email };
}

/** Whether the message already gives a way to reach the guest, so a reply must not ask for one. */
export function contactGiven(text: string, country: CountryCode = 'MY'): boolean {
  const c = contactsIn(text, country);
  return c.phone !== null || c.email !== null;
}

// ---- words that carry the guest's intent -------------------------------------------------------

const ROOM_WORDS = new Set(['room', 'rooms', 'bilik', 'suite', 'suites', 'villa', 'villas', 'chalet', 'chalets', 'accommodation', 'accomodation', 'studio']);
// "conference room", "prayer room": rooms that are not somewhere to stay.
const NOT_GUEST_ROOM_BEFORE = new Set(['private', 'conference', 'meeting', 'function', 'prayer', 'baggage', 'luggage', 'changing', 'smoking', 'game', 'games', 'store', 'storage', 'living', 'dining', 'board', 'seminar', 'ball', 'powder', 'rest', 'karaoke', 'music', 'play', 'massage', 'treatment', 'event', 'banquet', 'breakout', 'training']);
// A space a guest hires for an event: "the ballroom", "your lawn", "a meeting room", "dewan".
const VENUE_WORDS = new Set(['ballroom', 'hall', 'dewan', 'lawn', 'courtyard', 'venue', 'auditorium', 'pavilion', 'dataran']);
const VENUE_ROOM_BEFORE = new Set(['conference', 'meeting', 'function', 'seminar', 'event', 'banquet', 'breakout', 'training', 'board']);
// A venue word naming a kind of guest room ("a Courtyard Twin", "the Garden Room", "Pavilion Suite").
const ROOM_KIND_AFTER = new Set([...ROOM_WORDS, 'twin', 'twins', 'queen', 'king', 'double', 'single', 'deluxe', 'view']);
const isVenue = (tokens: Token[], i: number): boolean =>
  (VENUE_WORDS.has(tokens[i]!.w) && !ROOM_KIND_AFTER.has(tokens[i + 1]?.w ?? '')) || (ROOM_WORDS.has(tokens[i]!.w) && VENUE_ROOM_BEFORE.has(tokens[i - 1]?.w ?? ''));
// Verbs that ask for something to be held for the guest, and what they govern a few words on.
const REQUEST_VERBS = new Set(['book', 'reserve', 'booking', 'reservation', 'tempah', 'tempahan', 'hold', 'need', 'want', 'get', 'nak', 'mahu', 'perlukan', 'arrange', 'chance']);
const isGuestRoom = (tokens: Token[], i: number): boolean =>
  (ROOM_WORDS.has(tokens[i]!.w) && !NOT_GUEST_ROOM_BEFORE.has(tokens[i - 1]?.w ?? '')) || (VENUE_WORDS.has(tokens[i]!.w) && ROOM_KIND_AFTER.has(tokens[i + 1]?.w ?? ''));
const STRONG_REQUEST = new Set(['book', 'reserve', 'reservation', 'reservations', 'booking', 'bookings', 'tempah', 'tempahan', 'vacancy', 'vacancies', 'availability', 'menginap']);
const NOT_NEW_BOOKING_BEFORE = new Set(['my', 'our', 'the', 'existing', 'your', 'this', 'current', 'previous', 'his', 'her', 'their']);
const NOT_NEW_BOOKING_AFTER = new Set(['ref', 'reference', 'number', 'no', 'id', 'code', 'confirmation', 'is', 'was', 'has']);
// "before we book", "if I reserve", "sebelum kami tempah": a booking the guest may make later, not one asked for now.
const HYPOTHETICAL = new Set(['before', 'if', 'when', 'once', 'until', 'unless', 'sebelum', 'kalau', 'jika', 'bila']);
const BOOKING_PROCESS = new Set(['need', 'needed', 'required', 'require', 'requires', 'necessary', 'compulsory', 'mandatory', 'advance', 'accept', 'accepts', 'how', 'early', 'should', 'must', 'perlu', 'wajib', 'through', 'via', 'online', 'process', 'policy']);
// "how far ahead must I book", "is it worth booking", "do I need to reserve": asks how or when booking works,
// whatever details the guest adds; "how do I book a room for 2 on 27 Dec" still asks for one.
const PROCESS_CUES = new Set(['advance', 'ahead', 'early', 'earlier', 'worth', 'necessary', 'required', 'require', 'requires', 'compulsory', 'mandatory', 'needed', 'ourselves', 'awal', 'wajib']);
const ASK_AUXILIARIES = new Set(['do', 'does', 'did', 'should', 'must', 'shall', 'need']);
const ASKER = new Set(['i', 'we']);
const OBLIGED = new Set(['need', 'have', 'got', 'perlu', 'kena']);
// "can we have our company dinner here on 18 Dec?", "is there space for 20 on 5 Dec?": asks for a meal or an event
// to be held for the guest, in the words of a question
const ASK_FRAMES = phrases('can we have', 'could we have', 'can i have', 'could i have', 'may we have', 'may i have', 'can we hold', 'could we hold', 'can we host', 'can we do', 'can we come',
  'could we come', 'can we get', 'can i get', 'could we get', 'is there space', 'is there room for', 'any space', 'have space', 'got space', 'boleh kami', 'bolehkah kami',
  // "NYE dinner, 4 pax, 8pm, can?": details ended with the Malaysian "can?"
  'can ?', 'can or not', 'boleh ?');
// "or (just) walk in", "first come first served": the alternative to booking that the guest asks about
const WITHOUT_BOOKING = phrases('walk in', 'walk - in', 'walk up', 'walk - up', 'walkin', 'first come', 'just come', 'just turn up', 'just show up');
const OWNED = new Set(['my', 'our', 'existing', 'current']);
const IN_PLACE = new Set(['in', 'inside', 'within', 'dalam', 'di']);
const HELD = new Set(['have', 'had', 'has', 'made', 'got', 'hold', 'holding', 'ada']);
const BOOKED = new Set(['booked', 'reserved', 'prebooked']);
const PERSON = new Set(['i', 'we', 'you', 'they', 'he', 'she', 'saya', 'kami', 'kita', 'aku']);
const hypothetical = (tokens: Token[], i: number): boolean =>
  HYPOTHETICAL.has(tokens[i - 1]?.w ?? '') || (PERSON.has(tokens[i - 1]?.w ?? '') && HYPOTHETICAL.has(tokens[i - 2]?.w ?? ''));
// "staying with you for a wedding", "attending a conference nearby": the guest goes to an event, not holds one.
const ATTEND = new Set(['attend', 'attending', 'attended', 'invited', 'guest', 'guests', 'going', 'datang', 'hadir', 'menghadiri']);
const REQUEST_PHRASES = phrases(
  'any room', 'any rooms', 'need a room', 'need rooms', 'want to stay', 'like to stay', 'looking to stay', 'plan to stay', 'planning to stay',
  'looking for a room', 'looking for rooms', 'get a room', 'ada bilik', 'nak stay', 'nak book', 'nak booking', 'nak tempah', 'nak menginap', 'bilik kosong', 'mahu tempah', 'boleh book', 'is there a room', 'are there rooms', 'still available',
);
const WEAK_REQUEST = new Set(['price', 'prices', 'rate', 'rates', 'cost', 'berapa', 'harga', 'enquire', 'enquiry', 'inquire', 'inquiry', 'quote', 'quotation']);
const NOT_ROOM_THINGS = new Set(['spa', 'massage', 'transfer', 'taxi', 'shuttle', 'tour', 'tours', 'treatment', 'car', 'golf', 'ticket', 'tickets', 'cab', 'grab', 'parking', 'facial', 'laundry', 'appointment']);
const EVENT_WORDS = new Set(['wedding', 'weddings', 'conference', 'conferences', 'seminar', 'seminars', 'banquet', 'banquets', 'meeting', 'meetings', 'ballroom', 'gala', 'event', 'events', 'retreat', 'workshop', 'convention', 'reunion', 'majlis', 'perkahwinan', 'kahwin', 'kenduri', 'mesyuarat', 'persidangan', 'solemnisation', 'engagement', 'nikah', 'akad', 'bertunang']);
const EVENT_PHRASES = phrases('team building', 'birthday party', 'annual dinner', 'company dinner', 'team dinner', 'staff dinner', 'office party', 'christmas party', 'year end party', 'year-end party', 'function room', 'function hall', 'corporate dinner');
const PLANNING_WORDS = new Set(['plan', 'planning', 'organise', 'organize', 'organising', 'organizing', 'host', 'hosting', 'hold', 'holding', 'package', 'packages', 'quote', 'quotation', 'interested', 'budget', 'anjur', 'mengadakan', 'buat']);
// Food and drink a guest books: a named outlet ("the rooftop bar", "Sizzle Grill") or a meal.
const DINING_WORDS = new Set(['dinner', 'lunch', 'brunch', 'breakfast', 'buffet', 'restaurant', 'restoran', 'supper', 'meal', 'meals', 'makan', 'dining', 'bbq', 'barbecue', 'barbeque', 'bar', 'grill', 'cafe', 'café', 'bistro']);
const TABLE_PHRASES = phrases('table for', 'table at', 'meja untuk', 'book a table', 'reserve a table', 'table booking', 'table reservation', 'tempah meja');
const TABLE_WORDS = new Set(['table', 'tables', 'meja']);
const CANCEL_WORDS = new Set(['cancel', 'cancels', 'cancelled', 'canceled', 'cancelling', 'canceling', 'cancellation', 'batal', 'batalkan', 'pembatalan']);
const ROOM_FEATURE_AFTER = new Set(['suitable', 'with', 'that', 'which', 'accessible', 'equipped', 'adapted', 'designed', 'where', 'having', 'dengan', 'yang', 'sesuai']);
const STAY_WORDS = new Set(['stay', 'staying', 'arrive', 'arriving', 'arrival', 'checkin', 'depart', 'departing', 'leaving', 'menginap', 'tinggal']);

const FORM_LABELS = phrases('check - in :', 'check in :', 'checkin :', 'check - in date :', 'check in date :', 'arrival :', 'arrival date :', 'date of arrival :', 'tarikh masuk :', 'daftar masuk :');
const CHANGE_WORDS = new Set(['instead', 'change', 'move', 'extend', 'shift', 'postpone', 'amend', 'update', 'tukar', 'ubah', 'tangguh', 'sebaliknya', 'actually']);
const QUESTION_STARTS = new Set(['what', 'where', 'when', 'how', 'is', 'are', 'can', 'could', 'does', 'do', 'will', 'any', 'ada', 'boleh', 'berapa', 'bila', 'mana', 'apa']);

const ZH_PROCESS = ['提前', '要不要', '是否需要', '需不需要', '必须', '必需'];
const ZH_REQUEST = ['预订', '预定', '订房', '訂房', '有房', '空房', '想住', '要住', '订一间', '订个'];
// "想在12月18日办年终晚宴", "我们要举办婚礼": wanting to hold something (a bounded gap: linear time)
const ZH_WANT_TO_HOLD = /[想要打算计划][^，。？！,?!]{0,12}(?:办|举办|举行|包场)/u;
const ZH_EVENT = ['婚礼', '婚宴', '会议', '宴会', '年会', '研讨会', '喜宴', '活动'];
const ZH_DINING = ['订位', '订桌', '订座', '晚餐', '午餐', '晚饭', '午饭', '自助餐', '餐厅', '烧烤', '下午茶', '吃饭', '用餐', '聚餐', '包厢', '包间'];
// a table, or a private dining room (包厢), booked
const ZH_TABLE = ['订位', '订桌', '订座', '包厢', '包间'];

const ROOM_TYPES: [string[], string][] = [
  ...(['family suite', 'junior suite', 'executive suite', 'presidential suite', 'family room', 'deluxe', 'superior', 'executive', 'premier', 'premium'].map((p) => [p.split(' '), p === 'family room' ? 'family' : p] as [string[], string])),
  [['twin'], 'twin'], [['king'], 'king'], [['queen'], 'queen'], [['double', 'room'], 'double'], [['double', 'bed'], 'double'], [['single', 'room'], 'single'],
  [['triple'], 'triple'], [['quad', 'room'], 'quad'], [['suite'], 'suite'], [['villa'], 'villa'], [['chalet'], 'chalet'], [['studio'], 'studio'],
  [['bilik', 'keluarga'], 'family'], [['sea', 'view'], 'sea view'], [['garden', 'view'], 'garden view'], [['pool', 'view'], 'pool view'], [['city', 'view'], 'city view'],
];
const ZH_ROOM_TYPES: [string, string][] = [['家庭套房', 'family suite'], ['家庭房', 'family'], ['套房', 'suite'], ['豪华', 'deluxe'], ['双床', 'twin'], ['大床', 'king'], ['单人', 'single'], ['海景', 'sea view']];

function roomTypeIn(tokens: Token[], text: string): string | null {
  for (let i = 0; i < tokens.length; i++) {
    for (const [p, name] of ROOM_TYPES) if (p[0] === tokens[i]!.w && phraseAt(tokens, i, p)) return name;
  }
  return ZH_ROOM_TYPES.find(([w]) => text.includes(w))?.[1] ?? null;
}

// ---- party size ------------------------------------------------------------------------------

const ADULT_WORDS = new Set(['adult', 'adults', 'dewasa', 'dws', 'grownups', 'grown', 'ladies', 'lady', 'men', 'man', 'women', 'woman', 'gentlemen', 'guys', 'seniors', 'senior', 'elderly', 'warga']);
const CHILD_WORDS = new Set(['kid', 'kids', 'child', 'children', 'childs', 'baby', 'babies', 'infant', 'infants', 'toddler', 'toddlers', 'teen', 'teens', 'teenager', 'teenagers', 'budak', 'bdk', 'anak', 'kanak', 'bayi', 'boys', 'girls', 'sons', 'daughters']);
const TOTAL_WORDS = new Set(['pax', 'people', 'persons', 'person', 'guests', 'guest', 'ppl', 'orang', 'staff', 'staffs', 'participants', 'attendees', 'delegates', 'members', 'employees', 'students', 'visitors', 'heads', 'peoples', 'colleagues', 'friends', 'pax.', 'org', 'tetamu', 'peserta',
  'engineers', 'workers', 'crew', 'technicians', 'officers', 'teachers', 'relatives', 'players', 'athletes', 'volunteers', 'pilgrims', 'trainees', 'ahli', 'pekerja', 'kakitangan']);
// "about 100 guests", "for around 40": an estimate of the party is still its size
const ABOUT_WORDS = new Set(['about', 'around', 'approximately', 'approx', 'roughly', 'some', 'nearly', 'almost', 'maybe', 'estimated', 'est', 'sekitar', 'kira', 'anggaran', 'lebih', 'kurang', '~']);
const COUNT_FILLERS = new Set(['more', 'small', 'young', 'little', 'extra', 'other', 'big']);
const GROUP_PREFIXES = phrases('table for', 'meja untuk', 'party of', 'group of', 'family of', 'we are', "we're", 'we r', 'kami', 'total of', 'a total of', 'booking for', 'room for', 'rooms for', 'reservation for', 'pax :', 'guests :', 'guest :', 'persons :', 'people :', 'no of guests :', 'no. of guests :', 'number of guests :', 'bilangan tetamu :', 'group size :');
const FOR_FOLLOWERS = new Set(['on', 'at', 'from', 'this', 'next', 'tomorrow', 'tonight', 'in', 'please', 'pls', 'and', 'only', 'for', 'regards', 'thanks', 'thank', 'thx', 'tq', 'cheers', 'best', 'rgds', 'sincerely', 'kind', 'warm', 'warmest', 'many', 'yours', 'sent']);
const NOT_PERSON_AFTER = new Set(['night', 'nights', 'nite', 'nites', 'malam', 'day', 'days', 'hari', 'room', 'rooms', 'bilik', 'am', 'pm', 'hrs', 'hr', 'hours', 'hour', 'mins', 'minutes', 'km', 'kg', 'weeks', 'week', 'months', 'years', 'year', 'beds', 'bed', 'star', 'stars', 'percent', 'units', 'cars', 'car', 'floors', 'floor', 'tables', 'table']);
const PRICE_BEFORE = new Set(['rm', 'myr', '$', 'usd', 'sgd', 'no', '#', 'ref', 'level', 'floor', 'jam', 'pukul', 'at', 'by', 'before', 'after']);
const COUPLE_PHRASES = phrases('me and my wife', 'me and my husband', 'me and my partner', 'me and my girlfriend', 'me and my boyfriend', 'me and my friend', 'my wife and i', 'my husband and i', 'my partner and i', 'my wife and me', 'my husband and me', 'saya dan isteri', 'saya dan suami', 'me and wife', 'me and hubby', 'my wife and myself');

const ONE_OTHER_BEFORE = new Set(['my', 'a', 'one']);
const WRITER = new Set(['me', 'myself', 'i', 'saya']);
// "2 rooms, 2 adults each", "3 bilik, 2 orang setiap bilik": a count for every room
const EACH_PHRASES = phrases('each', 'per room', 'in each room', 'in every room', 'each room', 'every room', 'setiap bilik', 'satu bilik', 'sebilik', 'a room');
const COMPANIONS = new Set(['mum', 'mom', 'mother', 'mummy', 'mommy', 'dad', 'father', 'daddy', 'sister', 'brother', 'son', 'daughter', 'friend', 'colleague', 'boss', 'cousin', 'aunt', 'auntie', 'uncle', 'grandma', 'grandmother', 'grandpa', 'grandfather', 'niece', 'nephew', 'wife', 'husband', 'hubby', 'partner', 'girlfriend', 'boyfriend', 'fiance', 'fiancee', 'mil', 'ibu', 'ayah', 'mak', 'abah', 'kawan', 'adik', 'kakak', 'abang']);
const SPOUSES = new Set(['wife', 'husband', 'hubby', 'bf', 'gf', 'wifey', 'missus', 'partner', 'isteri', 'suami', 'girlfriend', 'boyfriend', 'fiance', 'fiancee', 'spouse']);
const SOLO_PHRASES = phrases('just me', 'only me', 'just myself', 'myself only', 'for myself', 'for me only', 'me alone', 'solo', 'travelling alone', 'traveling alone', 'seorang', 'one person', '1 person');
// Things for a child ("a baby cot", "kids club"), not a child in the party.
const CHILD_THINGS = new Set(['cot', 'cots', 'bed', 'beds', 'chair', 'chairs', 'seat', 'seats', 'crib', 'menu', 'pool', 'club', 'stroller', 'pram', 'meal', 'meals', 'price', 'rate', 'policy', 'friendly', 'activities', 'playground']);
const CHILD_JOINS = new Set(['+', '&', 'and', 'plus', 'with', 'dan', 'dengan', 'n']);
const SINGLE_CHILD = new Set(['baby', 'infant', 'toddler', 'child', 'kid', 'bayi']);
const ZH_ADULT = ['大人', '成人'];
const ZH_CHILD = ['小孩', '孩子', '儿童', '小朋友', '婴儿', '宝宝'];

function isClock(tokens: Token[], i: number, next: number): boolean {
  const after = tokens[next]?.w;
  if (after === 'am' || after === 'pm' || after === 'a.m' || after === 'p.m' || after === 'hrs' || after === 'h') return true;
  if ((after === ':' || after === '.') && tokens[next + 1]?.kind === 'num' && tokens[next]!.s === tokens[i]!.e) return true;
  return tokens[next]?.raw === '点' || tokens[next]?.raw === '點';
}

/** "2 rooms", "two deluxe rooms", "3 bilik": how many rooms the guest asks for (1 when not said). */
function roomCount(tokens: Token[]): number {
  for (let i = 0; i < tokens.length; i++) {
    const n = numberAt(tokens, i);
    if (!n || n.n < 2 || n.n > 20 || tokens[i]!.kind === 'han') continue;
    const unit = ROOM_WORDS.has(tokens[n.next]?.w ?? '') ? n.next : ROOM_WORDS.has(tokens[n.next + 1]?.w ?? '') && tokens[n.next]?.kind === 'word' ? n.next + 1 : -1;
    if (unit !== -1) return n.n;
  }
  return 1;
}

function partySize(tokens: Token[], text: string, used: Set<number>, eventSized: boolean): number | null {
  let adults = 0;
  let kids = 0;
  let total: number | null = null;
  const rooms = roomCount(tokens);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (used.has(i)) continue;
    // "a baby", "an infant" (not "a baby cot")
    if ((t.w === 'a' || t.w === 'an') && CHILD_WORDS.has(tokens[i + 1]?.w ?? '') && !CHILD_THINGS.has(tokens[i + 2]?.w ?? '')) {
      kids += 1;
      continue;
    }
    // "2 adults + baby", "with an infant": one child joined to the party without a number
    if (CHILD_JOINS.has(t.w) && SINGLE_CHILD.has(tokens[i + 1]?.w ?? '') && !CHILD_THINGS.has(tokens[i + 2]?.w ?? '')) {
      kids += 1;
      continue;
    }
    const n = numberAt(tokens, i);
    if (!n || n.n < 1 || n.n > 999 || isClock(tokens, i, n.next)) continue;
    if (PRICE_BEFORE.has(tokens[i - 1]?.w ?? '')) continue;
    // "2A2C", "2A1C": the shorthand of booking forms, adults then children, written as one word
    const letter = tokens[n.next];
    if (t.kind === 'num' && letter && adjacent(tokens, i) && (letter.raw === 'A' || letter.raw === 'C' || letter.raw === 'K') && (!adjacent(tokens, n.next) || tokens[n.next + 1]!.kind !== 'word')) {
      if (letter.raw === 'A') adults += n.n;
      else kids += n.n;
      continue;
    }
    // the word the count follows, past "about" / "lebih kurang"
    let p = i;
    while (p > i - 2 && ABOUT_WORDS.has(tokens[p - 1]?.w ?? '')) p--;
    if (t.kind === 'han' || tokens[n.next]?.kind === 'han') {
      let k = n.next;
      const unit = tokens[k]?.raw;
      if (unit === '位' || unit === '个' || unit === '個' || unit === '名') k++;
      const two = (tokens[k]?.raw ?? '') + (tokens[k + 1]?.raw ?? '');
      if (ZH_ADULT.includes(two)) adults += n.n;
      else if (unit === '大' && (tokens[k + 1] === undefined || tokens[k + 1]!.kind !== 'han' || hanNumberAt(tokens, k + 1))) adults += n.n; // 两大一小
      else if (unit === '小' && tokens[k + 1]?.raw !== '时' && tokens[k + 1]?.raw !== '時' && (tokens[k - 2]?.raw === '大' || tokens[k + 1]?.kind !== 'han')) kids += n.n;
      else if (unit === '口' && tokens[i - 1]?.raw === '家') total ??= n.n; // 一家四口
      else if (ZH_CHILD.includes(two) || (tokens[k]?.raw === '小' && tokens[k + 1]?.raw === '孩')) kids += n.n;
      // 位 counts people: "两位", "三位客人" (but not 两位数, a two-digit number)
      else if (tokens[k]?.raw === '人' || (unit === '位' && tokens[k]?.raw !== '数')) total ??= n.n;
      i = n.next - 1;
      continue;
    }
    let k = n.next;
    if (tokens[k]?.w === '-' && tokens[k + 1]?.kind === 'word' && tokens[k]!.s === tokens[k - 1]!.e) k++; // "2-night", not "2 - Sarah"
    if (COUNT_FILLERS.has(tokens[k]?.w ?? '')) k++;
    // a word on the next line ("Pax: 3\nRoom: Deluxe") says nothing about the count
    const w = tokens[k] && !text.slice(tokens[k - 1]!.e, tokens[k]!.s).includes('\n') ? tokens[k]!.w : '';
    // "2 adults each" with "2 rooms": everyone in every room
    if (rooms > 1 && w && (EACH_PHRASES.some((e) => phraseAt(tokens, k + 1, e) || phraseAt(tokens, k + 2, e)) || tokens[p - 1]?.w === 'each')) n.n *= rooms;
    if ((w === 'orang' || w === 'org') && tokens[k + 1]?.w === 'dewasa') adults += n.n;
    else if ((w === 'orang' || w === 'org') && (tokens[k + 1]?.w === 'kanak' || tokens[k + 1]?.w === 'budak' || tokens[k + 1]?.w === 'anak')) kids += n.n;
    else if (ADULT_WORDS.has(w)) adults += n.n;
    else if (w === 'couples' || w === 'couple' || w === 'pasangan') adults += 2 * n.n;
    // "for us 2", "kami 4": the party counted after "us"
    else if (total === null && (tokens[i - 1]?.w === 'us' || tokens[i - 1]?.w === 'kami') && n.n <= 50 && !NOT_PERSON_AFTER.has(w)) total = n.n;
    else if (CHILD_WORDS.has(w)) kids += n.n;
    else if (TOTAL_WORDS.has(w) || (w === 'of' && tokens[k + 1]?.w === 'us')) total ??= n.n;
    else if (NOT_PERSON_AFTER.has(w)) continue;
    else if (total === null && GROUP_PREFIXES.some((g) => phraseAt(tokens, p - g.length, g)) && n.n <= 500) total = n.n;
    else if (total === null && (tokens[p - 1]?.w === 'for' || tokens[p - 1]?.w === 'untuk' || tokens[p - 1]?.w === 'utk') && n.n <= (eventSized ? 2000 : 50) && (w === '' || tokens[k]!.kind !== 'word' || FOR_FOLLOWERS.has(w))) total = n.n;
  }
  if (adults) return adults + kids;
  if (total !== null) return total;
  // "2+2", "2+1": adults and children written as a sum
  for (let i = 0; i + 2 < tokens.length; i++) {
    const [a, plus, b] = [tokens[i]!, tokens[i + 1]!, tokens[i + 2]!];
    if (used.has(i) || a.kind !== 'num' || plus.w !== '+' || b.kind !== 'num' || a.e !== plus.s || plus.e !== b.s || a.raw.length > 2 || b.raw.length > 2) continue;
    if (PRICE_BEFORE.has(tokens[i - 1]?.w ?? '') || NOT_PERSON_AFTER.has(tokens[i + 3]?.w ?? '') || tokens[i + 3]?.w === '+') continue;
    if (a.n! >= 1 && a.n! <= 20 && b.n! <= 20) return a.n! + b.n!;
  }
  // "me and my wife", "my husband and I", "with my wife and 2 kids": the writer and the partner
  let couple = findPhrase(tokens, COUPLE_PHRASES) !== -1 ? 2 : 0;
  for (let i = 0; i < tokens.length && !couple; i++) {
    if (SPOUSES.has(tokens[i]!.w) && (tokens[i - 1]?.w === 'my' || tokens[i - 1]?.w === 'with')) couple = 2;
    // "me + wife + 3 kids", "myself & hubby": the writer joined to the partner
    if (SPOUSES.has(tokens[i]!.w) && CHILD_JOINS.has(tokens[i - 1]?.w ?? '') && WRITER.has(tokens[i - 2]?.w ?? '')) couple = 2;
    if (tokens[i]!.w === 'couple' && (tokens[i - 1]?.w === 'a' || tokens[i - 1]?.w === 'for') && tokens[i + 1]?.w !== 'of') couple = 2;
  }
  // "me and my mum", "myself and a friend", "my sister and I": the writer and one other
  for (let i = 0; i < tokens.length && !couple; i++) {
    const w = tokens[i]!.w;
    if ((w === 'me' || w === 'myself' || w === 'i') && tokens[i + 1]?.w === 'and' && ONE_OTHER_BEFORE.has(tokens[i + 2]?.w ?? '') && COMPANIONS.has(tokens[i + 3]?.w ?? '')) couple = 2;
    if (w === 'my' && COMPANIONS.has(tokens[i + 1]?.w ?? '') && tokens[i + 2]?.w === 'and' && ['i', 'me', 'myself'].includes(tokens[i + 3]?.w ?? '')) couple = 2;
  }
  if (!couple && !kids && findPhrase(tokens, SOLO_PHRASES) !== -1) return 1;
  return couple + kids || null;
}

// ---- names -----------------------------------------------------------------------------------

const HONORIFICS = new Set(['mr', 'mrs', 'ms', 'miss', 'mdm', 'madam', 'dr', 'encik', 'en', 'puan', 'pn', 'cik', 'tuan', 'dato', "dato'", 'datuk', 'datin', 'prof', 'sir', 'mister',
  // Malaysian forms of address: teacher, religious teacher, pilgrim
  'cikgu', 'ustaz', 'ustazah', 'haji', 'hajah', 'hj', 'hjh']);
const NAME_CONNECTORS = new Set(['bin', 'binti', 'bt', 'bte', 'a/l', 'a/p', 'van', 'de', 'da', 'al']);
const NOT_NAMES = new Set([
  'looking', 'travelling', 'traveling', 'planning', 'interested', 'here', 'coming', 'staying', 'going', 'trying', 'wondering', 'checking', 'writing', 'asking', 'calling',
  'a', 'an', 'the', 'not', 'so', 'very', 'just', 'also', 'from', 'with', 'in', 'at', 'on', 'and', 'to', 'currently', 'still', 'already', 'booking', 'sorry', 'glad', 'happy',
  'hoping', 'thinking', 'sure', 'fine', 'good', 'ok', 'okay', 'well', 'back', 'new', 'your', 'our', 'my', 'i', 'we', 'you', 'it', 'this', 'that', 'hotel', 'guest', 'reservation',
  'reservations', 'team', 'management', 'front', 'desk', 'staff', 'all', 'everyone', 'hi', 'hello', 'dear', 'thanks', 'thank', 'regards', 'best', 'cheers', 'please', 'pls',
  'nak', 'mahu', 'ingin', 'ialah', 'adalah', 'dari', 'untuk', 'dan', 'ada', 'tanya', 'ni', 'ini', 'boleh', 'sekeluarga', 'tak', 'tidak', 'dah', 'sudah', 'akan', 'nk', 'mau', 'mahu', 'perlu',
  'hope', 'see', 'have', 'can', 'could', 'would', 'will', 'waiting', 'available', 'free', 'sent', 'iphone', 'android', 'mobile', 'kind', 'warm', 'many', 'much', 'love',
  'a', 'about', 'after', 'again', 'any', 'are', 'as', 'be', 'been', 'but', 'by', 'do', 'does', 'for', 'get', 'had', 'has', 'if', 'is', 'its', 'me', 'more', 'no', 'of', 'or',
  'out', 'should', 'some', 'than', 'then', 'there', 'they', 'was', 'what', 'when', 'where', 'which', 'who', 'why', 'how', 'yes', 'tomorrow', 'today', 'tonight', 'night',
  'pax', 'adults', 'kids', 'family', 'room', 'rooms', 'bilik', 'wife', 'husband', 'customer', 'member', 'manager', 'owner', 'somebody', 'someone', 'calling', 'done',
  'sdn', 'bhd', 'ltd', 'inc', 'travel', 'travels', 'tours', 'company', 'group', 'resort', 'agency', 'merry', 'christmas', 'happy', 'year', 'appreciate', 'appreciated', 'urgent', 'noted', 'sent', 'yours', 'truly', 'sincerely', 'faithfully', 'respectfully', 'p.s', 'ps', 'btw', 'lol', 'haha', 'ya', 'yeah', 'great', 'awesome', 'nice', 'cool', 'bye',
]);
const NOT_NAMES_AFTER_I_AM = new Set(['malaysian', 'singaporean', 'chinese', 'indian', 'malay', 'muslim', 'vegetarian', 'vegan', 'allergic', 'pregnant', 'disabled', 'married', 'single', 'local', 'foreign', 'british', 'australian', 'american', 'japanese', 'korean', 'arriving', 'late', 'early', 'sure', 'afraid', 'unable', 'able', 'wheelchair', 'diabetic', 'elderly', 'staying', 'currently', 'curious', 'keen', 'excited', 'disappointed', 'unhappy', 'upset', 'angry', 'frustrated', 'confused', 'new', 'first', 'member', 'guest', 'customer', 'regular', 'returning',
  'correct', 'right', 'wrong', 'weird', 'odd', 'important', 'urgent', 'possible', 'perfect', 'noted', 'confirmed', 'true',
  'flexible', 'busy', 'tired', 'hungry', 'ready', 'outside', 'downstairs', 'upstairs', 'abroad', 'overseas', 'lost', 'stuck', 'unsure', 'alone', 'coming', 'interested', 'due', 'allergic', 'travelling', 'planning']);
const STRONG_NAME_CUES = phrases('contact :', 'contact person :', 'contact name :', 'booking name :', 'under the name', 'under the name of', 'under my name ,', 'under my name :', 'under my name', 'in my name ,', 'in the name of', 'atas nama', 'my name is', "my name's", 'name is', 'nama saya', 'nama saya ialah', 'nama saya adalah', 'name :', 'nama :', 'full name :', 'guest name :', 'name -');
const WEAK_NAME_CUES = phrases("i'm", 'i am', 'im', 'this is', 'saya', "it's", 'its');
const LOWER_INTRO_CUES = new Set(["i'm", 'i am', 'im', 'this is']);
const GREETINGS = new Set(['hi', 'hello', 'hey', 'dear', 'good', 'morning', 'afternoon', 'evening', 'salam', 'helo', 'hai', 'assalamualaikum']);
const SIGN_OFFS = phrases('thanks', 'thank you', 'thx', 'tq', 'ty', 'regards', 'best regards', 'kind regards', 'warm regards', 'best wishes', 'best', 'cheers', 'sincerely', 'yours sincerely', 'yours truly', 'yours faithfully', 'faithfully', 'sincerely yours', 'respectfully', 'warmest regards', 'warm wishes', 'with thanks', 'with regards', 'thanks and regards', 'thanks & regards', 'terima kasih', 'many thanks', 'salam', 'wassalam', 'rgds', 'br');

function tidyName(words: string[]): string | null {
  while (words.length && HONORIFICS.has(words[0]!.toLowerCase().replace(/\.$/, ''))) words.shift();
  if (!words.length) return null;
  const name = words.join(' ');
  if (name === name.toLowerCase() || name === name.toUpperCase()) return name.toLowerCase().replace(/(^|[\s'-])(\p{L})/gu, (_, a: string, b: string) => a + b.toUpperCase());
  return name;
}

/** Up to four name words from token i; `strong` accepts lower-case names after "my name is". */
function nameAt(tokens: Token[], i: number, strong: boolean, text: string, introduced = false): string | null {
  return nameSpanAt(tokens, i, strong, text, introduced)?.name ?? null;
}

/** `introduced`: the guest introduced themselves ("this is"), so "mrs lim" in lower case is a name. */
function nameSpanAt(tokens: Token[], i: number, strong: boolean, text: string, introduced = false): { name: string; end: number } | null {
  const words: string[] = [];
  let k = i;
  let lastEnd = tokens[i]?.s ?? 0;
  while (k < tokens.length && words.length < 5) {
    const t = tokens[k]!;
    if (t.s - lastEnd > 2 && words.length) break;
    if (t.kind === 'punct' && t.w === '.' && words.length && HONORIFICS.has(words[words.length - 1]!.toLowerCase())) {
      lastEnd = t.e;
      k++;
      continue;
    }
    // "J. Tan": an initial keeps its stop when a name follows
    const last = words[words.length - 1];
    if (t.kind === 'punct' && t.w === '.' && last && /^\p{Lu}$/u.test(last) && t.s === lastEnd && tokens[k + 1]?.kind === 'word' && /^\p{Lu}/u.test(tokens[k + 1]!.raw)) {
      words[words.length - 1] = last + '.';
      lastEnd = t.e;
      k++;
      continue;
    }
    // "Jean-Luc", "Siti Nur-Aisyah": a hyphen inside a name joins its parts
    const joined = tokens[k + 1];
    if (t.w === '-' && words.length && t.s === lastEnd && joined?.kind === 'word' && joined.s === t.e) {
      words[words.length - 1] += '-' + joined.raw;
      lastEnd = joined.e;
      k += 2;
      continue;
    }
    if (t.kind !== 'word') break;
    // a new line ends a name
    if (words.length && text.slice(lastEnd, t.s).includes('\n')) break;
    const isHonorific = HONORIFICS.has(t.w);
    const capital = /^\p{Lu}/u.test(t.raw);
    if (!isHonorific && NOT_NAMES.has(t.w)) break;
    if (words.length && NAME_CONNECTORS.has(t.w)) words.push(t.raw);
    // "this is mrs lim": after a title, a name written in lower case is still a name
    else if (capital || strong || isHonorific || (introduced && words.length > 0 && HONORIFICS.has(words[0]!.toLowerCase().replace(/\.$/, '')))) words.push(t.raw);
    else break;
    lastEnd = t.e;
    k++;
  }
  while (words.length && NAME_CONNECTORS.has(words[words.length - 1]!.toLowerCase())) words.pop();
  const real = words.filter((w) => !HONORIFICS.has(w.toLowerCase()));
  if (!real.length || real.length > 4 || real.some((w) => w.length > 30)) return null;
  const name = tidyName(words);
  return name ? { name, end: lastEnd } : null;
}

interface NameContext {
  tokens: Token[];
  /** The message with its contacts blanked out (same offsets as the tokens). */
  text: string;
  /** Where the guest's phone and email were (blank in `text`). */
  contacts: [number, number][];
  email: string | null;
  hotel: string | null;
}

function nameIn(ctx: NameContext): string | null {
  const { tokens, text } = ctx;
  // 1. Written as a name: "Name: X", "my name is X", "nama saya X".
  for (let i = 0; i < tokens.length; i++) {
    for (const p of STRONG_NAME_CUES) {
      if (p[0] !== tokens[i]!.w || !phraseAt(tokens, i, p)) continue;
      const n = nameAt(tokens, i + p.length, true, text);
      if (n) return n;
    }
  }
  // 1b. Labels without a colon ("Name Sarah Tan", "contact Raj", "for Mr Lim"): the name must be capitalised.
  const labelled = labelledName(tokens, text, ctx.contacts);
  if (labelled && !isHotelName(labelled, ctx.hotel)) return labelled;
  // 2. "我叫X", "我是X", "我姓X", "名字：X", "联系人：X", "请联系X"
  const zh = chineseName(text) ?? chineseClosingName(text);
  if (zh) return zh;
  // 3. Introductions: "I'm X", "this is X", "saya X" (a capitalised name, not "I'm looking").
  for (let i = 0; i < tokens.length; i++) {
    for (const p of WEAK_NAME_CUES) {
      if (p[0] !== tokens[i]!.w || !phraseAt(tokens, i, p)) continue;
      const first = tokens[i + p.length];
      if (!first || first.kind !== 'word') continue;
      // "I'm Travelling", "I'm Malaysian": a state or a nationality, not a name ("I'm Ming" is a name)
      if ((first.w.length >= 6 && first.w.endsWith('ing')) || NOT_NAMES_AFTER_I_AM.has(first.w)) continue;
      // "hi im sarah, need a room": a writer who writes "im" in lower case names herself in lower case too,
      // one word that ends its clause
      if (!/^\p{Lu}/u.test(first.raw) && !HONORIFICS.has(first.w)) {
        const lowerIntro = LOWER_INTRO_CUES.has(p.join(' ')) && tokens[i]!.raw === tokens[i]!.w && first.raw === first.w && lowerCaseCloser(first);
        if (lowerIntro && closedName(text, first.e, ctx.contacts)) return tidyName([first.raw]);
        continue;
      }
      const n = nameAt(tokens, i + p.length, false, text, true);
      if (n) return n;
    }
  }
  // 4. "Jenny here," at the start of the message
  for (let i = 0; i < Math.min(tokens.length, 6); i++) {
    const n = /^\p{Lu}/u.test(tokens[i]!.raw) && !GREETINGS.has(tokens[i]!.w) ? nameSpanAt(tokens, i, false, text) : null;
    const after = n && tokens.find((t) => t.s >= n.end);
    if (n && after?.w === 'here') return n.name;
  }
  // 5. Right next to the phone or email the guest gave: "Sarah Tan 012-345 6789", "012 345 6789 (Sarah)".
  // 6. Sign-offs: "Thanks,\nSarah Lim", "Regards, Ahmad", "- Wei Ming", a name alone on the last line, or
  //    ending the last sentence ("Please confirm. Chloé").
  const late = [contactName(ctx), signOff(tokens, text), lastLineName(tokens, text), closingName(tokens, text)];
  // "Best regards, Stephanie Wong | HR | Delta Logistics | stephanie.wong@...": the name the email spells wins
  const spelled = ctx.email ? late.find((n) => n !== null && emailSpells(ctx.email, n)) : undefined;
  if (spelled && plausibleName(spelled, spelled.includes(' ')) && !isHotelName(spelled, ctx.hotel)) return spelled;
  // "May Lee" is a name, "Fri-Sun" and "Thanks, Monday" are not
  return late.find((n) => n !== null && plausibleName(n, n.includes(' ')) && !isHotelName(n, ctx.hotel)) ?? homographClosing(tokens, text);
}

// Given names that are also common words ("dan" is Malay for "and"): a name only when written capitalised,
// alone, closing the message.
const NAME_HOMOGRAPHS = new Set(['dan', 'will', 'ada', 'hope', 'faith', 'grace', 'joy', 'mark', 'bill', 'rob', 'sue']);

/** "... arrive late ~11pm. Dan", "Regards, Will", "- Ada": a capitalised homograph alone at the end of the message. */
function homographClosing(tokens: Token[], text: string): string | null {
  let k = tokens.length - 1;
  while (k >= 0 && tokens[k]!.kind === 'punct' && '.!'.includes(tokens[k]!.w)) k--;
  const t = tokens[k];
  if (!t || t.kind !== 'word' || !NAME_HOMOGRAPHS.has(t.w) || !/^\p{Lu}\p{Ll}+$/u.test(t.raw)) return null;
  const prev = tokens[k - 1];
  const ownLine = prev !== undefined && text.slice(prev.e, t.s).includes('\n');
  const closes = prev !== undefined && ('.!-'.includes(prev.w) || (prev.w === ',' && SIGN_OFFS.some((p) => phraseAt(tokens, k - 1 - p.length, p))));
  return ownLine || closes ? t.raw : null;
}

/** The hotel's own name ("Thanks, Seri Pagi!") is never the guest's. */
function isHotelName(name: string, hotel: string | null): boolean {
  if (!hotel) return false;
  const words = new Set(hotel.toLowerCase().split(/[^\p{L}]+/u));
  return name.toLowerCase().split(' ').every((w) => words.has(w));
}

/** "...for 2 adults?\nSarah Lim": a capitalised name alone on the message's last line. */
function lastLineName(tokens: Token[], text: string): string | null {
  let k = tokens.length - 1;
  while (k >= 0 && tokens[k]!.kind === 'punct') k--;
  let first = k;
  while (first > 0 && k - first < 3 && tokens[first - 1]!.kind === 'word' && !text.slice(tokens[first - 1]!.e, tokens[first]!.s).includes('\n')) first--;
  if (first <= 0 || !text.slice(tokens[first - 1]!.e, tokens[first]!.s).includes('\n')) return null;
  const n = nameSpanAt(tokens, first, false, text);
  return n && n.end === tokens[k]!.e ? n.name : null;
}

// Words that close a message without naming anyone ("thanks bro", "tq boss").
const ADDRESS_WORDS = new Set(['bro', 'sis', 'boss', 'dear', 'guys', 'all', 'lah', 'ya', 'ah', 'much', 'so', 'u', 'again', 'mate', 'team', 'everyone', 'kak', 'abang', 'bang', 'admin', 'in', 'advance', 'you', 'ye', 'yea', 'je', 'jer', 'k', 'ok', 'tuan', 'puan', 'cik', 'sir', 'madam', 'maam', 'anyway', 'lots', 'heaps', 'alot']);
const lowerCaseCloser = (t: Token): boolean => t.kind === 'word' && t.raw === t.w && t.w.length >= 3 && !ADDRESS_WORDS.has(t.w) && !notNameWord(t.w) && spelledWord(t.w) === null;

function signOff(tokens: Token[], text: string): string | null {
  let found: string | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.w === '-' && /^\p{Lu}/u.test(tokens[i + 1]?.raw ?? '')) {
      // "- Wei Ming" at the start of a line, after a sentence, or ending the line
      const n = nameSpanAt(tokens, i + 1, false, text);
      // what follows the name on its line (looked at over a fixed window, so many dashes cost little)
      const rest = n ? text.slice(n.end, n.end + 120) : '';
      const after = rest.includes('\n') ? rest.slice(0, rest.indexOf('\n')) : n && n.end + 120 >= text.length ? rest : 'more';
      // "--\nJohn Smith | Manager": the first line of an email signature
      const signature = /(?:^|\n)\s*--?\s*\n\s*$/.test(text.slice(Math.max(0, t.s - 4), tokens[i + 1]!.s));
      if (n && (i === 0 || signature || /[\n.?!]\s*$/.test(text.slice(Math.max(0, t.s - 4), t.s)) || /^[\s,.;!]*$/.test(after) || (signature && /^\s*[|,]/.test(after)))) found = n.name;
      continue;
    }
    // "thx!!! - jen": one lower-case word after a dash ends a message written all in lower case
    if (t.w === '-' && i === tokens.length - 2 && lowerCaseCloser(tokens[i + 1]!) && text.slice(t.e, tokens[i + 1]!.s) === ' ') {
      found = tidyName([tokens[i + 1]!.raw]);
      continue;
    }
    // A message opens with a greeting, not a closing: "Salam. Kolam renang buka?" names no one.
    if (i === 0) continue;
    for (const p of SIGN_OFFS) {
      if (p[0] !== t.w || !phraseAt(tokens, i, p)) continue;
      let k = i + p.length;
      while (tokens[k] && (tokens[k]!.w === ',' || tokens[k]!.w === '!' || tokens[k]!.w === '.' || tokens[k]!.w === '-' || tokens[k]!.w === ':')) k++;
      const after = tokens[k];
      // "tq..kamal": one lower-case word closing the message after a sign-off
      if (after && k === tokens.length - 1 && lowerCaseCloser(after)) {
        found = tidyName([after.raw]);
        break;
      }
      // the sign-off must end its sentence: followed by a name and then nothing but contacts or the end
      if (!after || !/^\p{Lu}/u.test(after.raw)) break;
      const n = nameSpanAt(tokens, k, false, text);
      // "Thanks, Seri Pagi Hotel": a name that runs into a hotel or a place is not the guest's
      const next = n && tokens.find((x) => x.s >= n.end);
      // (a signature's next line, "Events Lead", is the writer's job, not part of the name)
      const sameLine = next && !text.slice(n.end, next.s).includes('\n');
      if (n && !(sameLine && next.kind === 'word' && /^\p{Lu}/u.test(next.raw) && SPOILERS.has(next.w))) found = n.name;
      break;
    }
  }
  return found;
}

// Capitalised words that are not names: days, months, how to reach someone, rooms, the hotel, closings.
const CALENDAR_WORDS = new Set(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'mon', 'tue', 'tues', 'wed', 'thu', 'thur', 'thurs', 'fri', 'sat', 'sun', 'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec', 'isnin', 'selasa', 'rabu', 'khamis', 'jumaat', 'sabtu', 'ahad', 'weekend', 'christmas', 'xmas', 'raya', 'cny', 'new']);
const CONTACT_LABELS = new Set(['contact', 'email', 'e', 'mail', 'emel', 'phone', 'tel', 'telephone', 'mobile', 'mob', 'hp', 'h', 'p', 'whatsapp', 'wa', 'whatapp', 'call', 'text', 'sms', 'fax', 'no', 'number', 'nombor', 'telefon', 'hubungi', 'reach', 'me', 'us', 'at', 'my', 'is', 'or', 'and', 'details', 'info']);
// A name that runs into one of these is part of a room, a hotel or a place ("Deluxe Room", "Hotel Seri", "in Penang").
const SPOILERS = new Set(['hotel', 'hotels', 'resort', 'inn', 'lodge', 'hostel', 'motel', 'residence', 'residences', 'suites', 'suite', 'room', 'rooms', 'villa', 'chalet', 'studio', 'deluxe', 'superior', 'executive', 'premier', 'premium', 'standard', 'family', 'twin', 'king', 'queen', 'single', 'double', 'triple', 'view', 'sea', 'garden', 'pool', 'city', 'bilik', 'restaurant', 'cafe', 'bar', 'spa', 'lobby', 'reception', 'ballroom', 'hall', 'airport', 'street', 'road', 'jalan', 'beach', 'island', 'mall', 'station', 'centre', 'center', 'kl', 'klcc', 'kuala', 'lumpur', 'penang', 'malaysia', 'singapore', 'johor', 'melaka', 'malacca', 'ipoh', 'langkawi', 'sabah', 'sarawak', 'selangor',
  // teams and organisations that sign messages
  // what a signature line says the writer does, and where the writer or the number is from
  'lead', 'head', 'manager', 'director', 'officer', 'assistant', 'coordinator', 'co-ordinator', 'consultant', 'secretary', 'supervisor', 'specialist', 'analyst', 'planner', 'intern', 'ceo', 'cfo', 'coo', 'cto', 'founder', 'president', 'events',
  'malaysian', 'singaporean', 'australian', 'australia', 'british', 'uk', 'indian', 'india', 'indonesian', 'indonesia', 'thai', 'thailand', 'brunei', 'american', 'usa', 'chinese', 'hongkong', 'sg', 'aus',
  'department', 'dept', 'division', 'unit', 'office', 'committee', 'club', 'society', 'association', 'school', 'university', 'college', 'corporation', 'holdings', 'enterprise', 'foundation', 'ministry', 'council', 'secretariat', 'procurement', 'finance', 'accounts', 'sales', 'marketing', 'operations', 'admin', 'hr']);
const PLACE_BEFORE = new Set(['from', 'in', 'at', 'to', 'near', 'via', 'around', 'dari', 'di', 'ke', 'dekat']);
const CLOSING_WORDS = new Set(['god', 'bless', 'take', 'care', 'stay', 'safe', 'soon', 'later', 'bye', 'tc', 'tia', 'asap', 'plz', 'thx', 'tq', 'ty', 'welcome', 'confirm', 'kindly', 'awaiting', 'reply', 'advise', 'need', 'want', 'us', 'him', 'her', 'them', 'sms', 'wifi', 'breakfast', 'parking', 'ok', 'okay', 'yes', 'no', 'regards', 'thanks', 'contact', 'email', 'phone', 'call', 'tel', 'whatsapp', 'details', 'info', 'number', 'booking', 'night', 'nights', 'nite', 'malam', 'adult', 'adults', 'kids', 'children', 'guests', 'people', 'persons', 'dinner', 'lunch', 'check', 'checkin', 'checkout', 'arrival', 'departure', 'total', 'price', 'rate', 'dates', 'date', 'address', 'rgds', 'brgds', 'krgds', 'cheers', 'sincerely', 'wassalam',
  // apps, cards and sites guests name in one word
  'grab', 'waze', 'uber', 'visa', 'mastercard', 'amex', 'paypal', 'google', 'maps', 'agoda', 'expedia', 'airbnb', 'traveloka', 'klook', 'netflix', 'duitnow']);

const notNameWord = (w: string, calendarOk = false): boolean =>
  NOT_NAMES.has(w) || SPOILERS.has(w) || CLOSING_WORDS.has(w) || (CONTACT_LABELS.has(w) && !HONORIFICS.has(w)) || (!calendarOk && CALENDAR_WORDS.has(w));

const LABEL_CUES = phrases('contact person', 'contact name', 'guest name', 'booking name', 'under name', 'name under', 'under', "name's", 'name', 'nama', 'contact', 'guest :', 'guest -', 'from :').sort((a, b) => b.length - a.length);
const NOT_LABEL_BEFORE = new Set(['hotel', 'restaurant', 'company', 'your', 'the', 'its', 'room', 'wifi', 'user', 'file', 'brand', 'place', 'street']);

/** "Name Sarah Tan", "Name's Raj", "contact Raj", "guest name Lee Mei", "for Mr Lim": a label with no colon. */
function labelledName(tokens: Token[], text: string, contacts: [number, number][]): string | null {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.w === 'for' && HONORIFICS.has(tokens[i + 1]?.w ?? '') && tokens[i + 1]!.w !== 'sir' && tokens[i + 1]!.w !== 'madam') {
      // "for Mr and Mrs Smith"
      const couple = (tokens[i + 2]?.w === 'and' || tokens[i + 2]?.w === '&') && HONORIFICS.has(tokens[i + 3]?.w ?? '');
      const n = nameSpanAt(tokens, i + (couple ? 3 : 1), false, text);
      if (n && plausibleName(n.name)) return n.name;
      continue;
    }
    const p = LABEL_CUES.find((c) => c[0] === t.w && phraseAt(tokens, i, c));
    if (!p || NOT_LABEL_BEFORE.has(tokens[i - 1]?.w ?? '')) continue;
    const first = tokens[i + p.length];
    if (!first || first.kind !== 'word') continue;
    if (!/^\p{Lu}/u.test(first.raw) && !HONORIFICS.has(first.w)) {
      // "name tan kim hock 0166667777": after a name label, lower-case words the guest's contact or the
      // end of the line closes
      const n = NAME_LABELS.has(p.join(' ')) ? nameSpanAt(tokens, i + p.length, true, text) : null;
      if (n && plausibleName(n.name) && closedName(text, n.end, contacts)) return n.name;
      continue;
    }
    const n = nameSpanAt(tokens, i + p.length, false, text);
    if (n && plausibleName(n.name)) return n.name;
  }
  return null;
}

const NAME_LABELS = new Set(['name', 'nama', 'guest name', 'contact name', 'booking name', 'contact person']);

/** Whether a name ending at `end` is followed by nothing, a new line, a stop or one of the guest's contacts. */
function closedName(text: string, end: number, contacts: [number, number][]): boolean {
  let k = end;
  while (k < text.length && k - end < 4 && text[k] === ' ') k++;
  if (contacts.some(([s]) => s >= end && s <= k)) return true;
  return k >= text.length || '\n,.;!)'.includes(text[k]!);
}

const plausibleName = (name: string, calendarOk = false): boolean => name.toLowerCase().split(' ').every((w) => NAME_CONNECTORS.has(w) || !notNameWord(w, calendarOk));

interface Run {
  /** Token indices of the name words, first to last (honorifics included). */
  from: number;
  to: number;
}

/**
 * Name words from token `at`, walking back (`step` -1) or on (+1): at most four words on one line, each
 * capitalised (or any case when `loose`), none a common word; honorifics, "bin"/"binti" and hyphens inside
 * a name ride along. Each call looks at no more than a few tokens past the name.
 */
function nameRun(tokens: Token[], text: string, at: number, step: 1 | -1, loose: boolean): Run | null {
  let k = at;
  let real = 0;
  let end = at - step;
  while (k >= 0 && k < tokens.length && real <= 4) {
    const t = tokens[k]!;
    if (k !== at) {
      const [a, b] = step === 1 ? [tokens[k - 1]!, t] : [t, tokens[k + 1]!];
      const gap = text.slice(a.e, b.s);
      if (gap.length > 2 || gap.includes('\n')) break;
    }
    if (t.kind === 'punct' && t.w === '.' && step === -1 && HONORIFICS.has(tokens[k - 1]?.w ?? '')) {
      k += step;
      continue;
    }
    if (t.kind === 'punct' && t.w === '.' && step === 1 && HONORIFICS.has(tokens[k - 1]?.w ?? '') && k !== at) {
      k += step;
      continue;
    }
    const [prev, next] = [tokens[k - 1], tokens[k + 1]];
    if (t.w === '-' && k !== at && prev?.kind === 'word' && next?.kind === 'word' && prev.e === t.s && next.s === t.e) {
      k += step;
      continue;
    }
    if (t.kind !== 'word') break;
    const honorific = HONORIFICS.has(t.w);
    const connector = NAME_CONNECTORS.has(t.w) && k !== at;
    if (!honorific && !connector) {
      if (notNameWord(t.w, loose) || t.w.length > 30) break;
      if (!loose && !/^\p{Lu}/u.test(t.raw)) break;
      real++;
    }
    end = k;
    k += step;
  }
  if (real === 0 || real > 4) return null;
  // one short word in capitals is an acronym ("MAS", "KL", "HR"), not a name
  const only = step === 1 ? tokens[at]! : tokens[end]!;
  if (real === 1 && end === at && only.raw.length <= 3 && only.raw === only.raw.toUpperCase()) return null;
  return step === 1 ? { from: at, to: end } : { from: end, to: at };
}

function runName(tokens: Token[], run: Run): string | null {
  const words: string[] = [];
  for (let k = run.from; k <= run.to; k++) {
    const t = tokens[k]!;
    if (t.w === '-' && words.length && k < run.to) words[words.length - 1] += '-' + tokens[++k]!.raw;
    else if (t.kind === 'word') words.push(t.raw);
  }
  while (words.length && NAME_CONNECTORS.has(words[0]!.toLowerCase())) words.shift();
  while (words.length && NAME_CONNECTORS.has(words[words.length - 1]!.toLowerCase())) words.pop();
  return tidyName(words);
}

/** Whether an email's local part spells the name: "sarahtan@", "sarah.tan@", "stan@", "sarah88@". */
function emailSpells(email: string | null, name: string): boolean {
  if (!email) return false;
  const plain = (x: string) => x.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z]/g, '');
  const local = plain(email.slice(0, email.indexOf('@')));
  const words = name.split(' ').map(plain).filter((w) => w.length > 0);
  if (!local || !words.length) return false;
  return local.includes(words.join('')) || words.some((w) => w.length >= 3 && local.includes(w)) || local === words[0]![0]! + words[words.length - 1];
}

/** A name written right before or after the phone number or email the guest gave. */
function contactName(ctx: NameContext): string | null {
  const { tokens, text } = ctx;
  for (const [s, e] of ctx.contacts) {
    const zh = chineseNameBeside(text, s, e);
    if (zh) return zh;
    // before: "Sarah Tan 012-345 6789", "Sarah Tan, sarah@x.com", "Sarah Tan - Tel: +60 12 345 6789", "Sarah Tan\n012..."
    let k = tokens.length - 1;
    while (k >= 0 && tokens[k]!.e > s) k--;
    let skipped = 0;
    while (k >= 0 && skipped < 4 && (CONTACT_LABELS.has(tokens[k]!.w) || ',:-(/|'.includes(tokens[k]!.w))) {
      k--;
      skipped++;
    }
    if (k >= 0 && tokens[k]!.kind === 'word') {
      const gap = text.slice(tokens[k]!.e, s);
      const lines = gap.split('\n').length - 1;
      for (const loose of [true, false]) {
        const run = lines <= 1 ? nameRun(tokens, text, k, -1, loose) : null;
        const name = run && runName(tokens, run);
        if (!run || !name || (loose && !emailSpells(ctx.email, name))) continue;
        const before = tokens[run.from - 1];
        const lineStart = !before || text.slice(before.e, tokens[run.from]!.s).includes('\n');
        if (lines === 1 && !lineStart) break;
        if (before && !lineStart && (PLACE_BEFORE.has(before.w) || (before.kind === 'word' && /^\p{Lu}/u.test(before.raw) && SPOILERS.has(before.w)))) break;
        // more capitalised words than a name has
        if (before && !lineStart && before.kind === 'word' && /^\p{Lu}/u.test(before.raw) && !notNameWord(before.w)) break;
        return name;
      }
    }
    // after: "012-345 6789 (Sarah)", "012 345 6789 Sarah Tan", "sarah@x.com - Sarah"
    k = tokens.findIndex((t) => t.s >= e);
    skipped = 0;
    while (k !== -1 && k < tokens.length && skipped < 2 && '(-,/:|'.includes(tokens[k]!.w) && tokens[k]!.kind === 'punct') {
      k++;
      skipped++;
    }
    const first = tokens[k];
    if (k === -1 || !first || first.kind !== 'word' || text.slice(e, first.s).includes('\n')) continue;
    for (const loose of [true, false]) {
      const run = nameRun(tokens, text, k, 1, loose);
      const name = run && runName(tokens, run);
      if (!run || !name || (loose && !emailSpells(ctx.email, name))) continue;
      const next = tokens[run.to + 1];
      const ends = !next || text.slice(tokens[run.to]!.e, next.s).includes('\n') || (next.kind === 'punct' && ')],.!;-/|'.includes(next.w));
      if (ends) return name;
    }
  }
  return null;
}

/** "... Please confirm. Chloé", "... thanks! Raj": a name ending the message after its last sentence. */
function closingName(tokens: Token[], text: string): string | null {
  let k = tokens.length - 1;
  while (k >= 0 && tokens[k]!.kind === 'punct' && !'?:,('.includes(tokens[k]!.w)) k--;
  if (k < 0 || tokens[k]!.kind !== 'word') return null;
  const run = nameRun(tokens, text, k, -1, false);
  const before = run && tokens[run.from - 1];
  // after the end of a sentence, or an emoji ("Thanks! 😊 Raj")
  const smiley = before?.w === ')' && (tokens[run!.from - 2]?.w === ':' || tokens[run!.from - 2]?.w === ';');
  // "..., 2A, Ms Grace Teo": after a comma a name with a title; "... on 1 jan at 9am, Vincent": or one or two
  // capitalised words after a clause of lower-case words (not "from Ipoh, Perak", a place in a list)
  const ahead = run ? tokens[run.from - 2] : undefined;
  const afterClause = run !== null && run.to - run.from <= 1 && (ahead === undefined || ahead.kind !== 'word' || ahead.raw === ahead.w) && !PLACE_BEFORE.has(ahead?.w ?? '') && !PLACE_BEFORE.has(tokens[run.from - 3]?.w ?? '');
  const titled = before?.w === ',' && (HONORIFICS.has(tokens[run!.from]!.w) || afterClause);
  const ends = before && before.kind === 'punct' && ('.!?。！？'.includes(before.w) || smiley || titled || /\p{Extended_Pictographic}/u.test(before.raw));
  if (!run || !ends) return null;
  // a word the guest also wrote in lower case is a common word, not a name
  const common = new Set(tokens.filter((t) => t.kind === 'word' && t.raw === t.w).map((t) => t.w));
  for (let j = run.from; j <= run.to; j++) if (common.has(tokens[j]!.w) && !NAME_CONNECTORS.has(tokens[j]!.w)) return null;
  return runName(tokens, run);
}

const ZH_NAME_STOP = new Set(['想', '要', '来', '在', '是', '的', '问', '们', '和', '跟', '住', '订', '预', '有', '我', '请', '你', '这', '那', '一', '个', '，', '。', '！', '？', '了', '也', '会', '将']);
const ZH_SURNAMES = '李王张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤陳張劉黃趙吳鄭謝蕭葉蘇呂盧鍾譚陸鄒龔嚴';

const ZH_DOUBLE_SURNAMES = ['欧阳', '歐陽', '司马', '上官', '诸葛', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '夏侯', '令狐', '司徒'];
// characters of rooms, dates, counts and places, which a name written beside a phone does not hold
const ZH_NOT_IN_NAME = new Set([...'房间床楼店号晚天点元人位早餐级景日月年号路街市']);
const ZH_TITLES = ['先生', '小姐', '女士', '太太', '老师', '经理', '經理'];
const isHan = (c: string | undefined): boolean => c !== undefined && /\p{Script=Han}/u.test(c);

/** A Han name: 2-4 characters starting with a surname, or a surname and a title ("王先生" is 王). */
function hanName(run: string): string | null {
  const surname = (x: string) => ZH_SURNAMES.includes(x[0]!) || ZH_DOUBLE_SURNAMES.includes(x.slice(0, 2));
  for (const title of ZH_TITLES) if (run.length > title.length && run.endsWith(title)) return surname(run) && run.length <= title.length + 2 ? run.slice(0, -title.length) : null;
  if (run.length < 2 || run.length > 4 || !surname(run)) return null;
  for (const c of run.slice(1)) if (ZH_NAME_STOP.has(c) || ZH_NOT_IN_NAME.has(c)) return null;
  // 周六, 周末: a weekday, not Mr Zhou
  if (run[0] === '周' && '一二三四五六七日天末'.includes(run[1]!)) return null;
  return run;
}

/** "黄志明 012-889 3344", "0198765432 李伟": a whole Han word that is a name, right beside the contact. */
function chineseNameBeside(text: string, s: number, e: number): string | null {
  const sep = (c: string | undefined) => c === ' ' || c === ',' || c === '，' || c === ':' || c === '：' || c === '、' || c === '-' || c === '(' || c === '（';
  let a = s;
  while (a > 0 && s - a < 3 && sep(text[a - 1])) a--;
  let b = a;
  while (b > 0 && a - b < 8 && isHan(text[b - 1])) b--;
  if (a - b >= 2 && !isHan(text[b - 1])) {
    const n = hanName(text.slice(b, a));
    if (n) return n;
  }
  let c = e;
  while (c < text.length && c - e < 3 && (sep(text[c]) || text[c] === ')' || text[c] === '）')) c++;
  let d = c;
  while (d < text.length && d - c < 8 && isHan(text[d])) d++;
  return d - c >= 2 && !isHan(text[d]) ? hanName(text.slice(c, d)) : null;
}

/** "谢谢，林小姐", "。王先生": a Han name with a title, or after thanks, closing the message. */
function chineseClosingName(text: string): string | null {
  let end = text.length;
  while (end > 0 && end > text.length - 4 && /[\s。！.!~]/u.test(text[end - 1]!)) end--;
  let start = end;
  while (start > 0 && end - start < 6 && isHan(text[start - 1])) start--;
  if (end - start < 2 || !/[\s，,。！!\n]/u.test(text[start - 1] ?? '\n')) return null;
  const run = text.slice(start, end);
  const before = text.slice(Math.max(0, start - 4), start);
  const titled = ZH_TITLES.some((t) => run.endsWith(t));
  return titled || before.includes('谢') || before.includes('謝') ? hanName(run) : null;
}

function chineseName(text: string): string | null {
  for (const cue of ['我叫', '名字是', '名字叫', '名字：', '名字:', '姓名：', '姓名:', '联系人：', '联系人:', '聯絡人：', '名字', '姓名', '联系人', '我是', '我姓', '请联系', '請聯繫']) {
    const at = text.indexOf(cue);
    if (at === -1) continue;
    let k = at + cue.length;
    while (text[k] === ' ') k++;
    let name = '';
    while (k < text.length && name.length < 6 && isHan(text[k]) && !(name.length >= 1 && ZH_NAME_STOP.has(text[k]!))) name += text[k++];
    const whole = !isHan(text[k]) || ZH_NAME_STOP.has(text[k]!);
    // after a colon anything is the name; after a bare cue it must look like one
    const label = cue.endsWith(':') || cue.endsWith('：') || cue === '我叫' || cue === '名字是' || cue === '名字叫';
    if (cue === '我姓' && name.length >= 1 && ZH_SURNAMES.includes(name[0]!)) return name[0]!;
    if (name.length === 1 && ZH_SURNAMES.includes(name) && (cue === '我是' || cue === '请联系')) return name;
    const titled = ZH_TITLES.find((t) => name.length > t.length && name.endsWith(t));
    if (titled) name = name.slice(0, -titled.length);
    if (!label) {
      // "我是林美玲", "请联系王先生": a surname first, and the name ends where the word does
      const n = titled && name.length <= 2 && ZH_SURNAMES.includes(name[0]!) ? name : whole || titled ? hanName(name) : hanName(name.slice(0, 3));
      if (n) return n;
      if (name.length) continue;
    } else if (name.length >= 2) return name.slice(0, 4);
    // Latin name after a Chinese cue: "我叫 Sarah", "联系人：Sarah Tan"
    const latin = /^\s?(\p{Lu}\p{Ll}{1,20}(?: \p{Lu}\p{Ll}{1,20}){0,2})/u.exec(text.slice(at + cue.length, at + cue.length + 70));
    if (latin && !notNameWord(latin[1]!.split(' ')[0]!.toLowerCase())) return latin[1]!;
  }
  return null;
}

// ---- the lead ---------------------------------------------------------------------------------

function includesAny(text: string, words: string[]): boolean {
  return words.some((w) => text.includes(w));
}

interface Signals {
  strongRequest: boolean;
  /** book / reserve / tempah / quote: words that ask for a booking of anything, not "do you have". */
  bookWord: boolean;
  weakRequest: boolean;
  roomWord: boolean;
  eventWord: boolean;
  planning: boolean;
  diningWord: boolean;
  tableFor: boolean;
  stayWord: boolean;
  notRoomThing: boolean;
  time: boolean;
  /** "instead", "change", "make it": the guest is changing something already asked for. */
  change: boolean;
  question: boolean;
  /** "Check-in:", "Arrival date:" labels of a booking form. */
  formLabel: boolean;
  /** The guest writes about cancelling, which is about a booking already made, not a new one. */
  cancel: boolean;
  /** "rooms suitable for ...", "a room with a bathtub": asks what a room is like, not for one. */
  roomFeature: boolean;
  /** "staying with you for a wedding": the guest attends an event rather than asks to hold one. */
  attending: boolean;
  /** "do I need a reservation?", "how early should I book?": asks how booking works. */
  howToBook: boolean;
  /** "any events": asks what is on rather than to hold one. */
  whatsOn: boolean;
  /** "I have a booking", "we booked": the guest writes about a booking already made. */
  existing: boolean;
  /** "do you have ... rooms": asks what the hotel has, a booking only with a date or a length of stay. */
  haveRooms: boolean;
  /** A booking word only inside a question about how or when to book ("how far ahead must I book"). */
  processOnly: boolean;
  /** What a request verb governs: "hold 2 rooms", "book the ballroom", "reserve a table". */
  asksRoom: boolean;
  asksVenue: boolean;
  /** A request verb governs something other than a stay: "reserve a sunbed for 2 tomorrow". */
  asksThing: boolean;
  /** The party is the object of a bookable thing: "table for 4", "lunch for 2", "room for 3 adults". */
  framedParty: boolean;
  /** "can we have ...", "is there space ...": a question that asks for something to be held. */
  askFrame: boolean;
  /** A venue is named: "the ballroom", "a function room". */
  venue: boolean;
}

/** Whether the booking word at i sits in a question about how or when to book rather than asks for a booking. */
function processFrame(tokens: Token[], i: number): boolean {
  for (let d = -4; d <= 4; d++) if (d !== 0 && PROCESS_CUES.has(tokens[i + d]?.w ?? '')) return true;
  // "do I need to book", "should we reserve", "must I book", "need we book"; "perlu tempah", "kena book"
  for (let d = 1; d <= 4; d++) {
    const w = tokens[i - d]?.w ?? '';
    // ("do you have any vacancies" asks for a room)
    const auxiliary = ASK_AUXILIARIES.has(w) && ASKER.has(tokens[i - d + 1]?.w ?? '');
    // "do we need 2 rooms?": the verb itself asked about ("how do I book a room for 2 on 27 Dec?" asks for one)
    if (auxiliary && (w === 'do' || w === 'does' || w === 'did' ? (d === 2 && tokens[i - 3]?.w !== 'how') || (OBLIGED.has(tokens[i - d + 2]?.w ?? '') && tokens[i - d + 3]?.w === 'to') : true)) return true;
    if ((w === 'perlu' || w === 'kena' || w === 'wajib') && d <= 2) return true;
  }
  return false;
}

// Words between a request verb and its object: "hold 2 twin rooms", "book us the lawn", "reserve 3 single rooms".
const OBJECT_LEAD_INS = new Set(['a', 'an', 'the', 'your', 'ur', 'one', 'two', 'three', 'four', 'five', 'satu', 'dua', 'tiga', 'more', 'extra', 'another', 'x', 'us', 'me', 'of',
  ...ROOM_TYPES.flatMap(([p]) => p), 'standard', 'connecting', 'adjoining', 'big', 'small', 'large', 'quiet', 'nice', 'cheap', 'sea', 'view', 'private', 'whole', 'entire']);
const AND_WORDS = new Set(['+', '&', 'and', ',', 'dan', 'plus']);

/**
 * What the request verb at i governs ("hold 2 twin rooms", "book the lawn", "rooms + a meeting room"), if it
 * is a guest room or an event venue; a venue joined to the rooms wins. "nak tengok dari bilik" governs a verb.
 */
function requestObject(tokens: Token[], i: number): 'room' | 'venue' | 'thing' | null {
  let found: 'room' | 'venue' | null = null;
  let determiner = false;
  for (let k = i + 1, lead = 0; k < tokens.length && lead <= 3; k++) {
    const t = tokens[k]!;
    if (isVenue(tokens, k)) return 'venue';
    if (isGuestRoom(tokens, k)) {
      found = 'room';
      // "rooms + meeting room": read on through a joined object
      if (!AND_WORDS.has(tokens[k + 1]?.w ?? '')) return found;
      k++;
      lead = 0;
      continue;
    }
    if (t.kind !== 'num' && !OBJECT_LEAD_INS.has(t.w) && !VENUE_ROOM_BEFORE.has(t.w)) {
      // "reserve a sunbed", "book the squash court": a thing named after its article that is not somewhere to stay
      return !found && determiner && t.kind === 'word' && !NOT_A_THING.has(t.w) && !CALENDAR_WORDS.has(t.w) ? 'thing' : found;
    }
    if (DETERMINERS.has(t.w)) determiner = true;
    lead++;
  }
  return found;
}

const DETERMINERS = new Set(['a', 'an', 'the', 'your', 'ur', 'one']);
// What may follow "book a ..." and still be a stay, a meal or an event the other rules read.
const NOT_A_THING = new Set([...TABLE_WORDS, ...DINING_WORDS, ...EVENT_WORDS, ...STAY_WORDS, 'night', 'nights', 'nite', 'weekend', 'couple', 'few', 'party', 'booking', 'reservation', 'stay',
  'date', 'place', 'spot', 'high', 'afternoon', 'tea', 'bed', 'beds', 'malam',
  // words that end the object without naming one: "book a double for 2", "book the twin tonight"
  'for', 'on', 'at', 'in', 'from', 'to', 'this', 'next', 'with', 'and', 'or', 'please', 'pls', 'untuk', 'utk', 'pada', 'dari', 'until', 'till', 'by', 'asap', 'now', 'today', 'tonight',
  'tonite', 'tomorrow', 'tmrw', 'tmr', 'esok', 'ni', 'ini', 'that', 'which', 'where', 'if']);

const BOOKABLE = new Set([...DINING_WORDS, ...TABLE_WORDS, ...ROOM_WORDS, ...EVENT_WORDS, 'party', 'tea', 'booking', 'reservation']);
const FOR_WORDS = new Set(['for', 'untuk', 'utk']);

/** "table for 4", "lunch for 2 on the 24th", "meja untuk 12 orang", "room for about 3": a count a bookable thing is for. */
function partyFramed(tokens: Token[]): boolean {
  for (let i = 0; i + 2 < tokens.length; i++) {
    if (!BOOKABLE.has(tokens[i]!.w) || !FOR_WORDS.has(tokens[i + 1]!.w)) continue;
    let k = i + 2;
    while (k < i + 4 && ABOUT_WORDS.has(tokens[k]?.w ?? '')) k++;
    const n = numberAt(tokens, k);
    if (n && !isClock(tokens, k, n.next) && !NOT_PERSON_AFTER.has(tokens[n.next]?.w ?? '')) return true;
    if (tokens[k]?.w === 'a' && (tokens[k + 1]?.w === 'couple' || tokens[k + 1]?.w === 'family' || tokens[k + 1]?.w === 'group')) return true;
  }
  return false;
}

/** "for a wedding" after a stay word, or "attending a conference": an event the guest goes to. */
function attendsEvent(tokens: Token[], i: number): boolean {
  const before = tokens.slice(Math.max(0, i - 3), i).map((t) => t.w);
  if (before.some((w) => ATTEND.has(w))) return true;
  // "for a wedding", or someone else's: "for my cousin's wedding"
  const at = tokens.slice(Math.max(0, i - 5), i).map((t) => t.w);
  const f = at.lastIndexOf('for');
  const whose = at.slice(f + 1);
  const forA =
    f >= 0 &&
    FOR_WHOSE.has(whose[0] ?? '') &&
    (whose.length === 1 || (whose.length <= 4 && /^\S+['’]s$|^s$/.test(whose.at(-1)!)));
  return forA && tokens.slice(0, i).some((t, k) => STAY_WORDS.has(t.w) || TRAVEL_WORDS.has(t.w) || phraseAt(tokens, k, ['be', 'in']));
}
/** What may follow "for" before an event the guest goes to. */
const FOR_WHOSE = new Set(['a', 'an', 'the', 'my', 'our', 'his', 'her', 'their', 'friends', 'friend']);
/** Words of a guest travelling in: "coming", "flying in", "in town" (and "we'll be in KL", read as a phrase). */
const TRAVEL_WORDS = new Set(['here', 'coming', 'visiting', 'town', 'flying', 'travelling', 'traveling', 'arriving', 'driving', 'trip']);

function signals(tokens: Token[], text: string): Signals {
  let process = 0;
  let asked = 0;
  const s: Signals = { strongRequest: false, bookWord: false, weakRequest: false, roomWord: false, eventWord: false, planning: false, diningWord: false, tableFor: false, stayWord: false, notRoomThing: false, time: false, formLabel: false, change: false, cancel: false, roomFeature: false, attending: false, haveRooms: false, existing: false, whatsOn: false, howToBook: false, processOnly: false, asksRoom: false, asksVenue: false, asksThing: false, framedParty: partyFramed(tokens), askFrame: findPhrase(tokens, ASK_FRAMES) !== -1, venue: false, question: text.includes('?') || text.includes('？') || QUESTION_STARTS.has(tokens[0]?.w ?? '') || asksWh(tokens) };
  for (let i = 0; i < tokens.length; i++) {
    const w = tokens[i]!.w;
    if (isGuestRoom(tokens, i)) {
      const before = tokens[i - 1]?.w ?? '';
      // "my room", "our rooms": the stay the guest already has; "in the room", "dalam bilik": where something is
      if (before === 'my' || before === 'our') s.existing = true;
      else if (!(IN_PLACE.has(before) || (IN_PLACE.has(tokens[i - 2]?.w ?? '') && (before === 'the' || before === 'each' || before === 'every')))) s.roomWord = true;
    }
    const site = tokens[i + 1]?.w === '.' && tokens[i + 2]?.w === 'com'; // booking.com
    // "I have a booking on 24 Dec", "we made a reservation": one already made, not a new one
    const afterArticle = tokens[i - 1]?.w === 'a' || tokens[i - 1]?.w === 'an';
    const held = STRONG_REQUEST.has(w) && afterArticle && HELD.has(tokens[i - 2]?.w ?? '');
    if (held || (BOOKED.has(w) && PERSON.has(tokens[i - 1]?.w ?? '')) || (STRONG_REQUEST.has(w) && OWNED.has(tokens[i - 1]?.w ?? ''))) s.existing = true;
    // "sit by the pool with a book": after an article, "book" is a thing to read, not a request
    else if (STRONG_REQUEST.has(w) && !site && !(w === 'book' && afterArticle) && !NOT_NEW_BOOKING_BEFORE.has(tokens[i - 1]?.w ?? '') && !NOT_NEW_BOOKING_AFTER.has(tokens[i + 1]?.w ?? '') && !hypothetical(tokens, i)) {
      s.strongRequest = s.bookWord = true;
      // "do I need a reservation", "is booking required", "how early should I book": how booking works
      for (let d = -4; d <= 3; d++) if (d !== 0 && BOOKING_PROCESS.has(tokens[i + d]?.w ?? '')) s.howToBook = true;
      if (processFrame(tokens, i)) process++;
      else asked++;
    }
    if (REQUEST_VERBS.has(w) && !hypothetical(tokens, i) && !processFrame(tokens, i) && !NOT_NEW_BOOKING_BEFORE.has(tokens[i - 1]?.w ?? '')) {
      const object = requestObject(tokens, i);
      if (object === 'room') s.asksRoom = true;
      if (object === 'venue') s.asksVenue = true;
      if (object === 'thing') s.asksThing = true;
    }
    if (isVenue(tokens, i)) s.venue = true;
    if (isVenue(tokens, i) && s.bookWord) s.asksVenue = true;
    // "late checkout" is booked like a service, not a room
    if (w === 'checkout' && tokens[i - 1]?.w === 'late') s.notRoomThing = true;
    if (w === 'available' || w === 'availability') s.weakRequest = true;
    if (WEAK_REQUEST.has(w) || phraseAt(tokens, i, ['how', 'much'])) s.weakRequest = true;
    // "our office Xmas party", but not "a party of 4"
    if (EVENT_WORDS.has(w) || ((w === 'party' || w === 'parties') && tokens[i + 1]?.w !== 'of')) {
      s.eventWord = true;
      if (attendsEvent(tokens, i)) s.attending = true;
      // "are there any events on NYE?": what is on at the hotel, not one the guest holds
      if (tokens[i - 1]?.w === 'any') s.whatsOn = true;
    }
    if (PLANNING_WORDS.has(w)) s.planning = true;
    if (DINING_WORDS.has(w) || (w === 'tea' && ['high', 'afternoon', '-'].includes(tokens[i - 1]?.w ?? ''))) s.diningWord = true;
    if (STAY_WORDS.has(w) || phraseAt(tokens, i, ['check', 'in']) || phraseAt(tokens, i, ['check', '-', 'in'])) s.stayWord = true;
    if (NOT_ROOM_THINGS.has(w)) s.notRoomThing = true;
    if (CANCEL_WORDS.has(w)) s.cancel = true;
    if (isGuestRoom(tokens, i) && ROOM_FEATURE_AFTER.has(tokens[i + 1]?.w ?? '')) s.roomFeature = true;
    if (CHANGE_WORDS.has(w) || phraseAt(tokens, i, ['make', 'it'])) s.change = true;
    if (FORM_LABELS.some((p) => p[0] === w && phraseAt(tokens, i, p))) s.formLabel = true;
    if (phraseAt(tokens, i, ['do', 'you', 'have']) && [3, 4, 5, 6].some((d) => tokens[i + d] && isGuestRoom(tokens, i + d))) s.strongRequest = s.haveRooms = true;
    if (tokens[i]!.kind === 'num') {
      const next = tokens[i + 1]?.w;
      if (next === 'am' || next === 'pm' || next === 'hrs' || ((next === ':' || next === '.') && tokens[i + 2]?.kind === 'num' && tokens[i + 2]!.raw.length === 2 && tokens[i + 3]?.w !== '/' )) s.time = true;
    }
    if (w === 'noon' || w === 'lunchtime' || w === 'dinnertime' || w === 'pukul' || w === 'jam') s.time = true;
  }
  if (findPhrase(tokens, REQUEST_PHRASES) !== -1) {
    s.strongRequest = true;
    asked++;
  }
  s.processOnly = (process > 0 && asked === 0) || (findPhrase(tokens, WITHOUT_BOOKING) !== -1 && s.bookWord);
  if (findPhrase(tokens, EVENT_PHRASES) !== -1) s.eventWord = true;
  if (findPhrase(tokens, TABLE_PHRASES) !== -1) s.tableFor = true;
  // "boleh reserve meja utk 6", "book us a table": a table with a booking word anywhere
  if (s.bookWord && tokens.some((t, i) => TABLE_WORDS.has(t.w) && tokens[i + 1]?.w !== 'tennis')) s.tableFor = true;
  if (includesAny(text, ZH_REQUEST) || (text.includes('订') && text.includes('房')) || ZH_WANT_TO_HOLD.test(text)) s.strongRequest = true;
  // "需要提前多久预订？", "要不要订位？": how or whether to book, not a booking
  if (text.includes('订') && includesAny(text, ZH_PROCESS) && asked === 0) s.processOnly = true;
  if (text.includes('预订') || text.includes('预定') || text.includes('订')) s.bookWord = true;
  if (text.includes('房')) s.roomWord = true;
  if (text.includes('住') || text.includes('入住')) s.stayWord = true;
  if (includesAny(text, ZH_EVENT)) s.eventWord = true;
  if (includesAny(text, ZH_DINING)) s.diningWord = true;
  if (includesAny(text, ZH_TABLE)) s.tableFor = true;
  if (text.includes('多少钱') && text.includes('房')) s.weakRequest = true;
  if (text.includes('改') || text.includes('换')) s.change = true;
  if (text.includes('取消') || text.includes('退订')) s.cancel = true;
  if (/[吗嗎][?？]?\s*$/u.test(text.slice(-4))) s.question = true;
  if (/[点點]/u.test(text) && /\d|[一二三四五六七八九十两]/u.test(text)) s.time = s.time || /(?:\d|[一二三四五六七八九十两])[点點]/u.test(text);
  return s;
}

const WH_WORDS = new Set(['what', 'when', 'where', 'which', 'who', 'why', "what's", "when's", "where's", 'bila', 'apa', 'mana']);

/** Whether the message opens (after a greeting) with a question word: it asks about something, not for it. */
function asksWh(tokens: Token[]): boolean {
  let k = 0;
  while (k < tokens.length && k < 6 && (tokens[k]!.kind === 'punct' || GREETINGS.has(tokens[k]!.w) || tokens[k]!.w === 'there' || tokens[k]!.w === 'team')) k++;
  return WH_WORDS.has(tokens[k]?.w ?? '');
}

/**
 * "Pax - 3", "Name - Chloe Lee": a spaced dash after a label of up to three words starting a line is the
 * label's colon (not a range, "Sat - Sun", nor a sign-off dash "- Wei Ming").
 */
function withLabelColons(tokens: Token[], text: string): Token[] {
  let lineStart = 0;
  return tokens.map((t, i) => {
    if (i > 0 && text.slice(tokens[i - 1]!.e, t.s).includes('\n')) lineStart = i;
    if (t.w !== '-' || i === lineStart || i - lineStart > 3 || text[t.s - 1] !== ' ' || text[t.e] !== ' ') return t;
    for (let k = lineStart; k < i; k++) if (tokens[k]!.kind !== 'word' || CALENDAR_WORDS.has(tokens[k]!.w)) return t;
    return { ...t, w: ':' };
  });
}

/**
 * Deterministic lead fields from a guest's message, so capture works with no model at all (C6, C7).
 * A plain question ("is the pool open at 8pm?") is `other` and gets no dates or party size: dates and
 * counts are read only when the guest asks to book (or clearly states a stay). Reads only the first
 * MAX_GUEST_CHARS characters (server/shared/guest-text.ts), and every rule is linear in them.
 */
export function extractLead(text: string, opts: ExtractOptions): ExtractedLead {
  const folded = foldTypography(boundGuestText(text));
  const contacts = findContacts(folded, opts.country ?? 'MY');
  // Contacts are read; the rest of the rules see the text with them blanked out.
  let rest = folded;
  for (const [s, e] of contacts.spans) rest = rest.slice(0, s) + ' '.repeat(e - s) + rest.slice(e);
  const tokens = withLabelColons(withSpelling(tokenize(rest)), rest);
  const lower = rest.toLowerCase();

  const written = findDates(opts.today, tokens, rest);
  const dates = withoutReplacedDates(written, tokens);
  // a date given up is still a date, not a count ("cancel my booking for 24 Dec")
  const used = new Set<number>();
  for (const d of written) for (let k = d.i; k < d.j; k++) used.add(k);
  const { nights, days } = findNights(tokens, used);
  const sig = signals(tokens, lower);
  const party = partySize(tokens, rest, used, sig.eventWord);
  const roomType = roomTypeIn(tokens, rest);

  const date = dates.length > 0;
  // "end of Jan, 3 nights for 2 adults": a stay asked for whose dates are not given yet
  const when = date || namesVaguePeriod(tokens);
  const details = date || nights !== null || party !== null || roomType !== null;
  // "is there a charge to cancel?", "do you have rooms suitable for a wheelchair user?": a question about
  // booking, not a booking ("book 24 Dec for 2; is cancellation free?" still asks for one)
  const asksWithDetails = sig.strongRequest && (date || nights !== null || party !== null);
  const noStay = !date && nights === null;
  const aboutBooking =
    (sig.cancel && !asksWithDetails) ||
    (sig.roomFeature && sig.question && !sig.bookWord && noStay && party === null) ||
    // "do you have connecting rooms for a family of 5?", "do you have a room close to the lift?": what the
    // hotel has, not a stay asked for; with no party, only while no price or availability is asked
    (sig.haveRooms && sig.question && !sig.bookWord && noStay && (party !== null || !sig.weakRequest)) ||
    (sig.existing && !sig.strongRequest && !opts.context) ||
    (sig.howToBook && sig.question && party === null && (nights === null || !date)) ||
    // "how far ahead must I book the spa? we're 4", "is it worth booking the dinner cruise?": how booking works
    (sig.processOnly && sig.question);
  // Details told around a question ("what time is the countdown party? we are 4") are the guest's story; in a
  // statement, or as what a bookable thing is for ("lunch for 2 on the 24th?"), they are a request.
  const told = !sig.question || sig.framedParty;
  let intent: Intent = 'other';
  if (aboutBooking) intent = 'other';
  // what the request verb governs decides: "book the lawn" for a wedding is an event, "hold 2 rooms" for one a stay,
  // "reserve a table" for a reunion a meal
  // ("Wedding on 14 Feb for 300 pax, is the ballroom free?": a venue asked about for a date and a party)
  else if (sig.asksVenue || (sig.venue && date && party !== null && !sig.attending)) intent = 'event';
  else if (sig.asksRoom && !sig.tableFor) intent = 'room_booking';
  else if (sig.tableFor) intent = 'dining';
  // "what time is the NYE countdown party?" asks about the hotel's event; a party size makes it the guest's
  else if (sig.eventWord && (sig.bookWord || sig.planning || (((date && !asksWh(tokens)) || party !== null) && !sig.attending && !sig.whatsOn && (told || sig.strongRequest || sig.weakRequest || sig.askFrame)))) intent = 'event';
  else if (sig.diningWord && !sig.roomWord && !nights && (sig.strongRequest || (party !== null && (date || sig.time) && (told || sig.askFrame)))) intent = 'dining';
  else if (
    (sig.strongRequest && (details || sig.roomWord) && !((sig.notRoomThing || sig.asksThing) && !sig.roomWord)) ||
    // a price with dates is a quote for a stay; "how much for 2 nights?" with none is a question about prices
    (sig.weakRequest && !sig.notRoomThing && (sig.roomWord || (nights !== null && !sig.diningWord)) && date) ||
    // "what is the rate for 24-26 Dec for 2 adults?": a price for a stay of several nights
    (sig.weakRequest && !sig.notRoomThing && !sig.diningWord && !sig.eventWord && date && (dates[0]!.to !== null || nights !== null) && party !== null) ||
    // (a party and a stay of several nights asked about is a stay planned: "is the suite ok for 2 adults from 24 to 27 Dec?")
    (when && party !== null && (sig.roomWord || nights !== null || roomType !== null) && (told || sig.weakRequest || nights !== null || (date && dates[0]!.to !== null))) ||
    (when && nights !== null && sig.roomWord) ||
    // "24-26 Dec, 2 adults." : booking details given as a statement, not a question about something else
    (when && party !== null && !sig.question && !sig.notRoomThing && !sig.asksThing)
  )
    intent = 'room_booking';

  // "Staying 24-26 Dec." states a stay; "we're staying 24-26 Dec, is breakfast included?" asks about one
  const stayStated = date && !sig.question && (nights !== null || ((dates[0]!.to !== null || dates.length > 1) && sig.stayWord));
  // A filled-in form ("Check-in: 24 Dec / Check-out: 27 Dec / Guests: 2") asks for a room.
  if (intent === 'other' && date && sig.formLabel && !sig.notRoomThing) intent = 'room_booking';
  // In a conversation already about a booking, a follow-up's dates belong to it, unless it is a new question
  // ("is parking free on Sunday?") rather than a change ("can we make it 25 to 28 Dec instead?").
  const followUp = opts.context && opts.context !== 'other' && (sig.change || nights !== null || dates[0]?.to || !sig.question) ? opts.context : null;
  const booking = intent !== 'other' ? intent : aboutBooking ? null : followUp ?? (stayStated ? 'room_booking' : null);

  let checkIn: string | null = null;
  let checkOut: string | null = null;
  if (booking && date) [checkIn, checkOut] = stayDates(booking, dates, nights, days, lastNamedNight(tokens, dates));
  // "26 Dec, check out 28": the day the guest leaves, written without its month
  if (booking === 'room_booking' && checkIn && !checkOut) checkOut = bareCheckOut(tokens, used, checkIn);
  const name = nameIn({ tokens, text: rest, contacts: contacts.spans, email: contacts.email, hotel: opts.hotelName ?? null }) ?? (opts.profileName?.trim() || null);
  return {
    name,
    phone: contacts.phone,
    email: contacts.email,
    checkIn,
    checkOut,
    guests: booking ? party : null,
    roomType: booking === 'room_booking' ? roomType : null,
    intent,
    requested: sig.strongRequest && !aboutBooking && !((sig.notRoomThing || sig.asksThing) && !sig.roomWord),
    nights: booking === 'room_booking' ? nights : null,
  };
}

const BOOKING_NOUNS = new Set(['booking', 'bookings', 'reservation', 'reservations', 'tempahan', 'stay']);
const THE_OWNED = new Set(['the', 'my', 'our', 'existing', 'current']);

/** Whether date `d` names a booking the guest gives up: "cancel the 26 Dec booking", "my booking on 26 Dec", "instead of 26 Dec". */
function replacedDate(tokens: Token[], d: DateMention): boolean {
  const w = (k: number) => tokens[k]?.w ?? '';
  if (phraseAt(tokens, d.i - 2, ['instead', 'of']) || phraseAt(tokens, d.i - 3, ['instead', 'of', 'the'])) return true;
  // "the 26 Dec booking", "cancel 26 Dec"
  if (BOOKING_NOUNS.has(w(d.j)) && (THE_OWNED.has(w(d.i - 1)) || CANCEL_WORDS.has(w(d.i - 1)))) return true;
  if (CANCEL_WORDS.has(w(d.i - 1)) || (THE_OWNED.has(w(d.i - 1)) && CANCEL_WORDS.has(w(d.i - 2)))) return true;
  // "my booking on 26 Dec", "the reservation for 24 Dec"
  return (w(d.i - 1) === 'on' || w(d.i - 1) === 'for') && BOOKING_NOUNS.has(w(d.i - 2)) && THE_OWNED.has(w(d.i - 3));
}

/**
 * A guest who changes a booking names the old date and the new one; the stay asked for is the new one, so
 * the dates of a booking given up are dropped when another date is written.
 */
function withoutReplacedDates(dates: DateMention[], tokens: Token[]): DateMention[] {
  const kept = dates.filter((d) => !replacedDate(tokens, d));
  return kept.length && kept.length < dates.length ? kept : dates;
}

/** `lastNight`: the last of the nights the guest named ("tonight", "the nights of 31 Dec and 1 Jan"), if any. */
function stayDates(intent: Intent, dates: DateMention[], nights: number | null, days: number | null, lastNight: string | null): [string, string | null] {
  const first = dates[0]!;
  const checkIn = first.from;
  if (intent === 'dining') return [checkIn, null];
  let checkOut = first.to;
  // "the nights of 12 and 13 December": the stay ends the morning after the last night
  if (first.list && checkOut && intent === 'room_booking') checkOut = HotelCalendar.addDays(checkOut, 1);
  if (!checkOut && intent === 'event' && days) checkOut = HotelCalendar.addDays(checkIn, days - 1);
  if (!checkOut && intent === 'room_booking' && nights) checkOut = HotelCalendar.addDays(checkIn, nights);
  if (!checkOut && intent === 'room_booking' && lastNight) checkOut = HotelCalendar.addDays(lastNight, 1);
  // "arriving 24 Dec, leaving 27 Dec": the next written date after the check-in
  checkOut ??= dates.slice(1).find((d) => !d.to && d.from > checkIn)?.from ?? null;
  if (intent === 'event') return [checkIn, checkOut && checkOut >= checkIn ? checkOut : checkIn];
  return [checkIn, checkOut && checkOut > checkIn ? checkOut : null];
}
