import { z } from 'zod';

export const Channel = z.enum(['whatsapp', 'email', 'widget', 'test']);
export type Channel = z.infer<typeof Channel>;

/** Conversation states; transitions are documented in server/features/conversations/README.md. */
export const ConversationStatus = z.enum(['ai', 'needs_human', 'human', 'resolved']);
export type ConversationStatus = z.infer<typeof ConversationStatus>;

export const HandoffReason = z.enum(['low_confidence', 'no_knowledge', 'asked_for_person', 'complaint', 'refund', 'dispute', 'payment', 'ai_paused', 'no_model', 'rate_limited', 'staff', 'injection', 'backlog']);
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

export const ConversationDetail = ConversationSummary.extend({ messages: z.array(Message) });
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
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Lead = z.infer<typeof Lead>;
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
