import { WEEKDAYS, type DeskHours, type Weekday } from '../../contract/properties.js';

/** Wall-clock parts of an instant in a time zone. */
interface LocalTime {
  date: string; // YYYY-MM-DD
  weekday: Weekday;
  minutes: number; // since local midnight
}

/** One formatter per time zone: making one costs far more than formatting with it. */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    // Constructed before it is kept, so an unknown zone throws and is not cached.
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', weekday: 'short', hourCycle: 'h23' });
    if (formatters.size > 1_000) formatters.clear();
    formatters.set(tz, f);
  }
  return f;
}

export function localTime(tz: string, at: Date): LocalTime {
  const parts = Object.fromEntries(formatter(tz).formatToParts(at).map((p) => [p.type, p.value]));
  const weekday = parts.weekday!.toLowerCase().slice(0, 3) as Weekday;
  return { date: `${parts.year}-${parts.month}-${parts.day}`, weekday, minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

/**
 * The hotel's calendar day for an instant, as YYYY-MM-DD: the day the cloud budget is kept for,
 * the "today" of lead dates and of the prompt, and the reports' local date.
 */
export function hotelDay(at: Date, timeZone: string): string {
  return localTime(timeZone, at).date;
}

/** Offset of the zone from UTC at an instant, in minutes. */
function offsetMinutes(tz: string, at: Date): number {
  const p = Object.fromEntries(formatter(tz).formatToParts(at).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/** The instant when the zone's wall clock shows `date` at `minutes` past midnight. */
export function zonedInstant(tz: string, date: string, minutes: number): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, 0, minutes);
  let guess = wall - offsetMinutes(tz, new Date(wall)) * 60_000;
  guess = wall - offsetMinutes(tz, new Date(guess)) * 60_000;
  return new Date(guess);
}

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

function previousDay(day: Weekday): Weekday {
  return WEEKDAYS[(WEEKDAYS.indexOf(day) + 6) % 7]!;
}

function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

interface HoursPolicy {
  timezone: string;
  deskHours: DeskHours;
  closures: readonly { date: string }[];
}

/**
 * Whether the front desk is staffed at an instant, in the hotel's zone. A range whose close is
 * earlier than its open runs past midnight into the next day. A closure date closes the desk
 * for that whole local day (including the overnight tail of the day before).
 */
function isDeskOpen(p: HoursPolicy, at: Date): boolean {
  const t = localTime(p.timezone, at);
  if (p.closures.some((c) => c.date === t.date)) return false;
  for (const r of p.deskHours[t.weekday] ?? []) {
    const open = toMinutes(r.open);
    const close = toMinutes(r.close);
    if (close > open ? t.minutes >= open && t.minutes < close : t.minutes >= open) return true;
  }
  const yesterday = addDays(t.date, -1);
  if (p.closures.some((c) => c.date === yesterday)) return false;
  for (const r of p.deskHours[previousDay(t.weekday)] ?? []) {
    const open = toMinutes(r.open);
    const close = toMinutes(r.close);
    if (close < open && t.minutes < close) return true;
  }
  return false;
}

export function isAfterHours(p: HoursPolicy, at: Date): boolean {
  return !isDeskOpen(p, at);
}

/** The next instant the desk opens (now, if it is open), looking up to two weeks ahead. */
export function nextDeskOpening(p: HoursPolicy, at: Date): Date | null {
  if (isDeskOpen(p, at)) return at;
  const t = localTime(p.timezone, at);
  for (let d = 0; d < 15; d++) {
    const date = addDays(t.date, d);
    if (p.closures.some((c) => c.date === date)) continue;
    const weekday = localTime(p.timezone, zonedInstant(p.timezone, date, 12 * 60)).weekday;
    const opens = (p.deskHours[weekday] ?? []).map((r) => toMinutes(r.open)).sort((a, b) => a - b);
    for (const m of opens) {
      if (d === 0 && m <= t.minutes) continue;
      const instant = zonedInstant(p.timezone, date, m);
      if (instant.getTime() > at.getTime()) return instant;
    }
  }
  return null;
}

/** Whether an instant falls in the hotel's quiet hours (default 21:00-08:00, may wrap midnight). */
export function inQuietHours(p: { timezone: string; quietHours: { start: string; end: string } }, at: Date): boolean {
  const t = localTime(p.timezone, at).minutes;
  const start = toMinutes(p.quietHours.start);
  const end = toMinutes(p.quietHours.end);
  if (start === end) return false;
  return start < end ? t >= start && t < end : t >= start || t < end;
}

/** When the current quiet period ends (the instant itself when not in quiet hours). */
export function quietHoursEnd(p: { timezone: string; quietHours: { start: string; end: string } }, at: Date): Date {
  if (!inQuietHours(p, at)) return at;
  const t = localTime(p.timezone, at);
  const end = toMinutes(p.quietHours.end);
  const date = t.minutes < end ? t.date : addDays(t.date, 1);
  return zonedInstant(p.timezone, date, end);
}
