import type { ConversationStatus, Message } from '@contract/conversations';

export const STATUS_LABEL: Record<ConversationStatus, string> = {
  needs_human: 'Needs a person',
  ai: 'AI is handling',
  human: 'With staff',
  resolved: 'Resolved',
};

export { HANDOFF_LABEL } from '@contract/conversations';

export const PROVIDER_LABEL: Record<NonNullable<Message['provider']>, string> = {
  ollama: 'Local AI model',
  cloud: 'Cloud AI model',
  knowledge: 'Knowledge base (verbatim)',
  template: 'Standard text',
};

/** Delivery status of an outbound message, as the outbox and the channels report it. */
export function deliveryLabel(status: string | null): { text: string; tone: 'ok' | 'wait' | 'bad' } | null {
  switch (status) {
    case null:
      return null;
    case 'pending':
    case 'sending':
    case 'queued':
      return { text: 'Sending', tone: 'wait' };
    case 'sent':
      return { text: 'Sent', tone: 'ok' };
    case 'delivered':
      return { text: 'Delivered', tone: 'ok' };
    case 'read':
      return { text: 'Read', tone: 'ok' };
    case 'held':
      return { text: 'Held for quiet hours', tone: 'wait' };
    case 'failed':
    case 'dead':
    case 'blocked':
      return { text: 'Not delivered', tone: 'bad' };
    default:
      return { text: status, tone: 'wait' };
  }
}

/** What a staff member would call the guest: their name, else their masked number or address. */
export function guestLabel(guest: { name: string | null; phone: string | null; email: string | null }): string {
  return guest.name?.trim() || guest.phone || guest.email || 'Guest';
}

/** WhatsApp lets a business reply freely for 24 hours after the guest's last message. */
export const WHATSAPP_WINDOW_MS = 24 * 60 * 60 * 1000;

export function whatsappWindow(lastGuestMessageAt: string | null, now: number): { open: boolean; remainingMs: number } {
  if (!lastGuestMessageAt) return { open: false, remainingMs: 0 };
  const remainingMs = Date.parse(lastGuestMessageAt) + WHATSAPP_WINDOW_MS - now;
  return { open: remainingMs > 0, remainingMs: Math.max(0, remainingMs) };
}
