import { z } from 'zod';
import { ValidationError } from '../../../shared/errors.js';
import { addresses, bareMessageId, decodeHeaderWords, header, parseHeaderText, rawHeaders, type HeaderList } from './email-content.js';
import type { AttachmentNote, EmailProvider, StoredEmail } from './email.schemas.js';

/** A form body as bytes: text fields are decoded later with the charset the provider names. */
export interface FormBody {
  fields: Map<string, Buffer>;
  files: { field: string; filename: string | null; contentType: string; size: number; content: Buffer | null }[];
}

/** One inbound email as a provider delivered it, before it is matched to a hotel. */
export interface Delivery {
  provider: EmailProvider;
  /** Candidate inbound addresses, most specific first (envelope recipient before headers). */
  recipients: string[];
  messageId: string | null;
  stored: StoredEmail;
}

function decode(buf: Buffer | undefined, charset: string | undefined): string | undefined {
  if (!buf) return undefined;
  try {
    return new TextDecoder(charset?.trim() || 'utf-8').decode(buf);
  } catch {
    return new TextDecoder('utf-8').decode(buf);
  }
}

function parseJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function unique(list: string[]): string[] {
  return [...new Set(list.map((a) => a.trim().toLowerCase()).filter(Boolean))];
}

const Charsets = z.record(z.string(), z.string());
const Envelope = z.object({ to: z.array(z.string()).default([]) }).loose();

/**
 * SendGrid Inbound Parse: multipart form, either with the raw message in `email` ("POST the raw,
 * full MIME message") or with parsed fields whose charsets are named in the `charsets` JSON.
 * Routing uses the envelope recipient, not the To header (REFERENCE 2.1).
 */
export function sendgridDelivery(form: FormBody): Delivery {
  const charsets = Charsets.safeParse(parseJson(decode(form.fields.get('charsets'), 'utf-8'))).data ?? {};
  const text = (name: string) => decode(form.fields.get(name), charsets[name]);
  const envelope = Envelope.safeParse(parseJson(text('envelope'))).data;
  const recipients = unique([...(envelope?.to ?? []), ...addresses(text('to')), ...addresses(text('cc'))]);
  const raw = form.fields.get('email') ?? form.files.find((f) => f.field === 'email')?.content ?? undefined;
  if (raw && raw.length > 0) {
    return { provider: 'sendgrid', recipients, messageId: bareMessageId(header(rawHeaders(raw), 'message-id')), stored: { v: 1, provider: 'sendgrid', mime: raw.toString('base64'), attachments: [] } };
  }
  const headers = parseHeaderText(text('headers') ?? '');
  const from = text('from');
  const subject = text('subject');
  const stored: StoredEmail = {
    v: 1,
    provider: 'sendgrid',
    fields: {
      headers,
      ...(from !== undefined ? { from: decodeHeaderWords(from) } : {}),
      ...(subject !== undefined ? { subject: decodeHeaderWords(subject) } : {}),
      ...optional('text', text('text')),
      ...optional('html', text('html')),
    },
    attachments: fileNotes(form, (f) => /^attachment\d+$/.test(f)),
  };
  return { provider: 'sendgrid', recipients, messageId: bareMessageId(header(headers, 'message-id')), stored };
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined || value === '' ? {} : ({ [key]: value } as Record<K, string>);
}

function fileNotes(form: FormBody, isAttachment: (field: string) => boolean): AttachmentNote[] {
  return form.files.filter((f) => isAttachment(f.field)).map((f) => ({ filename: f.filename, contentType: f.contentType, size: f.size }));
}

interface MailgunSignature {
  timestamp: string;
  token: string;
  signature: string;
}

/**
 * Mailgun routes (`forward()`): form-urlencoded or multipart; `body-mime` when the route URL
 * ends in `mime`. Headers come as the `message-headers` JSON list. Signature fields are returned
 * for verification against the hotel's signing key.
 */
export function mailgunDelivery(form: FormBody): { delivery: Delivery; signature: MailgunSignature } {
  const text = (name: string) => decode(form.fields.get(name), 'utf-8');
  const signature = { timestamp: text('timestamp') ?? '', token: text('token') ?? '', signature: (text('signature') ?? '').toLowerCase() };
  const recipients = unique([...addresses(text('recipient')), ...addresses(text('To')), ...addresses(text('to'))]);
  const raw = form.fields.get('body-mime') ?? form.files.find((f) => f.field === 'body-mime')?.content ?? undefined;
  if (raw && raw.length > 0) {
    return {
      delivery: { provider: 'mailgun', recipients, messageId: bareMessageId(header(rawHeaders(raw), 'message-id')), stored: { v: 1, provider: 'mailgun', mime: raw.toString('base64'), attachments: [] } },
      signature,
    };
  }
  const listed = z.array(z.tuple([z.string(), z.string()])).safeParse(parseJson(text('message-headers'))).data ?? [];
  const headers: HeaderList = [...listed];
  for (const name of ['Message-Id', 'In-Reply-To', 'References', 'Reply-To']) {
    const v = text(name);
    if (v && !header(headers, name)) headers.push([name, v]);
  }
  const stored: StoredEmail = {
    v: 1,
    provider: 'mailgun',
    fields: {
      headers,
      ...optional('from', text('from') ?? text('From')),
      ...optional('subject', text('subject') ?? text('Subject')),
      ...optional('text', text('body-plain')),
      ...optional('html', text('body-html')),
      ...optional('strippedText', text('stripped-text')),
    },
    attachments: fileNotes(form, (f) => /^attachment-\d+$/.test(f)),
  };
  return { delivery: { provider: 'mailgun', recipients, messageId: bareMessageId(header(headers, 'message-id')), stored }, signature };
}

const PostmarkAddress = z.object({ Email: z.string().default(''), Name: z.string().nullish() }).loose();
/** The fields of Postmark's inbound webhook that Nocturn reads (postmark npm `InboundWebhook`). */
const PostmarkInbound = z
  .object({
    From: z.string().nullish(),
    FromName: z.string().nullish(),
    FromFull: PostmarkAddress.nullish(),
    To: z.string().nullish(),
    ToFull: z.array(PostmarkAddress).nullish(),
    CcFull: z.array(PostmarkAddress).nullish(),
    BccFull: z.array(PostmarkAddress).nullish(),
    OriginalRecipient: z.string().nullish(),
    ReplyTo: z.string().nullish(),
    Subject: z.string().nullish(),
    MessageID: z.string().nullish(),
    TextBody: z.string().nullish(),
    HtmlBody: z.string().nullish(),
    StrippedTextReply: z.string().nullish(),
    Headers: z.array(z.object({ Name: z.string(), Value: z.string() })).nullish(),
    Attachments: z.array(z.object({ Name: z.string().nullish(), ContentType: z.string().nullish(), ContentLength: z.number().nullish() }).loose()).nullish(),
  })
  .loose();

/** Postmark inbound: JSON with the message already parsed; attachment contents are dropped. */
export function postmarkDelivery(body: unknown): Delivery {
  const parsed = PostmarkInbound.safeParse(body);
  if (!parsed.success) throw new ValidationError('This is not a Postmark inbound message');
  const p = parsed.data;
  const headers: HeaderList = (p.Headers ?? []).map((h) => [h.Name, h.Value]);
  if (p.ReplyTo && !header(headers, 'reply-to')) headers.push(['Reply-To', p.ReplyTo]);
  const fromFull = p.FromFull?.Email ? `"${(p.FromFull.Name ?? p.FromName ?? '').replace(/"/g, '')}" <${p.FromFull.Email}>` : (p.From ?? undefined);
  const recipients = unique([
    ...(p.OriginalRecipient ? [p.OriginalRecipient] : []),
    ...(p.ToFull ?? []).map((a) => a.Email),
    ...addresses(p.To),
    ...(p.CcFull ?? []).map((a) => a.Email),
    ...(p.BccFull ?? []).map((a) => a.Email),
  ]);
  const stored: StoredEmail = {
    v: 1,
    provider: 'postmark',
    fields: {
      headers,
      ...optional('from', fromFull),
      ...optional('subject', p.Subject ?? undefined),
      ...optional('text', p.TextBody ?? undefined),
      ...optional('html', p.HtmlBody ?? undefined),
      ...optional('strippedText', p.StrippedTextReply ?? undefined),
    },
    attachments: (p.Attachments ?? []).map((a) => ({ filename: a.Name ?? null, contentType: a.ContentType ?? 'application/octet-stream', size: a.ContentLength ?? null })),
  };
  // Postmark's MessageID is its own id; the sender's Message-ID header is what threads.
  const messageId = bareMessageId(header(headers, 'message-id')) ?? (p.MessageID ? `postmark.${p.MessageID}` : null);
  return { provider: 'postmark', recipients, messageId, stored };
}
