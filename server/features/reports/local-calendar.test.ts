import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, eachDay, LocalCalendar } from './local-calendar.js';

const formats = new Map<string, Intl.DateTimeFormat>();

/** Local date and hour straight from Intl, one instant at a time. */
function direct(tz: string, ms: number): { day: string; hour: number } {
  let f = formats.get(tz);
  if (!f) formats.set(tz, (f = new Intl.DateTimeFormat('en-GB', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' })));
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return { day: `${p.year}-${p.month}-${p.day}`, hour: Number(p.hour) };
}

describe('LocalCalendar', () => {
  // Whole-hour changes, a +5:45 zone, and Lord Howe Island's half-hour daylight-saving change.
  const zones = ['Europe/London', 'America/New_York', 'Asia/Kuala_Lumpur', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham'];
  const windows = ['2026-03-28T00:00:00Z', '2026-04-04T12:00:00Z', '2026-10-03T12:00:00Z', '2026-10-31T00:00:00Z'];

  for (const tz of zones) {
    it(`agrees with Intl across daylight-saving changes (${tz})`, () => {
      const cal = new LocalCalendar(tz);
      for (const start of windows) {
        const t0 = Date.parse(start);
        for (let ms = t0; ms < t0 + 2 * 86_400_000; ms += 17 * 60_000 + 13_000) {
          expect(cal.at(new Date(ms).toISOString()), `${tz} ${new Date(ms).toISOString()}`).toEqual(direct(tz, ms));
        }
      }
    });
  }

  it('does day arithmetic on calendar dates', () => {
    expect(addDays('2026-03-28', 2)).toBe('2026-03-30');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysBetween('2026-03-28', '2026-03-31')).toBe(4);
    expect(eachDay('2026-12-30', '2027-01-02')).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']);
  });
});
