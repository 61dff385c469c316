import { describe, expect, it } from 'vitest';
import type { Lead } from '@contract/conversations';
import type { Property } from '@contract/properties';
import { leadsCsv } from './leads-csv';

const hotel = { id: 'prop_1', name: 'Atoll Lodge', timezone: 'Pacific/Kiritimati', currency: 'AUD' } as Property;
const lead: Lead = {
  id: 'lead_1',
  propertyId: 'prop_1',
  conversationId: 'conv_1',
  guestId: 'gst_1',
  intent: 'room_booking',
  status: 'converted',
  details: { name: 'Nur Aziz', phone: '+60128884321', email: 'nur@example.com', checkIn: '2026-12-24', checkOut: '2026-12-27', guests: 2, roomType: null, intentDetails: null, notes: 'VIP' },
  sourceChannel: 'widget',
  afterHours: true,
  bookingValue: 1260,
  lostReason: null,
  convertedAt: '2026-12-07T20:30:00.000Z',
  isLead: true,
  createdAt: '2026-12-07T11:05:00.000Z',
  updatedAt: '2026-12-07T20:30:00.000Z',
};

describe('leads CSV', () => {
  it("shows times on the hotel's clock and channels by name, without the guest's contact details", () => {
    const [header, row] = leadsCsv([lead, { ...lead, id: 'lead_2', isLead: false, intent: 'other', status: 'new', convertedAt: null, bookingValue: null, sourceChannel: 'whatsapp' }], new Map([[hotel.id, hotel]]))
      .trim()
      .split('\r\n');
    expect(header).toContain('Received (hotel time)');
    // 11:05 UTC on 7 December is 01:05 on 8 December at Kiritimati (UTC+14).
    expect(row!.split(',').slice(0, 8)).toEqual(['2026-12-08 01:05', 'Pacific/Kiritimati', 'Atoll Lodge', 'Lead', 'Room booking', 'Converted', 'Website chat', 'yes']);
    expect(row).toContain('2026-12-08 10:30');
    const csv = leadsCsv([lead], new Map([[hotel.id, hotel]]));
    for (const pii of ['Nur', '60128884321', 'nur@example.com', 'VIP']) expect(csv).not.toContain(pii);
    expect(leadsCsv([{ ...lead, isLead: false, sourceChannel: 'whatsapp' }], new Map([[hotel.id, hotel]]))).toContain(',Inquiry,Room booking,Converted,WhatsApp,');
  });
});
