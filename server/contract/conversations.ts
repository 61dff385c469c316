import { z } from 'zod';

/**
 * The guest channels, in the order staff see them: the one list of their names. Every other list
 * in TypeScript derives from it (the SQL CHECK constraints aside: a new channel brings a migration).
 */
export const GUEST_CHANNELS = ['whatsapp', 'email', 'widget'] as const;
/** A conversation's channel: a guest channel, or `test`, the built-in channel for trying replies. */
export const Channel = z.enum([...GUEST_CHANNELS, 'test']);
export type Channel = z.infer<typeof Channel>;

/** Conversation states; transitions are documented in server/features/conversations/README.md. */
export const ConversationStatus = z.enum(['ai', 'needs_human', 'human', 'resolved']);
export type ConversationStatus = z.infer<typeof ConversationStatus>;

export const HandoffReason = z.enum(['low_confidence', 'no_knowledge', 'asked_for_person', 'complaint', 'refund', 'dispute', 'payment', 'ai_paused', 'no_model', 'rate_limited', 'staff', 'injection', 'backlog', 'booking']);
export type HandoffReason = z.infer<typeof HandoffReason>;

export const MessageRole = z.enum(['guest', 'assistant', 'staff', 'system']);
export const Provider = z.enum(['ollama', 'cloud', 'knowledge', 'template']);

export const Message = z.object({
  id: z.string(),
  role: MessageRole,
  body: z.string(),
  authorId: z.string().nullable(),
  provider: Provider.nullable(),
  model: z.string().nullable(),
  confidence: z.number().nullable(),
  citedItemIds: z.array(z.string()),
  inputTokens: z.number().int().nullable(),
  outputTokens: z.number().int().nullable(),
  latencyMs: z.number().int().nullable(),
  costUsd: z.number().nullable(),
  flags: z.array(z.string()),
  deliveryStatus: z.string().nullable(),
  createdAt: z.string(),
  /** A file the guest sent (voice note, photo, document), served at `.../messages/:messageId/media`. */
  media: z.object({ mimeType: z.string(), size: z.number().int() }).optional(),
});
export type Message = z.infer<typeof Message>;

export const GuestSummary = z.object({
  id: z.string(),
  /** Masked unless revealed (for example "+60 12-••• 6789"). */
  name: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  optedOut: z.boolean(),
});

export const ConversationSummary = z.object({
  id: z.string(),
  propertyId: z.string(),
  channel: Channel,
  status: ConversationStatus,
  mode: z.enum(['ai', 'human']),
  handoffReason: HandoffReason.nullable(),
  assignedTo: z.string().nullable(),
  language: z.string(),
  messageCount: z.number().int(),
  averageConfidence: z.number().nullable(),
  unreadCount: z.number().int(),
  afterHours: z.boolean(),
  guest: GuestSummary,
  lastMessageAt: z.string(),
  lastGuestMessageAt: z.string().nullable(),
  preview: z.string().nullable(),
  createdAt: z.string(),
});
export type ConversationSummary = z.infer<typeof ConversationSummary>;

/** A note staff leave on a conversation for each other: never sent to the guest. */
export const ConversationNote = z.object({ id: z.string(), authorId: z.string().nullable(), body: z.string(), createdAt: z.string() });
export type ConversationNote = z.infer<typeof ConversationNote>;
export const NewConversationNote = z.object({ text: z.string().trim().min(1).max(2000) }).strict();

/** The stay the guest asked about, from the conversation's lead (what a saved reply's {check_in}, {check_out} and {guests} are filled with). */
export const ConversationStay = z.object({ checkIn: z.string().nullable(), checkOut: z.string().nullable(), guests: z.number().int().nullable() });

export const ConversationDetail = ConversationSummary.extend({ messages: z.array(Message), notes: z.array(ConversationNote), stay: ConversationStay.nullable() });
export type ConversationDetail = z.infer<typeof ConversationDetail>;

export const ConversationPage = z.object({ items: z.array(ConversationSummary), nextCursor: z.string().nullable() });

export const LeadIntent = z.enum(['room_booking', 'event', 'dining', 'other']);
export const LeadStatus = z.enum(['new', 'contacted', 'converted', 'lost']);
export type LeadStatus = z.infer<typeof LeadStatus>;

export const LeadDetails = z.object({
  name: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  checkIn: z.string().nullable(),
  checkOut: z.string().nullable(),
  guests: z.number().int().nullable(),
  roomType: z.string().nullable(),
  intentDetails: z.string().nullable(),
  notes: z.string().nullable(),
});
export type LeadDetails = z.infer<typeof LeadDetails>;

export const Lead = z.object({
  id: z.string(),
  propertyId: z.string(),
  conversationId: z.string(),
  guestId: z.string(),
  intent: LeadIntent,
  status: LeadStatus,
  details: LeadDetails,
  sourceChannel: Channel,
  afterHours: z.boolean(),
  bookingValue: z.number().nullable(),
  lostReason: z.string().nullable(),
  convertedAt: z.string().nullable(),
  /**
   * A real lead (booking, event or dining intent, contact details left for a follow-up, or
   * converted); otherwise an inquiry. Reports count only these.
   */
  isLead: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Lead = z.infer<typeof Lead>;
/** Which captured inquiries a list shows: real leads (the default), the other inquiries, or all. */
export const LeadKind = z.enum(['leads', 'inquiries', 'all']);
export type LeadKind = z.infer<typeof LeadKind>;
export const LeadPage = z.object({ items: z.array(Lead), nextCursor: z.string().nullable() });

export const UpdateLead = z
  .object({
    status: LeadStatus,
    bookingValue: z.number().min(0).max(10_000_000),
    lostReason: z.string().trim().max(300),
    notes: z.string().max(4000),
    intent: LeadIntent,
  })
  .partial()
  .strict();

export const StaffReply = z.object({ text: z.string().trim().min(1).max(4000) }).strict();
export const HandoffRequest = z.object({ reason: z.string().trim().max(300).optional() }).strict();
export const AssignRequest = z.object({ userId: z.string().nullable() }).strict();

/** An outbound message that could not be delivered (or was blocked), as staff see it. */
export const DeadLetter = z.object({
  id: z.string(),
  conversationId: z.string().nullable(),
  channel: z.string(),
  kind: z.enum(['reply', 'proactive']),
  status: z.string(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  preview: z.string(),
  createdAt: z.string(),
});
export type DeadLetter = z.infer<typeof DeadLetter>;

/** An inbound event (webhook) that could not be processed: past its time budget, out of attempts, or interrupted by restarts. */
export const InboundDeadLetter = z.object({
  id: z.number().int(),
  provider: z.string(),
  eventType: z.string(),
  attempts: z.number().int(),
  interruptions: z.number().int(),
  reason: z.string().nullable(),
  receivedAt: z.string(),
  failedAt: z.string().nullable(),
});
export type InboundDeadLetter = z.infer<typeof InboundDeadLetter>;

/** How staff lists show a guest's contact details until someone reveals them (audited). */
/** "+60 12-••• 6789": enough to recognise, not enough to copy. */
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

/** How channels and lead intents are named to people: on screen, in reports and their PDFs. */
/** Why a conversation went to staff, in the words every screen, report and export uses. */
export const HANDOFF_LABEL: Record<HandoffReason, string> = {
  low_confidence: 'AI was not sure',
  no_knowledge: 'Not in the knowledge base',
  asked_for_person: 'Asked for a person',
  complaint: 'Complaint',
  refund: 'Refund',
  dispute: 'Dispute',
  payment: 'Payment',
  ai_paused: 'AI paused',
  no_model: 'No AI model reachable',
  rate_limited: 'Too many messages',
  staff: 'Taken over by staff',
  injection: 'Suspicious message',
  backlog: 'Arrived while offline',
  booking: 'Booking request',
};

export const CHANNEL_LABEL: Record<Channel, string> = { whatsapp: 'WhatsApp', email: 'Email', widget: 'Website chat', test: 'Test' };
export const INTENT_LABEL: Record<z.infer<typeof LeadIntent>, string> = { room_booking: 'Room booking', event: 'Event', dining: 'Dining', other: 'Other' };
