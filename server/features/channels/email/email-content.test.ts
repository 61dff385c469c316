import { describe, expect, it } from 'vitest';
import { automatedReason, messageIds, parseHeaderText, replySubject, visibleReply } from './email-content.js';

describe('visibleReply', () => {
  it('keeps a guest’s own "Date: / From: / To:" lines (a transfer request is not a quoted header block)', () => {
    const text = 'Hi, please arrange a transfer:\nDate: 12 March\nFrom: KLIA\nTo: the hotel\nPassengers: 2\n\nThanks, Ana';
    expect(visibleReply(text)).toBe(text);
  });

  it('cuts an Outlook reply-header block and the separator above it', () => {
    const text = 'Yes, two rooms please.\n\n________________________________\nFrom: Harbour Hotel <stay@harbour.example>\nSent: Monday, 1 December 2025 10:00\nTo: Ana\nSubject: RE: Rooms\n\nDear Ana, we have rooms.';
    expect(visibleReply(text)).toBe('Yes, two rooms please.');
  });

  it('cuts a Malay header block (Dari, Kepada, Subjek)', () => {
    const text = 'Boleh saya tempah bilik?\n\nDari: Hotel <stay@harbour.example>\nKepada: Ana\nSubjek: Tempahan\n\nTerima kasih.';
    expect(visibleReply(text)).toBe('Boleh saya tempah bilik?');
  });

  it('drops an attribution line whose quote is gone, but keeps a forward’s body', () => {
    expect(visibleReply('Sounds good.\n\nOn 2 Apr 2024, at 10:15, Hotel <stay@harbour.example> wrote:\n> Shall we book?')).toBe('Sounds good.');
    const forward = 'See my booking below.\n\n-----Original Message-----\nFrom: Agoda\nSent: 1 Dec\nTo: me\nSubject: Booking 123\n\nBooking 123, 2 nights.';
    expect(visibleReply(forward, { forward: true })).toContain('Booking 123, 2 nights.');
    expect(visibleReply(forward)).toBe('See my booking below.');
  });
});

describe('headers', () => {
  it('reads Message-ID lists bare, in order, without duplicates', () => {
    expect(messageIds('<a@x> <b@y>\r\n <a@x>')).toEqual(['a@x', 'b@y']);
    expect(messageIds('c@z')).toEqual(['c@z']);
    expect(messageIds(undefined)).toEqual([]);
  });

  it('unfolds continuation lines', () => {
    expect(parseHeaderText('References: <a@x>\r\n <b@y>\r\nSubject: hi')).toEqual([
      ['References', '<a@x> <b@y>'],
      ['Subject', 'hi'],
    ]);
  });

  it('recognises machine mail that must never get an automatic answer (RFC 3834)', () => {
    expect(automatedReason([['Auto-Submitted', 'auto-replied']], 'ana@example.net')).toBe('auto-submitted');
    expect(automatedReason([['Auto-Submitted', 'no']], 'ana@example.net')).toBeNull();
    expect(automatedReason([['Precedence', 'bulk']], 'news@example.net')).toBe('bulk or list mail');
    expect(automatedReason([['List-Unsubscribe', '<mailto:x@y>']], 'news@example.net')).toBe('mailing list');
    expect(automatedReason([], 'MAILER-DAEMON@mx.example.net')).toBe('bounce');
    expect(automatedReason([['Content-Type', 'text/plain']], 'ana@example.net')).toBeNull();
  });

  it('builds "Re:" subjects without stacking prefixes', () => {
    expect(replySubject('RE: Re: Pool', 'Harbour')).toBe('Re: Pool');
    expect(replySubject('AW: Zimmer', 'Harbour')).toBe('Re: Zimmer');
    expect(replySubject(null, 'Harbour View Hotel')).toBe('Re: Harbour View Hotel');
  });
});
