import type { Lead, LeadStatus } from '@contract/conversations';

export const LEAD_STATUS_LABEL: Record<LeadStatus, string> = { new: 'New', contacted: 'Contacted', converted: 'Converted', lost: 'Lost' };
export const INTENT_LABEL: Record<Lead['intent'], string> = { room_booking: 'Room booking', event: 'Event', dining: 'Dining', other: 'Other' };

/** Where a lead may go next (server/features/conversations/conversation-state.ts). */
export const NEXT_STATUS: Record<LeadStatus, readonly LeadStatus[]> = {
  new: ['contacted', 'converted', 'lost'],
  contacted: ['converted', 'lost'],
  lost: ['contacted'],
  converted: [],
};

/** "+60 12-••• 4567" / "a•••@hotel.com": the list shows contact details masked. */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return null;
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7) return '•••';
  return `+${digits.slice(0, 2)} ${digits.slice(2, 4)}-••• ${digits.slice(-4)}`;
}

export function maskEmail(email: string | null): string | null {
  if (!email) return null;
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}•••@${domain}`;
}
