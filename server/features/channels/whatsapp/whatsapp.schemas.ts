import { z } from 'zod';

/**
 * Meta's WhatsApp Cloud API wire formats (REFERENCE.md §1). Objects are loose: Meta adds fields
 * over time, and an unknown field must never make us drop a guest's message.
 */

const Timestamp = z.union([z.string(), z.number()]);
const MAX_WA_ID_CHARS_ = 256;

export const WaContact = z.looseObject({
  profile: z.looseObject({ name: z.string().optional() }).optional(),
  wa_id: z.string().optional(),
  /** Business-scoped user id (BSUID); newer payloads may carry only this. */
  user_id: z.string().optional(),
});
export type WaContact = z.infer<typeof WaContact>;

export const WaMessage = z.looseObject({
  id: z.string().min(1).max(MAX_WA_ID_CHARS_),
  from: z.string().max(256).optional(),
  from_user_id: z.string().max(256).optional(),
  timestamp: Timestamp.optional(),
  type: z.string().max(64).optional(),
});
export type WaMessage = z.infer<typeof WaMessage>;

const WaError = z.looseObject({
  code: z.number().optional(),
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: z.looseObject({ details: z.string().optional() }).optional(),
});

export const WaStatus = z.looseObject({
  id: z.string().min(1).max(MAX_WA_ID_CHARS_),
  status: z.string().min(1).max(32),
  timestamp: Timestamp.optional(),
  recipient_id: z.string().optional(),
  errors: z.array(WaError).optional(),
});
export type WaStatus = z.infer<typeof WaStatus>;

export const WebhookEnvelope = z.looseObject({
  object: z.string().optional(),
  entry: z
    .array(
      z.looseObject({
        id: z.string().optional(),
        changes: z.array(z.looseObject({ field: z.string().optional(), value: z.unknown() })).default([]),
      }),
    )
    .default([]),
});

/**
 * The `value` of a `messages` change: metadata routes it, then messages and/or statuses. Each
 * message, status and contact is checked on its own (splitWebhook), so one malformed item is
 * skipped without losing the others.
 */
export const MessagesValue = z.looseObject({
  metadata: z.looseObject({ phone_number_id: z.string().min(1).max(64), display_phone_number: z.string().optional() }),
  contacts: z.array(z.unknown()).optional(),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
});

/** Longest message or status id accepted (Meta's wamids are well under 100 characters). */
export const MAX_WA_ID_CHARS = MAX_WA_ID_CHARS_;
/** Deepest nesting accepted inside one message, status or contact (Meta's go about six levels deep). */
export const MAX_WA_DEPTH = 32;

/** One inbound queue event: a single message (with its sender's contact) or a single status update. */
export const StoredEvent = z.discriminatedUnion('kind', [
  z.object({ v: z.literal(1), kind: z.literal('message'), phoneNumberId: z.string(), contact: WaContact.nullable(), message: WaMessage }),
  z.object({ v: z.literal(1), kind: z.literal('status'), phoneNumberId: z.string(), status: WaStatus }),
]);
export type StoredEvent = z.infer<typeof StoredEvent>;

// Per-type message contents.
export const TextContent = z.looseObject({ body: z.string() });
export const MediaContent = z.looseObject({
  id: z.string().optional(),
  mime_type: z.string().optional(),
  caption: z.string().optional(),
  filename: z.string().optional(),
  voice: z.boolean().optional(),
  animated: z.boolean().optional(),
});
export const LocationContent = z.looseObject({
  latitude: z.union([z.number(), z.string()]),
  longitude: z.union([z.number(), z.string()]),
  name: z.string().optional(),
  address: z.string().optional(),
});
export const InteractiveContent = z.looseObject({
  type: z.string(),
  button_reply: z.looseObject({ id: z.string().optional(), title: z.string() }).optional(),
  list_reply: z.looseObject({ id: z.string().optional(), title: z.string(), description: z.string().optional() }).optional(),
  nfm_reply: z.looseObject({ response_json: z.string().optional(), body: z.string().optional(), name: z.string().optional() }).optional(),
});
export const ButtonContent = z.looseObject({ text: z.string(), payload: z.string().optional() });
export const ReactionContent = z.looseObject({ message_id: z.string().optional(), emoji: z.string().optional() });
export const ContactsContent = z.array(
  z.looseObject({
    name: z.looseObject({ formatted_name: z.string().optional(), first_name: z.string().optional(), last_name: z.string().optional() }).optional(),
    phones: z.array(z.looseObject({ phone: z.string().optional(), wa_id: z.string().optional() })).optional(),
  }),
);
export const UnsupportedContent = z.looseObject({ type: z.string().optional() });

// Graph API (sending).
export const GraphSendResponse = z.looseObject({
  messages: z.array(z.looseObject({ id: z.string().min(1) })).min(1),
});
export const GraphErrorEnvelope = z.looseObject({
  error: z.looseObject({
    message: z.string().optional(),
    type: z.string().optional(),
    code: z.number().optional(),
    error_subcode: z.number().optional(),
    error_data: z.looseObject({ details: z.string().optional() }).optional(),
  }),
});

/** What the channel stores: secrets (encrypted by the binding service) and plain settings. */
export interface WhatsAppSecrets {
  appSecret: string;
  accessToken: string;
  verifyToken: string;
}
export interface WhatsAppSettings {
  /** A pre-approved template sent when the 24-hour window has closed. */
  templateName?: string | undefined;
  templateLanguage?: string | undefined;
}

/** `PUT /api/v1/properties/:id/channels/whatsapp`. Secrets left out keep their stored value. */
export const WhatsAppChannelInput = z
  .object({
    phoneNumberId: z
      .string()
      .trim()
      .regex(/^\d{5,32}$/, "the phone number id is the long number shown on Meta's WhatsApp API setup page (not the phone number itself)"),
    appSecret: z.string().trim().min(8).max(256).optional(),
    accessToken: z.string().trim().min(8).max(2048).optional(),
    verifyToken: z.string().trim().min(8).max(256).optional(),
    templateName: z
      .string()
      .trim()
      .regex(/^[a-z0-9_]{1,512}$/, 'template names are lower case letters, digits and underscores')
      .optional(),
    templateLanguage: z
      .string()
      .trim()
      .regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'a template language code such as en_US, ms or zh_CN')
      .optional(),
    active: z.boolean().optional(),
  })
  .strict();
export type WhatsAppChannelInput = z.infer<typeof WhatsAppChannelInput>;
