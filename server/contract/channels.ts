import { z } from 'zod';
import { GUEST_CHANNELS, type Channel } from './conversations.js';

/**
 * The API contract of channel settings and the tunnel, shared by server and renderer: what staff
 * see of each channel (settings and which secrets are set, never the secrets). Only zod here.
 */

export const CHANNELS = GUEST_CHANNELS;
export const ChannelName = z.enum(CHANNELS);
export type ChannelName = z.infer<typeof ChannelName>;

/**
 * The last check of a channel's credentials against its provider: Connected, Credentials rejected
 * (the provider refused them) or Unreachable (no answer, or not a usable one), with when and why.
 */
export const CHECK_STATES = ['connected', 'rejected', 'unreachable'] as const;
export const ChannelCheck = z.object({ state: z.enum(CHECK_STATES), detail: z.string(), checkedAt: z.string() });
export type ChannelCheck = z.infer<typeof ChannelCheck>;
/** The channels whose credentials can be checked with their provider. */
export const CHECKABLE_CHANNELS = ['whatsapp', 'email'] as const satisfies readonly Exclude<Channel, 'test'>[];
export const CheckableChannel = z.enum(CHECKABLE_CHANNELS);
export type CheckableChannel = z.infer<typeof CheckableChannel>;

/** A channel as staff see it: settings and which secrets are set, never the secrets. */
export const ChannelSummary = z.object({
  channel: ChannelName,
  configured: z.boolean(),
  active: z.boolean(),
  /** WhatsApp phone-number id, inbound email address or widget key. */
  routingKey: z.string().nullable(),
  settings: z.record(z.string(), z.unknown()),
  secretsSet: z.array(z.string()),
  webhookUrl: z.string().nullable(),
  updatedAt: z.string().nullable(),
  /** The last credentials check (WhatsApp and email); null before the first. */
  check: ChannelCheck.nullable(),
});
export type ChannelSummary = z.infer<typeof ChannelSummary>;

export const EMAIL_PROVIDERS = ['sendgrid', 'mailgun', 'postmark'] as const;
export const EmailProvider = z.enum(EMAIL_PROVIDERS);
export type EmailProvider = z.infer<typeof EmailProvider>;

/** The email channel without secrets; a freshly generated SendGrid key is in the PUT's answer only. */
export const EmailChannelView = z.object({
  propertyId: z.string(),
  channel: z.literal('email'),
  provider: EmailProvider,
  inboundAddress: z.string(),
  fromAddress: z.string(),
  fromName: z.string().nullable(),
  sendVia: z.enum(['api', 'smtp']),
  smtpHost: z.string().nullable(),
  smtpPort: z.number().nullable(),
  smtpUser: z.string().nullable(),
  mailgunDomain: z.string().nullable(),
  active: z.boolean(),
  /** Names of the secrets that are set; their values are never returned. */
  secretsSet: z.array(z.string()),
  /** What to paste into the provider's inbound settings. */
  webhookUrl: z.string(),
  webhookNote: z.string(),
  updatedAt: z.string(),
});
export type EmailChannelView = z.infer<typeof EmailChannelView>;

/** The website chat's settings and the snippet to paste into the hotel's pages. */
export const WidgetChannelView = z.object({
  widgetKey: z.string(),
  snippet: z.string(),
  allowedOrigins: z.array(z.string()),
  title: z.string().nullable(),
  greeting: z.string().nullable(),
  color: z.string().nullable(),
  askContactBefore: z.boolean(),
});
export type WidgetChannelView = z.infer<typeof WidgetChannelView>;

export const TUNNEL_PROVIDERS = ['none', 'cloudflared', 'ngrok', 'command', 'manual'] as const;
export type TunnelProviderName = (typeof TUNNEL_PROVIDERS)[number];

/** The tunnel to the public listener: provider, state, public URL, last error, restarts. */
export const TunnelStatus = z.object({
  provider: z.enum(TUNNEL_PROVIDERS),
  state: z.enum(['starting', 'up', 'down', 'disabled']),
  /** The public https base URL guests and providers reach the public listener at. */
  url: z.string().nullable(),
  lastError: z.string().nullable(),
  /** How many times the tunnel was started again after it ended or failed. */
  restarts: z.number().int(),
  /** When the state last changed. */
  since: z.string(),
});
export type TunnelStatus = z.infer<typeof TunnelStatus>;
