import { z } from 'zod';

import { EmailProvider } from '../../../contract/channels.js';

export { EmailChannelView, EmailProvider } from '../../../contract/channels.js';

const secret = z.string().trim().min(8).max(500);
const lowerEmail = z
  .email()
  .max(320)
  .transform((v) => v.toLowerCase());

/** `PUT /api/v1/properties/:id/channels/email`. Secrets left out keep their stored value. */
export const EmailChannelInput = z
  .object({
    provider: EmailProvider,
    /** The address guests write to (the provider's inbound route); routes inbound mail to this hotel. */
    inboundAddress: lowerEmail,
    /** Sender of replies; defaults to the inbound address. */
    fromAddress: lowerEmail.optional(),
    fromName: z.string().trim().min(1).max(120).optional(),
    sendVia: z.enum(['api', 'smtp']).default('api'),
    smtpHost: z.string().trim().min(1).max(253).optional(),
    smtpPort: z.number().int().min(1).max(65535).optional(),
    smtpUser: z.string().trim().min(1).max(320).optional(),
    smtpPassword: z.string().min(1).max(500).optional(),
    /** Provider API key for sending (SendGrid API key, Mailgun private key, Postmark server token). */
    apiKey: secret.optional(),
    /** Mailgun sending domain; defaults to the domain of the sender address. */
    mailgunDomain: z.string().trim().min(3).max(253).optional(),
    /** SendGrid: the secret in the Inbound Parse URL (`?key=`); generated when absent. */
    webhookKey: z.string().trim().min(24).max(200).regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only').optional(),
    /** Mailgun: the HTTP webhook signing key. */
    signingKey: secret.optional(),
    /** Postmark: the basic-auth credentials in the inbound webhook URL. */
    webhookUsername: z.string().trim().min(3).max(100).regex(/^[^:@/\s]+$/, 'no ":", "@", "/" or spaces').optional(),
    webhookPassword: z.string().min(12).max(200).regex(/^[^@/\s]+$/, 'no "@", "/" or spaces').optional(),
    active: z.boolean().optional(),
  })
  .strict();
export type EmailChannelInput = z.infer<typeof EmailChannelInput>;

/** Non-secret binding settings, stored as JSON in channel_bindings.settings. */
export const EmailSettings = z.object({
  provider: EmailProvider,
  fromAddress: z.string(),
  fromName: z.string().nullable().default(null),
  sendVia: z.enum(['api', 'smtp']),
  smtpHost: z.string().nullable().default(null),
  smtpPort: z.number().int().nullable().default(null),
  smtpUser: z.string().nullable().default(null),
  mailgunDomain: z.string().nullable().default(null),
  webhookUsername: z.string().nullable().default(null),
});
export type EmailSettings = z.infer<typeof EmailSettings>;

export interface EmailSecrets {
  apiKey?: string;
  smtpPassword?: string;
  webhookKey?: string;
  signingKey?: string;
  webhookPassword?: string;
}


const Attachment = z.object({ filename: z.string().nullable(), contentType: z.string(), size: z.number().nullable() });
export type AttachmentNote = z.infer<typeof Attachment>;

/**
 * One inbound email as stored in the durable inbound queue: the raw MIME message when the provider sent
 * it (SendGrid raw mode, Mailgun `mime` routes), else the provider's parsed fields. MIME is parsed
 * by the inbound queue worker, never in the request.
 */
export const StoredEmail = z.object({
  v: z.literal(1),
  provider: EmailProvider,
  /** What this delivery was deduplicated by: the Message-ID, else a hash of its content. */
  id: z.string().optional(),
  /** Base64 of the RFC 5322 message. */
  mime: z.string().optional(),
  fields: z
    .object({
      from: z.string().optional(),
      subject: z.string().optional(),
      text: z.string().optional(),
      html: z.string().optional(),
      /** The provider's own quote-stripped reply (Mailgun stripped-text, Postmark StrippedTextReply). */
      strippedText: z.string().optional(),
      headers: z.array(z.tuple([z.string(), z.string()])).default([]),
    })
    .optional(),
  /** Attachments are never stored; what they were is noted for staff. */
  attachments: z.array(Attachment).default([]),
});
export type StoredEmail = z.infer<typeof StoredEmail>;

/** Stored with the conversation: where and how replies go. */
export const EmailReplyTo = z.object({
  email: z.string(),
  subject: z.string().nullable().default(null),
  messageId: z.string().nullable().default(null),
  references: z.array(z.string()).default([]),
  threadKey: z.string().nullable().default(null),
});
export type EmailReplyTo = z.infer<typeof EmailReplyTo>;
