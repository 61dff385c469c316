import { z } from 'zod';
import { MAX_GUEST_CHARS } from '../../../shared/guest-text.js';

/** Widget keys are issued by the server; session and message ids are made by the guest's browser. */
export const WIDGET_KEY = /^wk_[A-Za-z0-9_-]{32}$/;
export const SESSION_ID = /^ws_[A-Za-z0-9_-]{32}$/;
const CLIENT_MESSAGE_ID = /^[A-Za-z0-9_-]{8,64}$/;
/** The guest text limit (C5), which the widget enforces on what a guest may send, counted in code points. */
export const MAX_WIDGET_TEXT = MAX_GUEST_CHARS;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * An exact web origin a hotel may embed the widget on: https (plain http only on loopback, for a
 * staging copy of the site on the same machine), no wildcard, no path. Returned normalised
 * (`https://www.hotel.com`), which is what browsers send in `Origin`.
 */
function parseOrigin(raw: string): string | null {
  if (raw.includes('*')) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  if (!secure || url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) return null;
  if (raw.replace(/\/$/, '').toLowerCase() !== url.origin.toLowerCase()) return null;
  return url.origin;
}

const Origin = z
  .string()
  .trim()
  .max(200)
  .transform((v, ctx) => {
    const origin = parseOrigin(v);
    if (!origin) {
      ctx.addIssue({ code: 'custom', message: `"${v.slice(0, 80)}" is not an allowed origin: use the site's https address such as https://www.hotel.com, without a path or wildcards` });
      return z.NEVER;
    }
    return origin;
  });

const Color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'use a hex colour such as #1f4e79');

/** What is stored in the binding's settings. */
export const WidgetSettings = z.object({
  allowedOrigins: z.array(z.string()),
  title: z.string().optional(),
  greeting: z.string().optional(),
  color: z.string().optional(),
  askContactBefore: z.boolean().optional(),
  /** The key before the last rotation, accepted until `previousKeyValidUntil`. */
  previousKey: z.string().optional(),
  previousKeyValidUntil: z.string().optional(),
});
export type WidgetSettings = z.infer<typeof WidgetSettings>;

export const PutWidgetChannel = z
  .object({
    allowedOrigins: z
      .array(Origin)
      .min(1, 'list at least one website origin')
      .max(20)
      .transform((list) => [...new Set(list)]),
    title: z.string().trim().min(1).max(60).optional(),
    greeting: z.string().trim().min(1).max(300).optional(),
    color: Color.optional(),
    askContactBefore: z.boolean().optional(),
    /** Issue a new key (the old snippet stops working). */
    rotateKey: z.boolean().optional(),
  })
  .strict();
export type PutWidgetChannel = z.infer<typeof PutWidgetChannel>;

export { WidgetChannelView } from '../../../contract/channels.js';

/** Blank form fields count as not given. */
const optionalText = (schema: z.ZodType<string>) => z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

const Contact = {
  name: optionalText(z.string().trim().max(100)),
  email: optionalText(z.string().trim().max(200).pipe(z.email('that does not look like an email address'))),
  phone: optionalText(
    z
      .string()
      .trim()
      .max(40)
      .regex(/^\+?[\d\s().-]{6,}$/, 'that does not look like a phone number'),
  ),
};

const Session = z.string().regex(SESSION_ID, 'not a widget session id');

export const PostWidgetMessage = z
  .object({
    key: z.string(),
    sessionId: Session,
    clientMessageId: z.string().regex(CLIENT_MESSAGE_ID, 'not a message id'),
    text: z.string(),
    ...Contact,
  })
  .strict();
export type PostWidgetMessage = z.infer<typeof PostWidgetMessage>;

export const PostWidgetContact = z
  .object({
    key: z.string(),
    sessionId: Session,
    clientRequestId: z.string().regex(CLIENT_MESSAGE_ID, 'not a request id'),
    ...Contact,
  })
  .strict();
export type PostWidgetContact = z.infer<typeof PostWidgetContact>;

export const PostWidgetFeedback = z
  .object({
    key: z.string(),
    sessionId: Session,
    messageId: z.string().min(1).max(64),
    helpful: z.boolean(),
  })
  .strict();
export type PostWidgetFeedback = z.infer<typeof PostWidgetFeedback>;

export const SessionQuery = z.object({ key: z.string(), session: Session });

/** What the inbound queue stores for one widget event (parsed again before the worker uses it). */
export const WidgetInboundEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('message'),
    sessionId: Session,
    clientMessageId: z.string(),
    text: z.string(),
    name: z.string().optional(),
    email: z.string().optional(),
    phone: z.string().optional(),
  }),
  z.object({
    type: z.literal('contact'),
    sessionId: Session,
    name: z.string().optional(),
    email: z.string().optional(),
    phone: z.string().optional(),
  }),
]);
export type WidgetInboundEvent = z.infer<typeof WidgetInboundEvent>;

/** One message as the guest's widget shows it. */
export interface WidgetMessage {
  id: string;
  role: 'guest' | 'assistant' | 'staff';
  text: string;
  createdAt: string;
  /** The browser's id for a guest message, so it can match its own optimistic copy. */
  clientMessageId: string | null;
  /** The guest's "Was this helpful?" answer on an AI reply. */
  feedback: 'up' | 'down' | null;
  rateable: boolean;
}
