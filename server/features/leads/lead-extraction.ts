import * as chrono from 'chrono-node';
import { findPhoneNumbersInText, type CountryCode } from 'libphonenumber-js';
import { emailSpans, replaceEmails } from '../../shared/redact.js';

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
}

/** The guest limit: extraction reads no more than this (the stored message may be longer). */
const MAX_EXTRACT_CHARS = 2000;

const MALAY_WORDS = /\b(saya|nak|mahu|ingin|bilik|tempahan|tempah|berapa|harga|ada|tak|tidak|boleh|untuk|malam|orang|dewasa|kanak|sarapan|terima kasih|encik|puan|esok|lusa|minggu|hari|bulan)\b/gi;

/** A cheap language guess for the three languages the hotels see most. */
export function detectLanguage(text: string): Language {
  const cjk = text.match(/[\u4e00-\u9fff]/g)?.length ?? 0;
  if (cjk >= 2) return 'zh';
  const malay = text.match(MALAY_WORDS)?.length ?? 0;
  return malay >= 2 ? 'ms' : 'en';
}

// Malay month names and relative words, mapped onto Indonesian ones that chrono's `id` locale reads.
const MALAY_TO_ID: [RegExp, string][] = [
  [/\bdisember\b/gi, 'Desember'],
  [/\bogos\b/gi, 'Agustus'],
  [/\bmac\b/gi, 'Maret'],
  [/\bjulai\b/gi, 'Juli'],
  [/\bjun\b/gi, 'Juni'],
  [/\bmei\b/gi, 'Mei'],
  [/\bhingga\b|\bsampai\b/gi, 'sampai'],
  [/\besok\b/gi, 'besok'],
];

const WORD_NUMBERS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, satu: 1, dua: 2, tiga: 3, empat: 4, lima: 5, enam: 6 };
const num = (s: string) => WORD_NUMBERS[s.toLowerCase()] ?? Number(s);

const ADULTS = /(\d+|one|two|three|four|five|six|seven|eight|nine|ten|satu|dua|tiga|empat|lima|enam)\s*(?:adults?|pax|people|persons?|guests?|orang dewasa|dewasa|orang)\b/gi;
const KIDS = /(\d+|one|two|three|four|five|six)\s*(?:kids?|child(?:ren)?|kanak-kanak|budak)\b/gi;
const PARTY = /\b(?:party of|table for|group of|for)\s+(\d+|two|three|four|five|six|seven|eight|nine|ten)\b(?!\s*(?:nights?|days?|am|pm|:))/i;
const ZH_PEOPLE = /(\d+)\s*(?:个人|位|人)/;
const NIGHTS = /(\d+|one|two|three|four|five|six|seven)\s*(?:nights?|malam)\b|(\d+)\s*晚/i;

const ROOM_TYPES = ['family suite', 'suite', 'family', 'deluxe', 'superior', 'executive', 'twin', 'double', 'king', 'queen', 'single', 'triple', 'villa', 'studio', 'sea view', 'garden view'];

const INTENT_WORDS: [Intent, RegExp][] = [
  ['event', /\b(wedding|conference|meeting room|seminar|banquet|event|function room|ballroom|majlis|perkahwinan|kenduri)\b|婚礼|会议|宴会/i],
  ['dining', /\b(table|dinner|lunch|restaurant|reservation for dinner|buffet|high tea|menu|makan malam|restoran)\b|餐厅|晚餐|订位/i],
  ['room_booking', /\b(room|rooms|stay|night|nights|book|booking|reserve|availability|available|suite|bilik|tempah|menginap|malam)\b|房间|预订|住|入住/i],
];

const NAME_PATTERNS = [
  /\b(?:[Mm]y name is|[Tt]his is|I am|I'm|[Nn]ame:)\s+([A-Z][\p{L}'-]+(?:\s+[A-Z][\p{L}'-]+){0,3})/u,
  /\bnama saya\s+([A-Z][\p{L}'-]+(?:\s+[A-Z][\p{L}'-]+){0,3})/iu,
  /我叫\s*([\u4e00-\u9fff]{2,4})/u,
];

function ymd(c: chrono.ParsedComponents): string {
  return `${c.get('year')}-${String(c.get('month')).padStart(2, '0')}-${String(c.get('day')).padStart(2, '0')}`;
}

function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/**
 * Deterministic lead fields from a guest's message, so capture works with no model at all (C6, C7).
 * `today` is the hotel's local date; relative dates ("next Friday") resolve against it.
 */
export function extractLead(fullText: string, opts: { today: string; country?: CountryCode; profileName?: string | null }): ExtractedLead {
  const text = fullText.slice(0, MAX_EXTRACT_CHARS);
  const language = detectLanguage(text);
  const first = emailSpans(text)[0];
  const email = first ? text.slice(first[0], first[1]).toLowerCase() : null;
  const phoneHit = findPhoneNumbersInText(text, { defaultCountry: opts.country ?? 'MY' })[0];
  const phone = phoneHit ? phoneHit.number.number : null;

  const [y, m, d] = opts.today.split('-').map(Number) as [number, number, number];
  const ref = new Date(y, m - 1, d, 12);
  let parser: typeof chrono = chrono;
  let dateText = replaceEmails(text, () => ' ');
  if (phoneHit) dateText = dateText.slice(0, phoneHit.startsAt) + ' '.repeat(phoneHit.endsAt - phoneHit.startsAt) + dateText.slice(phoneHit.endsAt);
  if (language === 'zh') parser = chrono.zh as unknown as typeof chrono;
  if (language === 'ms') {
    parser = chrono.id as unknown as typeof chrono;
    for (const [re, to] of MALAY_TO_ID) dateText = dateText.replace(re, to);
  }
  const dates = parser.parse(dateText, ref, { forwardDate: true });
  let checkIn: string | null = null;
  let checkOut: string | null = null;
  if (dates[0]) {
    checkIn = ymd(dates[0].start);
    if (dates[0].end) checkOut = ymd(dates[0].end);
    else if (dates[1]) checkOut = ymd(dates[1].start);
  }
  const nights = NIGHTS.exec(text);
  if (checkIn && !checkOut && nights) checkOut = addDays(checkIn, num(nights[1] ?? nights[2]!));
  if (checkIn && checkOut && checkOut <= checkIn) checkOut = null;

  let guests: number | null = null;
  let adults = 0;
  for (const mm of text.matchAll(ADULTS)) adults += num(mm[1]!);
  let kids = 0;
  for (const mm of text.matchAll(KIDS)) kids += num(mm[1]!);
  if (adults || kids) guests = adults + kids;
  else {
    const party = PARTY.exec(text) ?? ZH_PEOPLE.exec(text);
    if (party) guests = num(party[1]!);
  }
  if (guests !== null && (guests < 1 || guests > 1000 || Number.isNaN(guests))) guests = null;

  const lower = text.toLowerCase();
  const roomType = ROOM_TYPES.find((r) => lower.includes(r)) ?? (/套房/.test(text) ? 'suite' : /家庭房/.test(text) ? 'family' : null);
  const intent = INTENT_WORDS.find(([, re]) => re.test(text))?.[0] ?? (checkIn ? 'room_booking' : 'other');

  let name: string | null = null;
  for (const re of NAME_PATTERNS) {
    const mm = re.exec(text);
    if (mm) {
      name = mm[1]!.trim();
      break;
    }
  }
  name ??= opts.profileName?.trim() || null;

  return { name, phone, email, checkIn, checkOut, guests, roomType, intent };
}
