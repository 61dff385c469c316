import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

/** One request a provider stand-in received. */
export interface ProviderRequest {
  provider: 'sendgrid' | 'mailgun' | 'postmark' | 'unknown';
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface ScriptedAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * Stands in for the SendGrid, Mailgun and Postmark sending APIs on loopback, speaking their wire
 * formats (paths, auth headers, success bodies). Answers can be scripted: queued answers are used
 * first, then each provider's normal success.
 */
export interface EmailProviderStub {
  url: string;
  requests: ProviderRequest[];
  /** Answers for the next requests, in order. */
  script(...answers: ScriptedAnswer[]): void;
  close(): Promise<void>;
}

function providerOf(path: string): ProviderRequest['provider'] {
  if (path === '/v3/mail/send' || path === '/v3/scopes') return 'sendgrid';
  if (/^\/v3\/[^/]+\/messages$/.test(path) || /^\/v3\/domains\/[^/]+$/.test(path)) return 'mailgun';
  if (path === '/email' || path === '/server') return 'postmark';
  return 'unknown';
}

/** What each provider answers a credentials check (GET of the key's scopes, the domain, the server). */
function checkSuccess(path: string): ScriptedAnswer | undefined {
  if (path === '/v3/scopes') return { status: 200, body: { scopes: ['mail.send'] } };
  const domain = /^\/v3\/domains\/([^/]+)$/.exec(path);
  if (domain) return { status: 200, body: { domain: { name: decodeURIComponent(domain[1]!), state: 'active' } } };
  if (path === '/server') return { status: 200, body: { ID: 1, Name: 'Stub server' } };
  return undefined;
}

function success(provider: ProviderRequest['provider']): ScriptedAnswer {
  switch (provider) {
    case 'sendgrid':
      return { status: 202, headers: { 'x-message-id': `sg-${randomUUID()}` } };
    case 'mailgun':
      return { status: 200, body: { id: `<${randomUUID()}@mg.example.test>`, message: 'Queued. Thank you.' } };
    case 'postmark':
      return { status: 200, body: { To: 'x', SubmittedAt: new Date().toISOString(), MessageID: randomUUID(), ErrorCode: 0, Message: 'OK' } };
    default:
      return { status: 404, body: { message: 'not found' } };
  }
}

export async function startEmailProviderStub(): Promise<EmailProviderStub> {
  const requests: ProviderRequest[] = [];
  const queue: ScriptedAnswer[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      const provider = providerOf(path);
      requests.push({ provider, method: req.method ?? 'GET', path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const answer = queue.shift() ?? (req.method === 'GET' ? checkSuccess(path) : undefined) ?? success(provider);
      res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.headers ?? {}) });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...answers) => queue.push(...answers),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** One message an SMTP stand-in accepted. */
export interface SmtpMessage {
  from: string;
  to: string[];
  data: string;
}

export interface SmtpStub {
  port: number;
  messages: SmtpMessage[];
  /** SMTP reply to RCPT TO, e.g. '550 5.1.1 No such user' (default 250). */
  rcptReply: string;
  /** SMTP reply to AUTH, e.g. '535 5.7.8 Authentication credentials invalid' (default 235). */
  authReply: string;
  close(): Promise<void>;
}

/** A minimal SMTP server (RFC 5321 happy path plus AUTH PLAIN) for nodemailer to talk to. */
export async function startSmtpStub(): Promise<SmtpStub> {
  const messages: SmtpMessage[] = [];
  const sockets = new Set<net.Socket>();
  const stub: SmtpStub = { port: 0, messages, rcptReply: '250 2.1.5 OK', authReply: '235 2.7.0 Authentication successful', close: async () => undefined };
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setEncoding('utf8');
    let buffer = '';
    let inData = false;
    let current: SmtpMessage = { from: '', to: [], data: '' };
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply('220 stub.test ESMTP ready');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          current.data = buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          inData = false;
          messages.push(current);
          current = { from: '', to: [], data: '' };
          reply('250 2.0.0 queued');
          continue;
        }
        const nl = buffer.indexOf('\r\n');
        if (nl < 0) return;
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        const verb = line.split(' ')[0]!.toUpperCase();
        if (verb === 'EHLO') reply('250-stub.test\r\n250-AUTH PLAIN\r\n250 8BITMIME');
        else if (verb === 'HELO') reply('250 stub.test');
        else if (verb === 'AUTH') reply(stub.authReply);
        else if (verb === 'MAIL') {
          current.from = line.slice(10);
          reply('250 2.1.0 OK');
        } else if (verb === 'RCPT') {
          if (stub.rcptReply.startsWith('2')) current.to.push(line.slice(8));
          reply(stub.rcptReply);
        } else if (verb === 'DATA') {
          inData = true;
          reply('354 End data with <CR><LF>.<CR><LF>');
        } else if (verb === 'RSET') reply('250 2.0.0 OK');
        else if (verb === 'QUIT') {
          reply('221 2.0.0 Bye');
          socket.end();
        } else reply('502 5.5.2 Command not recognised');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stub.port = (server.address() as AddressInfo).port;
  stub.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return stub;
}

// ---------------------------------------------------------------------------------------------
// What the providers POST to Nocturn, built from a raw .eml the way each provider would.

export interface FormPart {
  name: string;
  value: string | Buffer;
  filename?: string;
  contentType?: string;
}

/** A multipart/form-data body with byte-exact values (raw messages keep their 8-bit charset). */
export function multipart(parts: FormPart[]): { body: Buffer; contentType: string } {
  const boundary = `----nocturn-test-${randomUUID()}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
    const head = `--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.contentType ? `Content-Type: ${p.contentType}\r\n` : ''}\r\n`;
    chunks.push(Buffer.from(head, 'utf8'), Buffer.isBuffer(p.value) ? p.value : Buffer.from(p.value, 'utf8'), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The header section of a raw message, as text (bytes kept as latin1). */
export function headerSection(raw: Buffer): string {
  const text = raw.toString('latin1');
  const m = /\r?\n\r?\n/.exec(text);
  return m ? text.slice(0, m.index) : text;
}

/** The body of a single-part raw message, as bytes. */
export function bodyBytes(raw: Buffer): Buffer {
  const text = raw.toString('latin1');
  const m = /\r?\n\r?\n/.exec(text);
  return m ? raw.subarray(m.index + m[0].length) : Buffer.alloc(0);
}

/** SendGrid Inbound Parse with "POST the raw, full MIME message" on. */
export function sendgridRawParts(raw: Buffer, to: string, from = 'guest@example.net'): FormPart[] {
  return [
    { name: 'dkim', value: '{@example.net : pass}' },
    { name: 'email', value: raw },
    { name: 'to', value: to },
    { name: 'from', value: from },
    { name: 'subject', value: 'ignored in raw mode' },
    { name: 'sender_ip', value: '192.0.2.10' },
    { name: 'spam_score', value: '0.1' },
    { name: 'envelope', value: JSON.stringify({ to: [to], from }) },
    { name: 'charsets', value: JSON.stringify({ to: 'UTF-8', from: 'UTF-8', subject: 'UTF-8' }) },
    { name: 'SPF', value: 'pass' },
  ];
}

export interface ParsedMail {
  headers: string;
  from: string;
  subject: string;
  text?: string | Buffer | undefined;
  textCharset?: string;
  html?: string | undefined;
  attachments?: { filename: string; contentType: string; content: Buffer }[];
}

/** SendGrid Inbound Parse default mode: parsed fields, charsets named in `charsets`, files attachment1..N. */
export function sendgridParsedParts(mail: ParsedMail, to: string): FormPart[] {
  const attachments = mail.attachments ?? [];
  const charsets: Record<string, string> = { to: 'UTF-8', from: 'UTF-8', subject: 'UTF-8', html: 'UTF-8', text: mail.textCharset ?? 'UTF-8' };
  return [
    { name: 'headers', value: mail.headers },
    { name: 'dkim', value: '{@example.net : pass}' },
    { name: 'content-ids', value: '{}' },
    { name: 'to', value: to },
    { name: 'from', value: mail.from },
    { name: 'subject', value: mail.subject },
    ...(mail.text !== undefined ? [{ name: 'text', value: mail.text }] : []),
    ...(mail.html !== undefined ? [{ name: 'html', value: mail.html }] : []),
    { name: 'sender_ip', value: '192.0.2.10' },
    { name: 'spam_score', value: '0.1' },
    { name: 'envelope', value: JSON.stringify({ to: [to], from: 'guest@example.net' }) },
    { name: 'charsets', value: JSON.stringify(charsets) },
    { name: 'SPF', value: 'pass' },
    { name: 'attachments', value: String(attachments.length) },
    { name: 'attachment-info', value: JSON.stringify(Object.fromEntries(attachments.map((a, i) => [`attachment${i + 1}`, { filename: a.filename, type: a.contentType }]))) },
    ...attachments.map((a, i) => ({ name: `attachment${i + 1}`, value: a.content, filename: a.filename, contentType: a.contentType })),
  ];
}

/** HMAC-SHA256(signing key, timestamp + token), hex: Mailgun's webhook signature. */
export async function mailgunSignature(signingKey: string, timestamp: string, token: string): Promise<string> {
  const { createHmac } = await import('node:crypto');
  return createHmac('sha256', signingKey).update(timestamp + token).digest('hex');
}
