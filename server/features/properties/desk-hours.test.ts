import { describe, expect, it } from 'vitest';
import { hotelDay, isAfterHours, localTime, nextDeskOpening, zonedInstant } from './desk-hours.js';

const empty = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };

describe('desk hours in the hotel time zone', () => {
  const kl = { timezone: 'Asia/Kuala_Lumpur', deskHours: { ...empty, fri: [{ open: '08:00', close: '22:00' }], sat: [{ open: '22:00', close: '06:00' }] }, closures: [] };

  it('follows the hotel clock, not UTC', () => {
    // 2026-11-20 is a Friday. 23:30 UTC Thursday = 07:30 Friday in KL (closed); 00:30 UTC = 08:30 (open).
    expect(isAfterHours(kl, new Date('2026-11-19T23:30:00Z'))).toBe(true);
    expect(isAfterHours(kl, new Date('2026-11-20T00:30:00Z'))).toBe(false);
    expect(isAfterHours(kl, new Date('2026-11-20T14:30:00Z'))).toBe(true); // 22:30 Friday
  });

  it('keeps an overnight range open across midnight into the next day', () => {
    expect(isAfterHours(kl, new Date('2026-11-21T14:30:00Z'))).toBe(false); // Sat 22:30
    expect(isAfterHours(kl, new Date('2026-11-21T20:00:00Z'))).toBe(false); // Sun 04:00, tail of Saturday
    expect(isAfterHours(kl, new Date('2026-11-21T22:30:00Z'))).toBe(true); // Sun 06:30
  });

  it('treats a closure date as closed all day', () => {
    const closed = { ...kl, closures: [{ date: '2026-11-20' }] };
    expect(isAfterHours(closed, new Date('2026-11-20T04:00:00Z'))).toBe(true);
  });

  it('supports split shifts and finds the next opening', () => {
    const split = { timezone: 'Europe/London', deskHours: { ...empty, mon: [{ open: '07:00', close: '11:00' }, { open: '17:00', close: '23:00' }] }, closures: [] };
    const monNoon = new Date('2026-11-23T12:00:00Z');
    expect(isAfterHours(split, monNoon)).toBe(true);
    expect(nextDeskOpening(split, monNoon)?.toISOString()).toBe('2026-11-23T17:00:00.000Z');
    expect(nextDeskOpening(split, new Date('2026-11-23T23:30:00Z'))?.toISOString()).toBe('2026-11-30T07:00:00.000Z');
  });

  it('handles a daylight-saving change', () => {
    // London moves to BST on 2026-03-29: 08:00 local is 07:00 UTC after the change, 08:00 UTC before.
    expect(zonedInstant('Europe/London', '2026-03-28', 8 * 60).toISOString()).toBe('2026-03-28T08:00:00.000Z');
    expect(zonedInstant('Europe/London', '2026-03-30', 8 * 60).toISOString()).toBe('2026-03-30T07:00:00.000Z');
    expect(localTime('America/New_York', new Date('2026-11-01T05:30:00Z'))).toMatchObject({ date: '2026-11-01', minutes: 90 });
  });

  it("gives the hotel's calendar day, which turns at the hotel's midnight and not the server's", () => {
    // 23:59 and 00:01 in Kuala Lumpur (UTC+8) fall on two UTC-sides of the same UTC day.
    expect(hotelDay(new Date('2026-03-01T15:59:00Z'), 'Asia/Kuala_Lumpur')).toBe('2026-03-01');
    expect(hotelDay(new Date('2026-03-01T16:01:00Z'), 'Asia/Kuala_Lumpur')).toBe('2026-03-02');
    // West of UTC the hotel is still on the day before.
    expect(hotelDay(new Date('2026-03-02T03:00:00Z'), 'America/New_York')).toBe('2026-03-01');
    expect(() => hotelDay(new Date('2026-03-02T03:00:00Z'), 'Mars/Olympus_Mons')).toThrow(RangeError);
  });
});
