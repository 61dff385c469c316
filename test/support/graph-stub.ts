import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Meta on loopback, both directions (REFERENCE.md §1):
 * - a stand-in for the Graph API that records every POST /<version>/<phone-number-id>/messages and
 *   answers like Meta does: `{messaging_product, contacts, messages:[{id:"wamid..."}]}` or the
 *   Graph error envelope `{error:{message,type,code,error_data,fbtrace_id}}`;
 * - a credentials check: GET /<version>/<phone-number-id>?fields=… answers the phone number (or the
 *   scripted error, e.g. 401 code 190 for a bad token);
 * - media: GET /<version>/<media-id> answers `{messaging_product, url, mime_type, sha256, file_size, id}`
 *   and GET of that url (with the same Bearer token) answers the file;
 * - helpers that build and sign webhook notifications the way Meta sends them.
 */

export interface GraphRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
  /** The status this stub answered with. */
  status: number;
  /** The wamid returned, for successful sends. */
  wamid?: string;
}

export type GraphAnswer =
  | { kind: 'ok' }
  /** A Graph error: HTTP status plus the Graph error code. */
  | { kind: 'error'; status: number; code?: number; message?: string; retryAfterSeconds?: number }
  /** A bare server error without a Graph envelope. */
  | { kind: 'status'; status: number };

export interface GraphStub {
  /** API base including the version, as NOCTURN_WHATSAPP_API_BASE takes it. */
  url: string;
  requests: GraphRequest[];
  /** Sends answered 200 (what reached the guest). */
  delivered(): GraphRequest[];
  /** Answers for the next requests, in order, before the default. */
  once(...answers: GraphAnswer[]): void;
  behave(answer: GraphAnswer): void;
  /** Read receipts and typing indicators (POSTs with `status: "read"`), kept apart from sends. */
  receipts: { path: string; messageId: string; typing: boolean }[];
  /** Makes a file downloadable under a media id (`sha256` overrides the hash Meta would report). */
  addMedia(id: string, bytes: Buffer, mimeType: string, opts?: { sha256?: string }): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startGraphStub(version = 'v24.0'): Promise<GraphStub> {
  const requests: GraphRequest[] = [];
  const queue: GraphAnswer[] = [];
  let fallback: GraphAnswer = { kind: 'ok' };
  let n = 0;
  const receipts: GraphStub['receipts'] = [];
  const media = new Map<string, { bytes: Buffer; mimeType: string; sha256: string }>();
  let origin = '';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        body = {};
      }
      if (req.method === 'POST' && body.status === 'read') {
        // Mark-as-read (with an optional typing indicator) answers {success: true} and sends nothing.
        receipts.push({ path: req.url ?? '', messageId: String(body.message_id ?? ''), typing: body.typing_indicator !== undefined });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ success: true }));
        return;
      }
      const record: GraphRequest = { method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization, body, status: 0 };
      requests.push(record);
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        record.status = status;
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(payload));
      };
      if (req.method === 'GET') {
        if (!req.headers.authorization?.startsWith('Bearer ')) {
          send(401, { error: { message: 'An access token is required to request this resource.', type: 'OAuthException', code: 104, fbtrace_id: 'stub' } });
          return;
        }
        // GET /<version>/<phone-number-id>?fields=...: the phone number as the token sees it (a credentials check).
        const phone = new RegExp(`^/${version}/([^/?]+)\\?fields=`).exec(req.url ?? '');
        if (phone) {
          const answer = queue.shift() ?? fallback;
          if (answer.kind === 'ok') send(200, { display_phone_number: '+1 555-078-3881', verified_name: 'Stub Hotel', quality_rating: 'GREEN', id: decodeURIComponent(phone[1]!) });
          else if (answer.kind === 'error') send(answer.status, { error: { message: answer.message ?? `(#${answer.code}) error`, type: 'OAuthException', code: answer.code, fbtrace_id: 'stub' } });
          else send(answer.status, { message: 'Internal Server Error' });
          return;
        }
        const file = /^\/files\/([^/?]+)/.exec(req.url ?? '');
        const info = new RegExp(`^/${version}/([^/?]+)$`).exec(req.url ?? '');
        const found = media.get(decodeURIComponent((file ?? info)?.[1] ?? ''));
        if (!found) {
          send(404, { error: { message: 'Unsupported get request.', type: 'GraphMethodException', code: 100, fbtrace_id: 'stub' } });
        } else if (file) {
          record.status = 200;
          res.writeHead(200, { 'content-type': found.mimeType, 'content-length': String(found.bytes.length) });
          res.end(found.bytes);
        } else {
          const id = info![1]!;
          send(200, { messaging_product: 'whatsapp', url: `${origin}/files/${id}?sig=stub`, mime_type: found.mimeType, sha256: found.sha256, file_size: found.bytes.length, id });
        }
        return;
      }
      if (req.method !== 'POST' || !new RegExp(`^/${version}/[^/]+/messages$`).test(req.url ?? '')) {
        send(400, { error: { message: 'Unsupported post request.', type: 'GraphMethodException', code: 100, fbtrace_id: 'stub' } });
        return;
      }
      if (!req.headers.authorization?.startsWith('Bearer ')) {
        send(401, { error: { message: 'An access token is required to request this resource.', type: 'OAuthException', code: 104, fbtrace_id: 'stub' } });
        return;
      }
      const answer = queue.shift() ?? fallback;
      if (answer.kind === 'ok') {
        const wamid = `wamid.stub${++n}`;
        record.wamid = wamid;
        const to = String(body.to ?? '');
        send(200, { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id: wamid, message_status: 'accepted' }] });
      } else if (answer.kind === 'error') {
        send(
          answer.status,
          { error: { message: answer.message ?? `(#${answer.code}) error`, type: 'OAuthException', code: answer.code, error_data: { messaging_product: 'whatsapp', details: answer.message ?? 'stub error' }, fbtrace_id: 'stub' } },
          answer.retryAfterSeconds ? { 'retry-after': String(answer.retryAfterSeconds) } : {},
        );
      } else {
        send(answer.status, { message: 'Internal Server Error' });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: `http://127.0.0.1:${port}/${version}`,
    requests,
    receipts,
    delivered: () => requests.filter((r) => r.method === 'POST' && r.status === 200),
    once: (...answers) => queue.push(...answers),
    behave: (answer) => {
      fallback = answer;
    },
    addMedia: (id, bytes, mimeType, opts = {}) => {
      media.set(id, { bytes, mimeType, sha256: opts.sha256 ?? createHash('sha256').update(bytes).digest('hex') });
    },
    reset: () => {
      requests.length = 0;
      receipts.length = 0;
      queue.length = 0;
      fallback = { kind: 'ok' };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---- Meta's side of the webhook ------------------------------------------------------------

/** `X-Hub-Signature-256` as Meta computes it: HMAC-SHA256 of the exact bytes, keyed with the app secret. */
export function signature(appSecret: string, bytes: Buffer | string): string {
  return `sha256=${createHmac('sha256', appSecret).update(bytes).digest('hex')}`;
}

/** POSTs a notification to the public listener; `appSecret: null` sends no signature. */
export async function postWebhook(publicUrl: string, bytes: Buffer | string, appSecret: string | null, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${publicUrl}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(appSecret === null ? {} : { 'x-hub-signature-256': signature(appSecret, bytes) }), ...headers },
    body: typeof bytes === 'string' ? bytes : new Uint8Array(bytes),
  });
}

let seq = 0;

/** A realistic inbound message notification (shape of Meta's verbatim example, REFERENCE.md §1.3). */
export function messageWebhook(o: {
  phoneNumberId: string;
  waId: string;
  name?: string;
  wamid?: string;
  at?: Date;
  /** The message body by type; defaults to a text message. */
  message?: Record<string, unknown>;
  text?: string;
}): { body: string; wamid: string } {
  const wamid = o.wamid ?? `wamid.test.${Date.now()}.${++seq}`;
  const message = o.message ?? { type: 'text', text: { body: o.text ?? 'Hello' } };
  const body = {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: o.phoneNumberId },
              contacts: [{ profile: { name: o.name ?? 'Sheena Nelson' }, wa_id: o.waId }],
              messages: [{ from: o.waId, id: wamid, timestamp: String(Math.floor((o.at ?? new Date()).getTime() / 1000)), ...message }],
            },
            field: 'messages',
          },
        ],
      },
    ],
  };
  return { body: JSON.stringify(body), wamid };
}

/** A status notification for a message the business sent (REFERENCE.md §1.5). */
export function statusWebhook(o: { phoneNumberId: string; wamid: string; status: string; recipient: string; at?: Date; errors?: unknown[] }): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: o.phoneNumberId },
              statuses: [
                {
                  id: o.wamid,
                  status: o.status,
                  timestamp: String(Math.floor((o.at ?? new Date()).getTime() / 1000)),
                  recipient_id: o.recipient,
                  ...(o.errors ? { errors: o.errors } : {}),
                },
              ],
            },
            field: 'messages',
          },
        ],
      },
    ],
  });
}
