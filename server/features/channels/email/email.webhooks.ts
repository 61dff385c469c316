import busboy from 'busboy';
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { clientAddress } from '../../../http/client-address.js';
import { nextTurn } from '../../../shared/event-loop.js';
import { ForbiddenError, PayloadTooLargeError, UnauthorizedError, UnsupportedMediaError, ValidationError } from '../../../shared/errors.js';
import type { FormBody } from './email-providers.js';
import { UNSUBSCRIBE_PATH } from './email.sender.js';
import { NOT_TAKEN, type EmailChannelService, type UnsubscribeLink, type WebhookReceipt } from './email.service.js';
import type { EmailProvider } from './email.schemas.js';

/** Largest inbound email accepted (providers cap near 25-30 MB); attachment bytes are counted, never kept. */
const EMAIL_WEBHOOK_LIMIT_BYTES = 25 * 1024 * 1024;

/** Fields whose bytes are kept even when sent as a file part (the raw message). */
const RAW_FIELDS = new Set(['email', 'body-mime']);

function tooLarge(req: Request, maxBytes: number): boolean {
  const length = Number(req.get('content-length') ?? '0');
  return Number.isFinite(length) && length > maxBytes;
}

/** Reads a body up to the limit. */
async function readBody(req: Request, maxBytes: number): Promise<Buffer> {
  if (tooLarge(req, maxBytes)) throw new PayloadTooLargeError();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new PayloadTooLargeError();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * multipart/form-data as bytes. Fields are read as latin1 (byte-preserving) so a raw message in
 * any charset survives, and text fields can be decoded with the charset the provider names.
 */
function readMultipart(req: Request, maxBytes: number): Promise<FormBody> {
  if (tooLarge(req, maxBytes)) return Promise.reject(new PayloadTooLargeError());
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, defCharset: 'latin1', defParamCharset: 'utf8', limits: { fieldSize: maxBytes, fileSize: maxBytes, fields: 500, files: 100, parts: 600 } });
    } catch {
      reject(new ValidationError('Malformed multipart body'));
      return;
    }
    const body: FormBody = { fields: new Map(), files: [] };
    let total = 0;
    let failed: Error | undefined;
    const count = (n: number) => {
      total += n;
      if (total > maxBytes) failed ??= new PayloadTooLargeError();
    };
    bb.on('field', (name, value, info) => {
      if (info.valueTruncated) failed ??= new PayloadTooLargeError();
      const bytes = Buffer.from(value, 'latin1');
      count(bytes.length);
      body.fields.set(name, bytes);
    });
    bb.on('file', (name, stream, info) => {
      const keep = RAW_FIELDS.has(name);
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        count(chunk.length);
        if (keep && !failed) chunks.push(chunk);
      });
      stream.on('limit', () => (failed ??= new PayloadTooLargeError()));
      stream.on('end', () => {
        body.files.push({ field: name, filename: info.filename ?? null, contentType: info.mimeType, size, content: keep ? Buffer.concat(chunks) : null });
      });
    });
    bb.on('error', () => reject(failed ?? new ValidationError('Malformed multipart body')));
    bb.on('close', () => (failed ? reject(failed) : resolve(body)));
    // A provider that hangs up mid-body gets no answer; the promise must still settle.
    req.on('close', () => {
      if (!req.complete) reject(new ValidationError('The request was aborted'));
    });
    req.pipe(bb);
  });
}

async function readForm(req: Request, maxBytes: number): Promise<FormBody> {
  if (req.is('multipart/form-data')) return readMultipart(req, maxBytes);
  if (req.is('application/x-www-form-urlencoded')) {
    const params = new URLSearchParams((await readBody(req, maxBytes)).toString('utf8'));
    const fields = new Map<string, Buffer>();
    for (const [k, v] of params) fields.set(k, Buffer.from(v, 'utf8'));
    return { fields, files: [] };
  }
  throw new UnsupportedMediaError('Expected multipart/form-data or application/x-www-form-urlencoded');
}

/** The link's query: ids and a base64url signature, bounded. */
const UnsubscribeQuery = z.object({
  p: z.string().min(1).max(100),
  g: z.string().min(1).max(100),
  t: z.string().min(1).max(100),
});

function unsubscribeLink(req: Request): UnsubscribeLink {
  const q = UnsubscribeQuery.safeParse(req.query);
  if (!q.success) throw new ValidationError('This unsubscribe link is incomplete');
  return { property: q.data.p, guest: q.data.g, token: q.data.t };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A small page for the guest's browser; no script, no outside resources. */
function page(res: Response, title: string, body: string): void {
  res
    .status(200)
    .type('html')
    .setHeader('Cache-Control', 'no-store')
    .send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head><body style="font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.5"><h1 style="font-size:1.4rem">${escapeHtml(title)}</h1>${body}</body></html>`);
}

function answer(res: Response, receipt: WebhookReceipt): void {
  res.status(200).json(receipt);
}

/**
 * The public listener's email webhooks. Each authenticates the provider (A1), stores the event
 * durably and answers 200 only then (D5). An address bound to no hotel (A2) and a request that
 * fails authentication (wrong provider, key, signature, password) get the same answer, and cost
 * the sender's address a token: past its allowance, 429. Nothing is parsed beyond what routing
 * and authentication need.
 */
export function emailWebhooks(email: EmailChannelService, opts: { maxBytes?: number } = {}): Router {
  const maxBytes = opts.maxBytes ?? EMAIL_WEBHOOK_LIMIT_BYTES;
  const router = express.Router();

  const receive = (provider: EmailProvider, take: (req: Request) => Promise<WebhookReceipt>) => async (req: Request, res: Response) => {
    const address = clientAddress(req);
    email.admit(address);
    let receipt: WebhookReceipt;
    try {
      receipt = await take(req);
    } catch (err) {
      if (!(err instanceof UnauthorizedError || err instanceof ForbiddenError)) throw err;
      receipt = email.notTaken(address, provider, err.message);
    }
    if (receipt.status === 'unmatched' && receipt !== NOT_TAKEN) receipt = email.notTaken(address, provider, 'address bound to no hotel');
    answer(res, receipt);
  };

  // SendGrid Inbound Parse (unsigned): the per-hotel key travels in the query string, which the request log leaves out.
  router.post(
    '/webhooks/email/sendgrid',
    receive('sendgrid', async (req) => {
      if (!req.is('multipart/form-data')) throw new UnsupportedMediaError('SendGrid Inbound Parse posts multipart/form-data');
      const form = await readMultipart(req, maxBytes);
      await nextTurn();
      return email.receiveSendGrid(form, typeof req.query.key === 'string' ? req.query.key : undefined);
    }),
  );

  // Mailgun routes: forward("…/mailgun") posts parsed fields, forward("…/mailgun/mime") the raw message.
  router.post(
    ['/webhooks/email/mailgun', '/webhooks/email/mailgun/mime'],
    receive('mailgun', async (req) => {
      const form = await readForm(req, maxBytes);
      await nextTurn();
      return email.receiveMailgun(form);
    }),
  );

  // Postmark inbound: JSON, HTTP basic auth credentials in the webhook URL.
  router.post(
    '/webhooks/email/postmark',
    receive('postmark', async (req) => {
      if (!req.is('application/json')) throw new UnsupportedMediaError('Postmark posts application/json');
      const raw = await readBody(req, maxBytes);
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new ValidationError('The request body is not valid JSON');
      }
      // Parsing a large body and storing it are two turns of the event loop: other requests are served in between.
      await nextTurn();
      return email.receivePostmark(body, req.get('authorization'));
    }),
  );

  // One-click unsubscribe (RFC 8058). GET only shows a page with a button, because mail scanners
  // follow links; the POST, from that button or from the mail client, opts the guest out.
  router.get(UNSUBSCRIBE_PATH, (req, res) => {
    const link = unsubscribeLink(req);
    const { hotel } = email.unsubscribePage(link);
    const action = `${UNSUBSCRIBE_PATH}?${new URLSearchParams({ p: link.property, g: link.guest, t: link.token }).toString()}`;
    page(
      res,
      `Unsubscribe from ${hotel}`,
      `<p>${escapeHtml(hotel)} will send you no more messages. You can still write to them at any time.</p><form method="post" action="${escapeHtml(action)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
    );
  });

  router.post(UNSUBSCRIBE_PATH, (req, res) => {
    const { hotel } = email.unsubscribe(unsubscribeLink(req));
    // The body ("List-Unsubscribe=One-Click") carries nothing more; it is not read.
    page(res, 'You are unsubscribed', `<p>${escapeHtml(hotel)} will send you no more messages. If you write to them, they will still answer.</p>`);
  });

  return router;
}
