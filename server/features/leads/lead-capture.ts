import type { Channel, LeadDetails } from '../../contract/conversations.js';
import type { Property } from '../../contract/properties.js';
import { hotelDay } from '../properties/desk-hours.js';
import { HotelCalendar } from './lead-dates.js';
import { extractLead, type ExtractedLead, type Intent } from './lead-extraction.js';
import type { LeadRepository } from './lead.repository.js';

export function emptyDetails(): LeadDetails {
  return { name: null, phone: null, email: null, checkIn: null, checkOut: null, guests: null, roomType: null, intentDetails: null, notes: null };
}

/** Fields of `next` fill or replace those of `base`; with `keepBase`, base values win. */
export function mergeDetails(base: LeadDetails, next: LeadDetails, keepBase = false): LeadDetails {
  const out = { ...emptyDetails(), ...base };
  for (const [k, v] of Object.entries(next) as [keyof LeadDetails, LeadDetails[keyof LeadDetails]][]) {
    if (v == null) continue;
    if (keepBase && out[k] != null) continue;
    (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

interface InquiryMessage {
  conversationId: string;
  guest: { id: string; name: string | null; phone: string | null; email: string | null };
  /** The guest's words (or what stands for them: "[Voice message]"). */
  text: string;
  channel: Channel;
  afterHours: boolean;
  /** The name the channel gave the guest (a WhatsApp profile name), used when the text has none. */
  profileName: string | null | undefined;
  now: Date;
}

/**
 * Every inquiry becomes a lead (C7): the conversation's first guest message creates its lead, from
 * what the words say (dates, party size, room, contact) and the guest's known contact. Later messages
 * fill its gaps and are read in the light of the booking already asked for ("can we make it 25 to 27
 * Dec?"); a new stay date replaces the old pair; a written name replaces the channel profile's; a
 * first definite intent replaces "other". A plain
 * question adds no dates or party size. Runs inside the caller's transaction, with the message it was
 * read from, and returns what it read, so the message is read once.
 */
export function captureLead(leads: LeadRepository, property: Property, m: InquiryMessage): ExtractedLead {
  const existing = leads.byConversation(m.conversationId);
  const x = extractLead(m.text, {
    today: hotelDay(m.now, property.timezone),
    country: property.country as never,
    hotelName: property.name,
    ...(existing ? { context: existing.intent } : {}),
  });
  const profileName = m.profileName?.trim() || m.guest.name;
  const at = m.now.toISOString();
  const fresh: LeadDetails = {
    ...emptyDetails(),
    name: x.name ?? profileName,
    phone: x.phone ?? m.guest.phone,
    email: x.email ?? m.guest.email,
    checkIn: x.checkIn,
    checkOut: x.checkOut,
    guests: x.guests,
    roomType: x.roomType,
  };
  if (!existing) {
    leads.insert({ conversationId: m.conversationId, guestId: m.guest.id, intent: x.intent, details: fresh, sourceChannel: m.channel, afterHours: m.afterHours, at });
    return x;
  }
  // "Can I make a booking?" then "24-26 Dec": a request and a stay in separate messages still make a booking.
  const asked = x.requested && (x.checkIn !== null || existing.details.checkIn !== null) ? 'room_booking' : 'other';
  const intent = existing.intent === 'other' ? (x.intent !== 'other' ? x.intent : asked) : existing.intent;
  const merged = mergeDetails(existing.details, fresh, true);
  const stay = laterStay(existing.details, x, intent);
  merged.checkIn = stay.checkIn;
  merged.checkOut = stay.checkOut;
  // A name the guest writes ("my name is Sarah Lim") replaces one that only came from the channel profile.
  if (x.name && existing.details.name === profileName) merged.name = x.name;
  if (JSON.stringify(merged) !== JSON.stringify(existing.details) || intent !== existing.intent) leads.save({ ...existing, details: merged, intent }, at);
  return x;
}

/** The stay after a later message: its new dates replace the old ones; "2 nights" alone completes a check-in. */
function laterStay(before: LeadDetails, x: ExtractedLead, intent: Intent): Pick<LeadDetails, 'checkIn' | 'checkOut'> {
  if (x.checkIn && (x.checkIn !== before.checkIn || (x.checkOut && x.checkOut !== before.checkOut))) {
    const keepOut = before.checkOut && before.checkOut > x.checkIn && intent !== 'dining' ? before.checkOut : null;
    return { checkIn: x.checkIn, checkOut: x.checkOut ?? keepOut };
  }
  if (before.checkIn && !before.checkOut && x.nights && intent === 'room_booking') return { checkIn: before.checkIn, checkOut: HotelCalendar.addDays(before.checkIn, x.nights) };
  return { checkIn: before.checkIn ?? x.checkIn, checkOut: before.checkOut ?? x.checkOut };
}
