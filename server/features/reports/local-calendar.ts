import { hotelDay, localTime, zonedInstant } from '../properties/desk-hours.js';

const HOUR_MS = 3_600_000;

/**
 * Hotel-local date and hour of instants. The zone's offset from UTC is looked up once per UTC hour
 * (and remembered): within an hour it is constant unless a daylight-saving change falls inside
 * it, and then each instant is converted on its own. Rebuilding a year of rollups costs a few
 * thousand time-zone look-ups instead of one per row.
 */
export class LocalCalendar {
  /** UTC hour -> offset in minutes, or null when the offset changes within that hour. */
  private readonly offsets = new Map<number, number | null>();

  constructor(readonly timeZone: string) {}

  private offsetAt(ms: number): number {
    const t = localTime(this.timeZone, new Date(ms));
    const [y, m, d] = t.date.split('-').map(Number) as [number, number, number];
    return Math.round((Date.UTC(y, m - 1, d) + t.minutes * 60_000 - Math.floor(ms / 60_000) * 60_000) / 60_000);
  }

  at(iso: string): { day: string; hour: number } {
    const ms = Date.parse(iso);
    if (Number.isNaN(ms)) throw new Error('not an ISO timestamp');
    const key = Math.floor(ms / HOUR_MS);
    let offset = this.offsets.get(key);
    if (offset === undefined) {
      const start = this.offsetAt(key * HOUR_MS);
      offset = start === this.offsetAt(key * HOUR_MS + HOUR_MS - 60_000) ? start : null;
      if (this.offsets.size > 100_000) this.offsets.clear();
      this.offsets.set(key, offset);
    }
    if (offset === null) {
      const t = localTime(this.timeZone, new Date(ms));
      return { day: t.date, hour: Math.floor(t.minutes / 60) };
    }
    const local = new Date(ms + offset * 60_000);
    return { day: local.toISOString().slice(0, 10), hour: local.getUTCHours() };
  }

  day(iso: string): string {
    return this.at(iso).day;
  }

  /** The hotel's date today. */
  today(now: Date): string {
    return hotelDay(now, this.timeZone);
  }

  /** Local wall-clock minutes since midnight and weekday, now. */
  wallClock(now: Date): ReturnType<typeof localTime> {
    return localTime(this.timeZone, now);
  }

  /** The instant the hotel's day begins. */
  startOf(day: string): Date {
    return zonedInstant(this.timeZone, day, 0);
  }
}

export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** Days from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

export function eachDay(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}
