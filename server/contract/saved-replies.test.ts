import { describe, expect, it } from 'vitest';
import { fillPlaceholders, NewSavedReply, normaliseShortcut } from './saved-replies.js';

describe('saved reply placeholders', () => {
  it('fills what the conversation knows and leaves the rest for the person to fill, naming them', () => {
    const out = fillPlaceholders('Dear {guest_name}, your stay at {hotel_name} from {check_in} to {check_out} for {guests} is noted. {guest_name}!', {
      guest_name: 'Siti',
      hotel_name: 'Harbour View',
      check_in: '24 Dec 2026',
      check_out: null,
    });
    expect(out.text).toBe('Dear Siti, your stay at Harbour View from 24 Dec 2026 to {check_out} for {guests} is noted. Siti!');
    expect(out.missing).toEqual(['check_out', 'guests']);
  });

  it('leaves unknown braces and look-alikes alone', () => {
    expect(fillPlaceholders('{room} {Guest_Name} {{guest_name}}', { guest_name: 'Ali' }).text).toBe('{room} {Guest_Name} {Ali}');
  });
});

describe('saved reply shortcuts', () => {
  it('are normalised to what staff type after the slash', () => {
    expect(normaliseShortcut('  /Late Check-out ')).toBe('late-check-out');
    expect(NewSavedReply.safeParse({ shortcut: '/Wifi', text: 'x' }).data).toEqual({ shortcut: 'wifi', text: 'x' });
    expect(NewSavedReply.safeParse({ shortcut: 'no!', text: 'x' }).success).toBe(false);
    expect(NewSavedReply.safeParse({ shortcut: 'a'.repeat(25), text: 'x' }).success).toBe(false);
  });
});
