import type { Channel, LeadDetails } from '../../contract/conversations.js';
import type { Property } from '../../contract/properties.js';
import { hotelDay } from '../llm/cloud-budget.js';
import { extractLead } from './lead-extraction.js';
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

export interface InquiryMessage {
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
 * what the words say (dates, party size, room, contact) and the guest's known contact; later
 * messages fill its gaps, and a first definite intent replaces "other". Runs inside the caller's
 * transaction, with the message it was read from.
 */
export function captureLead(leads: LeadRepository, property: Property, m: InquiryMessage): void {
  const x = extractLead(m.text, { today: hotelDay(m.now, property.timezone), country: property.country as never, profileName: m.profileName ?? m.guest.name });
  const at = m.now.toISOString();
  const existing = leads.byConversation(m.conversationId);
  const fresh: LeadDetails = {
    ...emptyDetails(),
    name: x.name ?? m.guest.name,
    phone: x.phone ?? m.guest.phone,
    email: x.email ?? m.guest.email,
    checkIn: x.checkIn,
    checkOut: x.checkOut,
    guests: x.guests,
    roomType: x.roomType,
  };
  if (!existing) {
    leads.insert({ conversationId: m.conversationId, guestId: m.guest.id, intent: x.intent, details: fresh, sourceChannel: m.channel, afterHours: m.afterHours, at });
    return;
  }
  const merged = mergeDetails(existing.details, fresh);
  const intent = existing.intent === 'other' ? x.intent : existing.intent;
  if (JSON.stringify(merged) !== JSON.stringify(existing.details) || intent !== existing.intent) leads.save({ ...existing, details: merged, intent }, at);
}
