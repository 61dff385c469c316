import { describe, expect, it } from 'vitest';
import { detectLanguage, extractLead } from './lead-extraction.js';

const today = '2026-11-21'; // a Saturday

describe('deterministic lead extraction', () => {
  it.each([
    [
      'Hi, do you have a family room from 24 to 27 December for 2 adults and 2 kids? My name is Sarah Tan, +60 12-345 6789',
      { checkIn: '2026-12-24', checkOut: '2026-12-27', guests: 4, roomType: 'family', intent: 'room_booking', name: 'Sarah Tan', phone: '+60123456789' },
    ],
    ['Looking to stay next Friday for 2 nights, email me at j.lee@example.com', { checkIn: '2026-11-27', checkOut: '2026-11-29', email: 'j.lee@example.com', intent: 'room_booking' }],
    ['Can I book a table for 6 tomorrow at 7pm?', { checkIn: '2026-11-22', guests: 6, intent: 'dining' }],
    ['We are planning a wedding banquet for 200 guests in March', { guests: 200, intent: 'event', checkIn: '2027-03-01' }],
    ['Saya nak tempah bilik deluxe untuk 2 orang dewasa pada 24 Disember hingga 26 Disember', { checkIn: '2026-12-24', checkOut: '2026-12-26', guests: 2, roomType: 'deluxe', intent: 'room_booking' }],
    ['我想预订12月24日到12月27日的房间，我们2个人', { checkIn: '2026-12-24', checkOut: '2026-12-27', guests: 2, intent: 'room_booking' }],
    ['What time is check-out?', { checkIn: null, guests: null, intent: 'other' }],
    ['Where can I park my car?', { intent: 'other', checkIn: null }],
  ])('%s', (text, expected) => {
    expect(extractLead(text, { today })).toMatchObject(expected);
  });

  it('falls back to the channel profile name', () => {
    expect(extractLead('any rooms tonight?', { today, profileName: 'Ahmad Faizal' }).name).toBe('Ahmad Faizal');
  });

  it('guesses the language', () => {
    expect(detectLanguage('Do you have parking?')).toBe('en');
    expect(detectLanguage('Ada tempat letak kereta tak? Berapa harga?')).toBe('ms');
    expect(detectLanguage('请问有停车场吗？')).toBe('zh');
  });
});
