import * as chrono from 'chrono-node';
import { adjacent, hanNumberAt, numberAt, phraseAt, type Token } from './lead-tokens.js';

/** One date or date range a guest wrote, resolved against the hotel's today. ISO dates. */
export interface DateMention {
  from: string;
  to: string | null;
  /** Token span [first, next). */
  i: number;
  j: number;
  /** Read from a weekday or a word such as "tomorrow" rather than a written date. */
  relative?: boolean;
  /** Days listed ("12 and 13 Dec") rather than a range: for a stay, the nights. */
  list?: boolean;
  /** Read from a holiday's name ("Christmas", "CNY"). */
  holiday?: boolean;
  /** A holiday's name describing something ("a Christmas party"): a date only if nothing else is written. */
  attribute?: boolean;
}

const MONTHS: Record<string, number> = {
  jan: 1, january: 1, januari: 1, feb: 2, february: 2, februari: 2, mar: 3, march: 3, mac: 3, apr: 4, april: 4, may: 5, mei: 5,
  jun: 6, june: 6, jul: 7, july: 7, julai: 7, aug: 8, august: 8, ogos: 8, sep: 9, sept: 9, september: 9,
  oct: 10, october: 10, oktober: 10, nov: 11, november: 11, dec: 12, december: 12, disember: 12, dis: 12, okt: 10, ogo: 8,
};
const WEEKDAYS: Record<string, number> = {
  sun: 0, sunday: 0, ahad: 0, mon: 1, monday: 1, isnin: 1, tue: 2, tues: 2, tuesday: 2, selasa: 2, wed: 3, wednesday: 3, rabu: 3,
  thu: 4, thur: 4, thurs: 4, thursday: 4, khamis: 4, fri: 5, friday: 5, jumaat: 5, sat: 6, saturday: 6, sabtu: 6,
};
const HAN_WEEKDAYS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 0, 天: 0 };
const RANGE_WORDS = new Set(['-', 'to', 'until', 'till', 'til', 'through', 'thru', 'hingga', 'sampai', 'sehingga', '到', '至']);
const NOT_A_DAY_AFTER = new Set(['night', 'nights', 'nts', 'mlm', 'org', 'malam', 'adults', 'adult', 'pax', 'people', 'persons', 'guests', 'rooms', 'room', 'orang', 'kids', 'children', 'days', 'hari']);
const ORDINALS = new Set(['st', 'nd', 'rd', 'th', 'hb']);
// Words after which "24.12" is a date rather than a number.
const DATE_LEADS = new Set(['on', 'from', 'date', 'dates', 'tarikh', 'pada', 'dari', 'in', 'out', 'arrive', 'arriving', 'arrival', 'departure', ':']);
const NEXT_WORDS = new Set(['next', 'depan', 'hadapan']);
const THIS_WORDS = new Set(['this', 'coming', 'ini', 'ni']);

// Published Chinese New Year dates (UTC+8). ICU's Chinese calendar is a day late in some years (2027),
// so it answers only for years past this table.
const LUNAR_NEW_YEAR: Record<number, string> = {
  2024: '2024-02-10', 2025: '2025-01-29', 2026: '2026-02-17', 2027: '2027-02-06', 2028: '2028-01-26', 2029: '2029-02-13',
  2030: '2030-02-03', 2031: '2031-01-23', 2032: '2032-02-11', 2033: '2033-01-31', 2034: '2034-02-19', 2035: '2035-02-08',
};

/** The first day of the first month of the Chinese calendar in `year`, from ICU (between 20 Jan and 20 Feb). */
function lunarNewYearFromIntl(year: number): string | null {
  const f = new Intl.DateTimeFormat('en-u-ca-chinese', { timeZone: 'Asia/Shanghai', month: 'numeric', day: 'numeric' });
  for (let d = 20; d <= 51; d++) {
    const at = new Date(Date.UTC(year, 0, d, 4));
    const parts = f.formatToParts(at);
    if (parts.find((p) => p.type === 'month')?.value === '1' && parts.find((p) => p.type === 'day')?.value === '1') return at.toISOString().slice(0, 10);
  }
  return null;
}

export class HotelCalendar {
  readonly today: string;
  private readonly y: number;
  private readonly m: number;
  private readonly d: number;
  constructor(today: string) {
    this.today = today;
    [this.y, this.m, this.d] = today.split('-').map(Number) as [number, number, number];
  }

  static iso(y: number, m: number, d: number): string | null {
    const dt = new Date(Date.UTC(y, m - 1, d));
    if (m < 1 || m > 12 || d < 1 || dt.getUTCDate() !== d || dt.getUTCMonth() !== m - 1) return null;
    return dt.toISOString().slice(0, 10);
  }

  static addDays(date: string, n: number): string {
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
  }

  /** A day and month with no year: this year's, or next year's once it has passed. */
  dayMonth(d: number, m: number, y?: number): string | null {
    if (y !== undefined) return HotelCalendar.iso(y < 100 ? 2000 + y : y, m, d);
    // the next time this day comes round (29 February may be years away)
    for (let k = 0; k <= 4; k++) {
      const iso = HotelCalendar.iso(this.y + k, m, d);
      if (iso && iso >= this.today) return iso;
    }
    return null;
  }

  /** The guest wrote "next month" ("bulan depan"): a day of the month alone is one of next month's. */
  nextMonth = false;

  /** A day of the month alone ("the 18th"): this month's, or next month's once it has passed. */
  dayOnly(d: number): string | null {
    for (let k = this.nextMonth ? 1 : 0; k < 3; k++) {
      const m = ((this.m - 1 + k) % 12) + 1;
      const y = this.y + Math.floor((this.m - 1 + k) / 12);
      const iso = HotelCalendar.iso(y, m, d);
      if (iso && iso >= this.today) return iso;
    }
    return null;
  }

  /** The next Chinese New Year's day from today (today included), as Malaysia and Singapore keep it. */
  lunarNewYear(): string | null {
    return this.nextLunar(0);
  }

  /** The next Chinese New Year's eve from today (today included): on the day itself, next year's. */
  lunarNewYearEve(): string | null {
    return this.nextLunar(-1);
  }

  /** The next day at `offset` days from a Chinese New Year's day that is not past. */
  private nextLunar(offset: number): string | null {
    for (const y of [this.y, this.y + 1]) {
      const day = LUNAR_NEW_YEAR[y] ?? lunarNewYearFromIntl(y);
      const at = day ? HotelCalendar.addDays(day, offset) : null;
      if (at && at >= this.today) return at;
    }
    return null;
  }

  get weekday(): number {
    return new Date(Date.UTC(this.y, this.m - 1, this.d)).getUTCDay();
  }

  /** The next `wd` from today (today included); with `nextWeek`, the one in the following Monday-started week. */
  weekdayDate(wd: number, nextWeek: boolean): string {
    if (!nextWeek) return HotelCalendar.addDays(this.today, (wd - this.weekday + 7) % 7);
    const mondayNext = HotelCalendar.addDays(this.today, ((8 - this.weekday) % 7) || 7);
    return HotelCalendar.addDays(mondayNext, (wd + 6) % 7);
  }
}

/** A day number 1..31 at token i, with an optional ordinal suffix ("18th"). */
function dayAt(tokens: Token[], i: number): { d: number; next: number; ordinal: boolean } | null {
  const t = tokens[i];
  if (!t || t.kind !== 'num' || t.raw.length > 2 || t.n! < 1 || t.n! > 31) return null;
  if (tokens[i + 1] && ORDINALS.has(tokens[i + 1]!.w) && adjacent(tokens, i)) return { d: t.n!, next: i + 2, ordinal: true };
  return { d: t.n!, next: i + 1, ordinal: false };
}

function monthAt(tokens: Token[], i: number): { m: number; next: number } | null {
  let k = i;
  if (tokens[k]?.w === 'of') k++;
  const t = tokens[k];
  if (!t || t.kind !== 'word' || !(t.w in MONTHS)) return null;
  let next = k + 1;
  if (tokens[next]?.w === '.' && adjacent(tokens, k)) next++;
  return { m: MONTHS[t.w]!, next };
}

function yearAt(tokens: Token[], i: number): { y: number; next: number } | null {
  let k = i;
  if (tokens[k]?.w === ',') k++;
  const t = tokens[k];
  if (t?.kind === 'num' && t.raw.length === 4 && t.n! >= 2000 && t.n! < 2100) return { y: t.n!, next: k + 1 };
  return null;
}

function rangeAt(tokens: Token[], i: number): number {
  let k = i;
  if (tokens[k]?.w === 'and' || tokens[k]?.w === 'from') return -1;
  if (tokens[k] && RANGE_WORDS.has(tokens[k]!.w)) {
    k++;
    if (tokens[k]?.w === 'the') k++;
    return k;
  }
  return -1;
}

/** "26-28 Dec", "24 to 28 Dec", "31 Dec - 2 Jan", "18 Dec", "24th of December 2026". */
function dayFirst(cal: HotelCalendar, tokens: Token[], i: number): DateMention | null {
  const a = dayAt(tokens, i);
  if (!a) return null;
  const ma = monthAt(tokens, a.next);
  if (ma) {
    const ya = yearAt(tokens, ma.next);
    const from = cal.dayMonth(a.d, ma.m, ya?.y);
    if (!from) return null;
    let next = ya?.next ?? ma.next;
    const r = rangeAt(tokens, next);
    if (r !== -1) {
      const b = dayAt(tokens, r);
      const mb = b && monthAt(tokens, b.next);
      if (b && mb) {
        const yb = yearAt(tokens, mb.next);
        const to = endAfter(from, b.d, mb.m, yb?.y);
        if (to) return { from, to, i, j: yb?.next ?? mb.next };
      }
      // "24 Dec until 26th": the same month, or the next one when the day is smaller
      if (b && !mb && !NOT_A_DAY_AFTER.has(tokens[b.next]?.w ?? '') && tokens[b.next]?.w !== '/' && tokens[b.next]?.w !== '.') {
        const to = endAfter(from, b.d, b.d >= a.d ? ma.m : (ma.m % 12) + 1);
        if (to) return { from, to, i, j: b.next };
      }
    }
    next = ya?.next ?? ma.next;
    return { from, to: null, i, j: next };
  }
  // "12 and 13 Dec", "24, 25 & 26 Dec": days listed, the month after the last.
  const listed = dayList(cal, tokens, i, a.d, a.next);
  if (listed) return listed;
  // "26-28 Dec": the month comes after the second day.
  const r = rangeAt(tokens, a.next);
  if (r === -1) return null;
  const b = dayAt(tokens, r);
  const mb = b && monthAt(tokens, b.next);
  if (!b || !mb) return null;
  const yb = yearAt(tokens, mb.next);
  const startMonth = a.d > b.d ? ((mb.m + 10) % 12) + 1 : mb.m;
  let to = cal.dayMonth(b.d, mb.m, yb?.y);
  let from = to && (a.d > b.d ? startOfRangeBefore(to, a.d, startMonth) : HotelCalendar.iso(Number(to.slice(0, 4)), mb.m, a.d));
  if (!from || !to) return null;
  if (from < cal.today && yb === null) {
    to = HotelCalendar.iso(Number(to.slice(0, 4)) + 1, mb.m, b.d);
    from = to && (a.d > b.d ? startOfRangeBefore(to, a.d, startMonth) : HotelCalendar.iso(Number(to.slice(0, 4)), mb.m, a.d));
    if (!from || !to) return null;
  }
  return { from, to, i, j: yb?.next ?? mb.next };
}

function dayList(cal: HotelCalendar, tokens: Token[], i: number, firstDay: number, next: number): DateMention | null {
  let k = next;
  let last = firstDay;
  let and = false; // "2, 3 Jan" is a party of 2 on the 3rd; a list ends with "and"
  for (let n = 0; n < 6; n++) {
    const sep = tokens[k]?.w;
    if (sep !== 'and' && sep !== '&' && sep !== ',' && sep !== 'dan' && sep !== '和') break;
    and = sep !== ',';
    const d = dayAt(tokens, k + 1);
    if (!d || d.d !== last + 1) return null;
    last = d.d;
    k = d.next;
    const m = monthAt(tokens, k);
    if (m && and) {
      const from = cal.dayMonth(firstDay, m.m);
      const to = from && HotelCalendar.iso(Number(from.slice(0, 4)), m.m, last);
      return from && to ? { from, to, i, j: m.next, list: true } : null;
    }
  }
  return null;
}

function startOfRangeBefore(to: string, d: number, m: number): string | null {
  const y = Number(to.slice(0, 4));
  return HotelCalendar.iso(m === 12 && to.slice(5, 7) === '01' ? y - 1 : y, m, d);
}

/** The end of a range: the first such date on or after its start. */
function endAfter(from: string, d: number, m: number, y?: number): string | null {
  if (y !== undefined) return HotelCalendar.iso(y < 100 ? 2000 + y : y, m, d);
  const fy = Number(from.slice(0, 4));
  const same = HotelCalendar.iso(fy, m, d);
  if (same && same >= from) return same;
  return HotelCalendar.iso(fy + 1, m, d);
}

/** "Dec 24-26", "Dec 31 to Jan 2", "December 24th". */
function monthFirst(cal: HotelCalendar, tokens: Token[], i: number): DateMention | null {
  const ma = monthAt(tokens, i);
  if (!ma || tokens[i]!.w === 'of') return null;
  const a = dayAt(tokens, ma.next);
  // "Feb 2 nights" is not the 2nd of February
  if (!a || NOT_A_DAY_AFTER.has(tokens[a.next]?.w ?? '')) return null;
  // "may" is a month only right before a day number ("May 5"), not in "may 2 of us come".
  if (tokens[i]!.w === 'may' && ['of', 'adults', 'people', 'pax', 'guests', 'persons', 'kids', 'children', 'orang'].includes(tokens[a.next]?.w ?? '')) return null;
  const ya = yearAt(tokens, a.next);
  const from = cal.dayMonth(a.d, ma.m, ya?.y);
  if (!from) return null;
  const r = rangeAt(tokens, ya?.next ?? a.next);
  if (r !== -1) {
    const mb = monthAt(tokens, r);
    const b = dayAt(tokens, mb ? mb.next : r);
    if (b) {
      const yb = yearAt(tokens, b.next);
      const to = endAfter(from, b.d, mb ? mb.m : ma.m, yb?.y);
      if (to) return { from, to, i, j: yb?.next ?? b.next };
    }
  }
  return { from, to: null, i, j: ya?.next ?? a.next };
}

/** "24/12", "24/12/2026", "24.12.2026" at token k: day, month and maybe year. */
function dayMonthAt(tokens: Token[], k: number): { d: number; m: number; y?: number; next: number } | null {
  const dd = tokens[k];
  const sep = tokens[k + 1]?.w;
  if (dd?.kind !== 'num' || dd.raw.length > 2 || (sep !== '/' && sep !== '.') || !adjacent(tokens, k) || tokens[k + 2]?.kind !== 'num' || !adjacent(tokens, k + 1) || tokens[k + 2]!.raw.length > 2) return null;
  const out: { d: number; m: number; y?: number; next: number } = { d: dd.n!, m: tokens[k + 2]!.n!, next: k + 3 };
  if (tokens[k + 3]?.w === sep && adjacent(tokens, k + 2) && tokens[k + 4]?.kind === 'num' && adjacent(tokens, k + 3) && (tokens[k + 4]!.raw.length === 4 || tokens[k + 4]!.raw.length === 2)) {
    out.y = tokens[k + 4]!.n!;
    out.next = k + 5;
  } else if (sep === '.' && !DATE_LEADS.has(tokens[k - 1]?.w ?? '') && !RANGE_WORDS.has(tokens[k - 1]?.w ?? '') && !RANGE_WORDS.has(tokens[k + 3]?.w ?? '')) return null; // "3.5" is a number, not a date
  return out.m >= 1 && out.m <= 12 ? out : null;
}

/** "24/12", "24/12/2026", "24/12 - 27/12", "24-27/12", "2026-12-24" (day before month, as written in Malaysia). */
function numeric(cal: HotelCalendar, tokens: Token[], i: number): DateMention | null {
  const t = tokens[i];
  if (t?.kind !== 'num') return null;
  // ISO 2026-12-24
  if (t.raw.length === 4 && tokens[i + 1]?.w === '-' && adjacent(tokens, i) && tokens[i + 2]?.kind === 'num' && adjacent(tokens, i + 1) && tokens[i + 3]?.w === '-' && adjacent(tokens, i + 2) && tokens[i + 4]?.kind === 'num' && adjacent(tokens, i + 3)) {
    const from = HotelCalendar.iso(t.n!, tokens[i + 2]!.n!, tokens[i + 4]!.n!);
    return from ? { from, to: null, i, j: i + 5 } : null;
  }
  const a = dayMonthAt(tokens, i);
  if (a && a.d === 24 && a.m === 7 && a.y === undefined) return null; // "open 24/7"
  if (a) {
    const from = cal.dayMonth(a.d, a.m, a.y);
    if (!from) return null;
    const r = rangeAt(tokens, a.next);
    const b = r === -1 ? null : dayMonthAt(tokens, r);
    if (b) {
      const to = endAfter(from, b.d, b.m, b.y);
      if (to) return { from, to, i, j: b.next };
    }
    const bd = r === -1 ? null : dayAt(tokens, r);
    if (bd && !bd.ordinal && !(tokens[bd.next]?.w === '/' || tokens[bd.next]?.w === '.')) {
      const to = endAfter(from, bd.d, a.m);
      if (to) return { from, to, i, j: bd.next };
    }
    return { from, to: null, i, j: a.next };
  }
  // "24-27/12"
  const da = dayAt(tokens, i);
  const r = da && !da.ordinal ? rangeAt(tokens, da.next) : -1;
  const b = r === -1 ? null : dayMonthAt(tokens, r);
  if (da && b) {
    const to = cal.dayMonth(b.d, b.m, b.y);
    const from = to && HotelCalendar.iso(Number(to.slice(0, 4)), b.m, da.d);
    if (from && to && from < to) return { from, to, i, j: b.next };
  }
  return null;
}

const COUNTED_BY_ORDINAL = new Set(['birthday', 'bday', 'anniversary', 'floor', 'level', 'visit', 'time', 'trip', 'stay', 'child', 'kid', 'baby', 'wedding', 'honeymoon', 'year', 'grade', 'place', 'row', 'person', 'guest', 'room', 'night', 'course']);

/** "the 18th", "from the 18th to the 20th": a day of the month with no month, written as an ordinal. */
function ordinalDay(cal: HotelCalendar, tokens: Token[], i: number): DateMention | null {
  const a = dayAt(tokens, i);
  // "our son's 1st birthday", "the 3rd floor", "my 2nd visit": an ordinal that counts the word after it
  if (!a || !a.ordinal || COUNTED_BY_ORDINAL.has(tokens[a.next]?.w ?? '')) return null;
  const from = cal.dayOnly(a.d);
  if (!from) return null;
  const r = rangeAt(tokens, a.next);
  const b = r === -1 ? null : dayAt(tokens, r);
  if (b?.ordinal) {
    const to = HotelCalendar.iso(Number(from.slice(0, 4)), Number(from.slice(5, 7)), b.d) ?? null;
    const fixed = to && to > from ? to : b.d < a.d ? cal.dayOnly(b.d) : null;
    if (fixed && fixed > from) return { from, to: fixed, i, j: b.next };
  }
  return { from, to: null, i, j: a.next };
}

/** "today", "tonight", "tomorrow", "esok", "lusa", "day after tomorrow". */
function relative(cal: HotelCalendar, tokens: Token[], i: number): DateMention | null {
  const w = tokens[i]?.w;
  const at = (days: number, j: number): DateMention => ({ from: HotelCalendar.addDays(cal.today, days), to: null, i, j });
  if (phraseAt(tokens, i, ['day', 'after', 'tomorrow'])) return at(2, i + 3);
  if (w === 'today' || w === 'tonight' || w === 'tonite') return at(0, i + 1);
  if (w === 'tomorrow' || w === 'tmr' || w === 'tmrw' || w === 'tomorow' || w === 'tommorow' || w === 'esok' || w === 'besok') return at(1, i + 1);
  if (w === 'lusa') return at(2, i + 1);
  const holiday = holidayAt(cal, tokens, i);
  if (holiday) return holiday;
  if ((w === 'hari' || w === 'malam') && (tokens[i + 1]?.w === 'ini' || tokens[i + 1]?.w === 'ni')) return at(0, i + 2);
  return null;
}

// After a holiday's name, words that keep it a date ("Christmas Eve", "CNY 2 nights", "Xmas to New Year").
const HOLIDAY_FOLLOWERS = new Set(['eve', 'day', 'night', 'nights', 'nite', 'and', 'n', 'or', 'dan', 'to', 'until', 'till', 'through', 'thru', 'for', 'weekend', 'week', 'holiday', 'holidays', 'period', 'break', 'onwards', 'this', 'next', 'malam', 'hingga', 'sampai']);

/**
 * The holidays guests book by name, each by the words of its name, its day and, where it has one, its
 * eve ("Christmas Eve", "CNY eve"): each the next time it comes round on the hotel's calendar.
 */
const HOLIDAYS: { names: string[][]; day: (cal: HotelCalendar) => string | null; eve?: (cal: HotelCalendar) => string | null }[] = [
  { names: [['christmas'], ['xmas']], day: (cal) => cal.dayMonth(25, 12), eve: (cal) => cal.dayMonth(24, 12) },
  { names: [['nye']], day: (cal) => cal.dayMonth(31, 12) },
  { names: [['boxing', 'day']], day: (cal) => cal.dayMonth(26, 12) },
  { names: [['new', 'year'], ['new', "year's"], ['new', 'years']], day: (cal) => cal.dayMonth(1, 1), eve: (cal) => cal.dayMonth(31, 12) },
  {
    names: [['cny'], ['chinese', 'new', 'year'], ['lunar', 'new', 'year'], ['tahun', 'baru', 'cina']],
    day: (cal) => cal.lunarNewYear(),
    eve: (cal) => cal.lunarNewYearEve(),
  },
];

/**
 * A holiday by name (HOLIDAYS), with "eve" or "day" after it read as part of the name. A name used as a
 * word about something else ("our company Christmas party") is marked `attribute`, so a date written in
 * the message wins.
 */
function holidayAt(cal: HotelCalendar, tokens: Token[], i: number): DateMention | null {
  for (const holiday of HOLIDAYS) {
    const name = holiday.names.find((n) => phraseAt(tokens, i, n));
    if (!name) continue;
    let j = i + name.length;
    const eve = holiday.eve && tokens[j]?.w === 'eve';
    const day = eve ? holiday.eve!(cal) : holiday.day(cal);
    if (!day) return null;
    if (eve || tokens[j]?.w === 'day') j++;
    const next = tokens[j];
    const attribute = next?.kind === 'word' && !HOLIDAY_FOLLOWERS.has(next.w) && !(next.w in MONTHS);
    return attribute ? { from: day, to: null, i, j, holiday: true, attribute } : { from: day, to: null, i, j, holiday: true };
  }
  return null;
}

/** "this Friday", "next Friday", "Sat to Sun", "Jumaat depan", "next weekend", "hujung minggu ini". */
function weekday(cal: HotelCalendar, tokens: Token[], i: number): DateMention | null {
  // "the weekend of 19 Dec", "weekend of the 19th": the Saturday and Sunday around that date
  if (tokens[i]?.w === 'weekend' && tokens[i + 1]?.w === 'of') {
    const k = tokens[i + 2]?.w === 'the' ? i + 3 : i + 2;
    const d = dayFirst(cal, tokens, k) ?? monthFirst(cal, tokens, k) ?? numeric(cal, tokens, k) ?? ordinalDay(cal, tokens, k);
    if (d && !d.to) {
      const wd = new Date(`${d.from}T00:00:00Z`).getUTCDay();
      const saturday = HotelCalendar.addDays(d.from, wd === 0 ? -1 : (6 - wd + 7) % 7);
      return { from: saturday, to: HotelCalendar.addDays(saturday, 1), i, j: d.j };
    }
  }
  const one = (k: number): { iso: string; wd: number; weekend: boolean; next: number } | null => {
    let j = k;
    let nextWeek = false;
    if (tokens[j] && (NEXT_WORDS.has(tokens[j]!.w) || THIS_WORDS.has(tokens[j]!.w))) {
      nextWeek = NEXT_WORDS.has(tokens[j]!.w);
      j++;
    }
    const t = tokens[j];
    if (!t) return null;
    let wd: number;
    let weekend = false;
    if (t.w in WEEKDAYS) wd = WEEKDAYS[t.w]!;
    else if (t.w === 'weekend') {
      wd = 6;
      weekend = true;
    } else if (t.w === 'hujung' && tokens[j + 1]?.w === 'minggu') {
      wd = 6;
      weekend = true;
      j++;
    } else return null;
    j++;
    // "Fri 24 Dec", "Friday, the 24th": the written date says which Friday.
    const after = tokens[j]?.w === ',' ? j + 1 : j;
    const the = tokens[after]?.w === 'the' ? after + 1 : after;
    if (dayFirst(cal, tokens, after) || monthFirst(cal, tokens, after) || numeric(cal, tokens, after) || dayAt(tokens, the)?.ordinal) return null;
    // Malay puts "this"/"next" after the day: "Sabtu ini", "Jumaat depan".
    if (tokens[j] && (NEXT_WORDS.has(tokens[j]!.w) || THIS_WORDS.has(tokens[j]!.w))) {
      nextWeek = NEXT_WORDS.has(tokens[j]!.w);
      j++;
    }
    let iso = cal.weekdayDate(wd, nextWeek);
    if (weekend && !nextWeek && cal.weekday === 0) iso = cal.today; // on a Sunday, "this weekend" is today
    return { iso, wd, weekend, next: j };
  };
  const a = one(i);
  if (!a) return null;
  if (a.weekend) return { from: a.iso, to: HotelCalendar.addDays(a.iso, 1), i, j: a.next };
  const r = rangeAt(tokens, a.next);
  const b = r === -1 ? null : one(r);
  if (b && !b.weekend) {
    const gap = (b.wd - a.wd + 7) % 7 || 7;
    return { from: a.iso, to: HotelCalendar.addDays(a.iso, gap), i, j: b.next };
  }
  return { from: a.iso, to: null, i, j: a.next };
}

/** 周日, 星期天, 礼拜六 at token k. */
function hanWeekdayAt(tokens: Token[], k: number): { wd: number; next: number } | null {
  let j = k;
  const unit = tokens[j]?.raw;
  if (unit === '星' && tokens[j + 1]?.raw === '期') j += 2;
  else if (unit === '礼' && tokens[j + 1]?.raw === '拜') j += 2;
  else if (unit === '周') j += 1;
  else return null;
  const d = tokens[j]?.raw;
  return d !== undefined && d in HAN_WEEKDAYS ? { wd: HAN_WEEKDAYS[d]!, next: j + 1 } : null;
}

/** "12月24日到26日", "12月24号至12月26号", "24号到26号", "明天", "下周五", "这个周末". */
function chinese(cal: HotelCalendar, tokens: Token[], i: number): DateMention | null {
  const t = tokens[i];
  if (!t) return null;
  const w = t.raw;
  const two = (a: string) => tokens[i + 1]?.raw === a;
  if (w === '今' && (two('天') || two('晚'))) return { from: cal.today, to: null, i, j: i + 2 };
  if (w === '明' && (two('天') || two('晚'))) return { from: HotelCalendar.addDays(cal.today, 1), to: null, i, j: i + 2 };
  if (w === '后' && two('天')) return { from: HotelCalendar.addDays(cal.today, 2), to: null, i, j: i + 2 };
  // 元旦, 平安夜, 圣诞(节), 跨年, 除夕: holidays by their Chinese names
  const fixed = w === '元' && two('旦') ? cal.dayMonth(1, 1) : w === '平' && two('安') && tokens[i + 2]?.raw === '夜' ? cal.dayMonth(24, 12) : (w === '圣' || w === '聖') && two('诞') ? cal.dayMonth(tokens[i + 2]?.raw === '夜' ? 24 : 25, 12) : w === '跨' && two('年') ? cal.dayMonth(31, 12) : null;
  // 圣诞夜 is Christmas Eve, like 平安夜
  if (fixed) return { from: fixed, to: null, i, j: w === '平' || ((w === '圣' || w === '聖') && (tokens[i + 2]?.raw === '节' || tokens[i + 2]?.raw === '夜')) ? i + 3 : i + 2, holiday: true };
  const eve = w === '除' && two('夕') ? cal.lunarNewYearEve() : null;
  if (eve) return { from: eve, to: null, i, j: i + 2, holiday: true };
  // 春节, 农历新年: Chinese New Year on the hotel's calendar
  const lny = (w === '春' && two('节')) || (w === '农' && two('历') && tokens[i + 2]?.raw === '新' && tokens[i + 3]?.raw === '年');
  const lnyDay = lny ? cal.lunarNewYear() : null;
  if (lnyDay) return { from: lnyDay, to: null, i, j: w === '春' ? i + 2 : i + 4, holiday: true };
  // weekdays: (下|这|本)?(个)?(周|星期|礼拜)X, 周末
  let k = i;
  let nextWeek = false;
  if (w === '下' || w === '这' || w === '本') {
    nextWeek = w === '下';
    k++;
    if (tokens[k]?.raw === '个') k++;
  }
  if (tokens[k]?.raw === '周' && tokens[k + 1]?.raw === '末') {
    const from = cal.weekdayDate(6, nextWeek);
    return { from, to: HotelCalendar.addDays(from, 1), i, j: k + 2 };
  }
  const day = hanWeekdayAt(tokens, k);
  if (day) {
    const from = cal.weekdayDate(day.wd, nextWeek);
    // 周五到周日: the end is the first such day after the start
    const r = rangeAt(tokens, day.next);
    const end = r === -1 ? null : hanWeekdayAt(tokens, r);
    if (end) return { from, to: HotelCalendar.addDays(from, (end.wd - day.wd + 7) % 7 || 7), i, j: end.next };
    return { from, to: null, i, j: day.next };
  }
  // 下个月10号, 下月10号到12号: days of next month
  if (w === '下' && tokens[k]?.raw === '月') {
    const monthWord = k;
    const m = (Number(cal.today.slice(5, 7)) % 12) + 1;
    const y = Number(cal.today.slice(0, 4)) + (m === 1 ? 1 : 0);
    const a = numberAt(tokens, monthWord + 1);
    const unit = a && tokens[a.next]?.raw;
    if (a && (unit === '号' || unit === '日' || unit === '號')) {
      const from = HotelCalendar.iso(y, m, a.n);
      const r = rangeAt(tokens, a.next + 1);
      const b = r === -1 ? null : numberAt(tokens, r);
      const to = b && ['号', '日', '號'].includes(tokens[b.next]?.raw ?? '') ? HotelCalendar.iso(y, m, b.n) : null;
      if (from) return to && to > from ? { from, to, i, j: b!.next + 1 } : { from, to: null, i, j: a.next + 1 };
    }
  }
  if (k !== i) return null;
  // month/day
  const md = (p: number): { m?: number; d: number; next: number } | null => {
    const n1 = t.kind === 'num' || p !== i ? numberAt(tokens, p) : hanNumberAt(tokens, p);
    if (!n1) return null;
    if (tokens[n1.next]?.raw === '月') {
      const n2 = numberAt(tokens, n1.next + 1);
      if (!n2) return null;
      const unitDay = tokens[n2.next]?.raw;
      return { m: n1.n, d: n2.n, next: unitDay === '日' || unitDay === '号' || unitDay === '號' ? n2.next + 1 : n2.next };
    }
    const unitDay = tokens[n1.next]?.raw;
    if (unitDay === '日' || unitDay === '号' || unitDay === '號') return { d: n1.n, next: n1.next + 1 };
    return null;
  };
  const a = md(i);
  if (!a) return null;
  const from = a.m ? cal.dayMonth(a.d, a.m) : cal.dayOnly(a.d);
  if (!from) return null;
  const r = rangeAt(tokens, a.next);
  const b = r === -1 ? null : md(r);
  if (b) {
    const to = endAfter(from, b.d, b.m ?? Number(from.slice(5, 7)));
    if (to) return { from, to, i, j: b.next };
  }
  return { from, to: null, i, j: a.next };
}

// Words a date can start with; any other word or sign is skipped without trying the parsers.
const DATE_STARTS = new Set([
  ...Object.keys(MONTHS), ...Object.keys(WEEKDAYS), ...NEXT_WORDS, ...THIS_WORDS,
  'today', 'tonight', 'tonite', 'tomorrow', 'tmr', 'tmrw', 'tomorow', 'tommorow', 'esok', 'besok', 'lusa', 'hari', 'malam', 'day', 'christmas', 'xmas', 'nye', 'new', 'weekend', 'hujung', 'cny', 'chinese', 'lunar', 'tahun', 'boxing',
]);
const HAN_DATE_STARTS = '一二三四五六七八九十两今明后下这本周星礼春农元平圣聖跨除';
const FOLLOWING_DAY = [['and', 'the', 'day', 'after'], ['and', 'the', 'next', 'day'], ['and', 'the', 'following', 'day'], ['and', 'the', 'night', 'after'], ['and', 'the', 'next', 'night']];
// Which parsers can start at a token of each kind.
const NUM_PARSERS = [numeric, dayFirst, ordinalDay];
const NUM_HAN_PARSERS = [chinese];
const HAN_PARSERS = [chinese];
const WORD_PARSERS = [monthFirst, relative, weekday];

/**
 * Every date or range in the text, in order. Each parser reads a fixed number of tokens from its
 * start, and a match skips past what it read, so the scan is linear in the number of tokens.
 */
export function findDates(today: string, tokens: Token[], text: string): DateMention[] {
  const cal = new HotelCalendar(today);
  cal.nextMonth = tokens.some((t, k) => (t.w === 'next' && tokens[k + 1]?.w === 'month') || (t.w === 'bulan' && (tokens[k + 1]?.w === 'depan' || tokens[k + 1]?.w === 'hadapan')));
  const out: DateMention[] = [];
  for (let i = 0; i < tokens.length; ) {
    const t = tokens[i]!;
    if (t.kind === 'punct' || (t.kind === 'word' && !DATE_STARTS.has(t.w)) || (t.kind === 'han' && !HAN_DATE_STARTS.includes(t.raw))) {
      i++;
      continue;
    }
    let hit: DateMention | null = null;
    const parsers = t.kind === 'num' ? (tokens[i + 1]?.kind === 'han' ? NUM_HAN_PARSERS : NUM_PARSERS) : t.kind === 'han' ? HAN_PARSERS : WORD_PARSERS;
    for (const p of parsers) {
      hit = p(cal, tokens, i);
      if (hit) {
        if (p === weekday || p === relative) hit.relative = true;
        break;
      }
    }
    // "tomorrow and the day after", "24 Dec and the night after": two days listed, as "24 and 25 Dec"
    const following = hit && !hit.to ? FOLLOWING_DAY.find((p) => phraseAt(tokens, hit!.j, p) && tokens[hit!.j + p.length]?.w !== 'tomorrow') : undefined;
    if (hit && following) Object.assign(hit, { to: HotelCalendar.addDays(hit.from, 1), j: hit.j + following.length, list: true });
    if (hit && (!hit.to || hit.to >= hit.from)) {
      // "24 Dec (Fri)": a weekday right after a written date only repeats it.
      const prev = out[out.length - 1];
      if (hit.relative && prev && !prev.relative && hit.i - prev.j <= 2) {
        i = Math.max(hit.j, i + 1);
        continue;
      }
      out.push(hit);
      i = Math.max(hit.j, i + 1);
    } else i++;
  }
  if (out.length === 0) return chronoFallback(cal, tokens, text);
  // A written range ("over CNY? 5 to 8 Feb") says more than a holiday's name; so does any written date
  // beside a holiday named as a kind of thing ("Christmas party on 18 Dec").
  const range = out.some((d) => !d.holiday && d.to);
  const written = out.filter((d) => !d.attribute && !(range && d.holiday));
  return written.length ? written : out;
}

const VAGUE_BEFORE = new Set(['mid', 'early', 'late', 'end', 'start', 'beginning', 'awal', 'pertengahan', 'akhir', 'hujung']);

/** "mid-Jan", "early January", "end of Jan", "awal Januari": a part of a month, not a date. */
function vagueMonth(tokens: Token[], k: number): boolean {
  let p = k - 1;
  if (tokens[p]?.w === '-' || tokens[p]?.w === 'of' || tokens[p]?.w === 'bulan') p--;
  if (tokens[p]?.w === 'the') p--;
  return VAGUE_BEFORE.has(tokens[p]?.w ?? '');
}

/** Whether the guest names a part of a month ("mid-Jan", "end of January"): when, though not a date. */
export const namesVaguePeriod = (tokens: Token[]): boolean => tokens.some((t, k) => t.w in MONTHS && vagueMonth(tokens, k));

/**
 * chrono reads a few written forms the rules above do not ("December twenty-fourth"). It sees only a
 * short window around each of the first three month names, so its cost does not grow with the text.
 */
function chronoFallback(cal: HotelCalendar, tokens: Token[], text: string): DateMention[] {
  const [y, m, d] = cal.today.split('-').map(Number) as [number, number, number];
  const ref = new Date(y, m - 1, d, 12);
  const out: DateMention[] = [];
  let windows = 0;
  let covered = 0;
  for (let k = 0; k < tokens.length && windows < 3; k++) {
    const t = tokens[k]!;
    if (!(t.w in MONTHS) || t.s < covered || vagueMonth(tokens, k)) continue;
    windows++;
    const ws = Math.max(covered, t.s - 30);
    covered = Math.min(text.length, t.e + 40);
    for (const r of chrono.en.GB.parse(text.slice(ws, covered), ref, { forwardDate: true })) {
      if (!r.start.isCertain('day') || !r.start.isCertain('month')) continue;
      // "Jan, 2 nights": the number counts nights, it is not a day of January
      const after = tokens.find((x) => x.s >= ws + r.index + r.text.length);
      if (after && NOT_A_DAY_AFTER.has(after.w)) continue;
      const from = cal.dayMonth(r.start.get('day')!, r.start.get('month')!, r.start.isCertain('year') ? r.start.get('year')! : undefined);
      if (!from) continue;
      const to = r.end && r.end.isCertain('day') ? endAfter(from, r.end.get('day')!, r.end.get('month')!) : null;
      const s = ws + r.index;
      const i = tokens.findIndex((x) => x.s >= s);
      const j = tokens.findIndex((x) => x.s >= s + r.text.length);
      out.push({ from, to, i: i === -1 ? tokens.length : i, j: j === -1 ? tokens.length : j });
    }
  }
  return out;
}

const WEEK_WORDS = new Set(['week', 'weeks', 'fortnight', 'fortnights', 'minggu']);
// "in a week", "within 2 weeks", "2 weeks ago", "a week from now": when, not how long
const NOT_A_LENGTH_BEFORE = new Set(['in', 'within', 'after', 'per', 'every', 'each', 'than', 'dalam', 'lagi', 'once', 'twice', 'hujung']);
const NOT_A_LENGTH_AFTER = new Set(['ago', 'later', 'before', 'earlier', 'prior', 'lagi', 'lalu', 'sebelum', 'away', 'advance', 'notice', 'sekali']);
const PER_WORDS = new Set(['per', 'berapa', 'each', 'every', 'setiap']);

/** "a week", "2 weeks", "a fortnight", "dua minggu" at token i (whose number is n): the number of weeks. */
function weeksAt(tokens: Token[], i: number, n: { n: number; next: number }): number | null {
  const u = tokens[n.next]?.w ?? '';
  if (!WEEK_WORDS.has(u) || NOT_A_LENGTH_BEFORE.has(tokens[i - 1]?.w ?? '') || NOT_A_LENGTH_AFTER.has(tokens[n.next + 1]?.w ?? '')) return null;
  if (tokens[n.next + 1]?.w === 'from' && ['now', 'today', 'tomorrow'].includes(tokens[n.next + 2]?.w ?? '')) return null;
  return u.startsWith('fortnight') ? n.n * 2 : n.n;
}

/**
 * The last night of a stay whose wording names its nights but not their number: "tonight", "Friday night
 * (only)", "the night of 24 Dec", "the nights of 31 Dec and 1 Jan", "Friday and Saturday nights", 今晚.
 * The dates must be the first ones written, joined only by "and", "&" or a comma; null otherwise.
 */
export function lastNamedNight(tokens: Token[], dates: DateMention[]): string | null {
  const first = dates[0];
  if (!first || first.to) return null;
  const nightWord = (k: number) => NIGHT_WORDS.has(tokens[k]?.w ?? '') || tokens[k]?.raw === '晚';
  let named = nightWord(first.i) || nightWord(first.j - 1) || nightWord(first.i - 1) ||
    phraseAt(tokens, first.i - 2, ['night', 'of']) || phraseAt(tokens, first.i - 2, ['nights', 'of']) || phraseAt(tokens, first.i - 2, ['malam', 'pada']);
  let last = first;
  let lastNight = first.from;
  for (let d = 1; d < dates.length; d++) {
    let k = last.j;
    if (nightWord(k)) {
      named = true;
      k++;
    }
    const next = dates[d]!;
    // "Friday and Saturday": a weekday listed after another is the one that follows it
    const from = next.relative && next.from <= lastNight ? HotelCalendar.addDays(next.from, 7) : next.from;
    if (!LIST_JOINS.has(tokens[k]?.w ?? '') || next.i !== k + 1 || next.to || from <= lastNight || from > HotelCalendar.addDays(lastNight, 7)) break;
    last = next;
    lastNight = from;
  }
  if (nightWord(last.j)) named = true;
  // "tonight until Sunday": a later date ends the stay
  if (last === first && dates.length > 1) return null;
  return named ? lastNight : null;
}
const CHECK_OUT_CUES = new Set(['out', 'checkout', 'leaving', 'leave', 'depart', 'departing', 'until', 'till', 'til', 'to', 'keluar', 'hingga', 'sampai']);

/**
 * "26 Dec, check out 28", "from the 26th, leaving 28": a day number alone after a word for leaving, read
 * in the check-in's month (or the next, when smaller). Skips counts ("out 2 pax") and tokens already dates.
 */
export function bareCheckOut(tokens: Token[], used: Set<number>, checkIn: string): string | null {
  for (let i = 1; i < tokens.length; i++) {
    if (used.has(i) || !CHECK_OUT_CUES.has(tokens[i - 1]!.w)) continue;
    const d = dayAt(tokens, i);
    if (!d || NOT_A_DAY_AFTER.has(tokens[d.next]?.w ?? '') || tokens[d.next]?.w === ':' || tokens[d.next]?.w === 'am' || tokens[d.next]?.w === 'pm') continue;
    const m = Number(checkIn.slice(5, 7));
    const to = endAfter(checkIn, d.d, d.d > Number(checkIn.slice(8, 10)) ? m : (m % 12) + 1);
    if (to && to > checkIn && to <= HotelCalendar.addDays(checkIn, 31)) return to;
  }
  return null;
}

const NIGHT_WORDS = new Set(['night', 'nights', 'nite', 'tonight', 'tonite', 'malam']);
const LIST_JOINS = new Set(['and', 'n', '&', ',', 'dan', '和', '、']);

/** The number of nights (or days, for an event) a guest asked for. */
export function findNights(tokens: Token[], used: Set<number>): { nights: number | null; days: number | null } {
  let nights: number | null = null;
  let days: number | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    // Chinese: 住两晚, 3晚, 两个晚上, 三天
    if (t.kind === 'han' || t.kind === 'num') {
      const n = t.kind === 'num' ? { n: t.n!, next: i + 1 } : hanNumberAt(tokens, i);
      if (n && !used.has(i)) {
        let k = n.next;
        if (tokens[k]?.raw === '个') k++;
        const u = tokens[k]?.raw;
        if (u === '晚' && nights === null) nights = n.n;
        else if (u === '天' && days === null && tokens[i - 1]?.raw !== '第') days = n.n;
        if (u === '晚' || u === '天') continue;
      }
    }
    // 住一个星期, 两周: weeks
    if (t.kind === 'han' && !used.has(i)) {
      const n = hanNumberAt(tokens, i);
      const k = n && (tokens[n.next]?.raw === '个' ? n.next + 1 : n.next);
      const unit = k ? (tokens[k]?.raw ?? '') + (tokens[k + 1]?.raw ?? '') : '';
      const after = k ? tokens[unit === '星期' || unit === '礼拜' ? k + 2 : k + 1]?.raw ?? '' : '';
      if (n && (unit === '星期' || unit === '礼拜' || unit.startsWith('周')) && !(after in HAN_WEEKDAYS) && after !== '末') {
        nights ??= n.n * 7;
        continue;
      }
    }
    // 2D1N / 3D2N packages
    if (t.kind === 'num' && tokens[i + 1]?.w === 'd' && tokens[i + 2]?.kind === 'num' && tokens[i + 3]?.w === 'n' && adjacent(tokens, i) && adjacent(tokens, i + 1) && adjacent(tokens, i + 2)) {
      nights ??= tokens[i + 2]!.n!;
      continue;
    }
    if (t.kind === 'num' && tokens[i + 1]?.w === 'n' && adjacent(tokens, i)) {
      nights ??= t.n!; // "2N"
      continue;
    }
    if (tokens[i + 1]?.w === 'd1n' && t.kind === 'num') {
      nights ??= 1;
      continue;
    }
    if (used.has(i)) continue;
    // "seminggu": a week
    if (t.w === 'seminggu' && !NOT_A_LENGTH_BEFORE.has(tokens[i - 1]?.w ?? '') && !NOT_A_LENGTH_AFTER.has(tokens[i + 1]?.w ?? '')) {
      nights ??= 7;
      continue;
    }
    let n = numberAt(tokens, i);
    if (!n && (t.w === 'a' || t.w === 'one' || t.w === 'satu') && (tokens[i - 1]?.w === 'for' || tokens[i - 1]?.w === 'untuk' || WEEK_WORDS.has(tokens[i + 1]?.w ?? ''))) n = { n: 1, next: i + 1 };
    if (!n || t.kind === 'han') continue;
    // "berapa satu malam", "per one night": a price for a night, not a stay of one
    if (n.n === 1 && PER_WORDS.has(tokens[i - 1]?.w ?? '')) continue;
    const weeks = weeksAt(tokens, i, n);
    if (weeks !== null) {
      nights ??= weeks * 7;
      continue;
    }
    let k = n.next;
    if (tokens[k]?.w === '-') k++;
    if (tokens[k]?.w === 'more' || tokens[k]?.w === 'full') k++;
    const u = tokens[k]?.w;
    // "jam 8 malam" is 8 pm, not eight nights.
    const clock = tokens[i - 1]?.w === 'jam' || tokens[i - 1]?.w === 'pukul';
    if ((u === 'night' || u === 'nights' || u === 'nite' || u === 'nites' || u === 'nts' || u === 'mlm' || (u === 'malam' && !clock)) && nights === null) nights = n.n;
    if ((u === 'day' || u === 'days' || u === 'hari') && days === null) days = n.n;
  }
  return { nights: nights !== null && nights > 0 && nights <= 60 ? nights : null, days: days !== null && days > 0 && days <= 30 ? days : null };
}
