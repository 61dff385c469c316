import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bodyBytes,
  headerSection,
  mailgunSignature,
  multipart,
  sendgridParsedParts,
  sendgridRawParts,
  startEmailProviderStub,
  type EmailProviderStub,
  type FormPart,
  type ParsedMail,
} from '../support/email-provider-stub.js';
import { json, startTestServer, type TestServer } from '../support/server.js';

/** Real messages (see ../shared/testdata/SOURCES.md), read verbatim. */
const EMAIL = path.resolve(import.meta.dirname, '../../../shared/testdata/email');
const fixture = (p: string) => readFileSync(path.join(EMAIL, p));
const REPLY = 'reply_parsing';

let s: TestServer;
let stub: EmailProviderStub;

const HOTELS = {
  sgRaw: { slug: 'sg-raw', address: 'stay@raw.harbour.example' },
  sgFields: { slug: 'sg-fields', address: 'stay@fields.harbour.example' },
  mailgun: { slug: 'mailgun', address: 'hello@mg.harbour.example' },
  postmark: { slug: 'postmark', address: 'c0ffee1234@inbound.postmarkapp.com' },
};
const MAILGUN_KEY = 'key-mailgun-signing-0123456789';
const POSTMARK_USER = 'postmark-harbour';
const POSTMARK_PASSWORD = 'pm-webhook-password-0123';
let sendgridKeyRaw = '';
let sendgridKeyFields = '';
const ids: Record<keyof typeof HOTELS, string> = { sgRaw: '', sgFields: '', mailgun: '', postmark: '' };

async function createHotel(slug: string): Promise<string> {
  const res = await s.admin.post('/api/v1/properties', { name: `Hotel ${slug}`, slug, timezone: 'Asia/Kuala_Lumpur', currency: 'MYR' });
  expect(res.status).toBe(201);
  const id = (await json(res)).id as string;
  // Inbound tests look at what is stored; with the AI paused nothing is sent back.
  expect((await s.admin.put(`/api/v1/properties/${id}/ai/pause`, { paused: true, reason: 'email inbound tests' })).status).toBe(200);
  return id;
}

function keyFrom(webhookUrl: string): string {
  return new URL(webhookUrl).searchParams.get('key') ?? '';
}

beforeAll(async () => {
  stub = await startEmailProviderStub();
  s = await startTestServer({
    env: {
      NOCTURN_SENDGRID_API_BASE: stub.url,
      NOCTURN_MAILGUN_API_BASE: stub.url,
      NOCTURN_POSTMARK_API_BASE: stub.url,
      NOCTURN_OLLAMA_HOST: 'http://127.0.0.1:9',
      NOCTURN_EMBEDDER: 'none',
      NOCTURN_PUBLIC_URL: 'https://hotel.tunnel.example',
    },
  });
  for (const k of Object.keys(HOTELS) as (keyof typeof HOTELS)[]) ids[k] = await createHotel(HOTELS[k].slug);
  const sgRaw = await s.admin.put(`/api/v1/properties/${ids.sgRaw}/channels/email`, { provider: 'sendgrid', inboundAddress: HOTELS.sgRaw.address.toUpperCase(), apiKey: 'SG.raw-api-key-123' });
  expect(sgRaw.status).toBe(200);
  sendgridKeyRaw = keyFrom((await json(sgRaw)).webhookUrl as string);
  const sgFields = await s.admin.put(`/api/v1/properties/${ids.sgFields}/channels/email`, { provider: 'sendgrid', inboundAddress: HOTELS.sgFields.address, apiKey: 'SG.fields-api-key-123' });
  sendgridKeyFields = keyFrom((await json(sgFields)).webhookUrl as string);
  const mg = await s.admin.put(`/api/v1/properties/${ids.mailgun}/channels/email`, { provider: 'mailgun', inboundAddress: HOTELS.mailgun.address, signingKey: MAILGUN_KEY, apiKey: 'mailgun-private-key-123' });
  expect(mg.status).toBe(200);
  const pm = await s.admin.put(`/api/v1/properties/${ids.postmark}/channels/email`, {
    provider: 'postmark',
    inboundAddress: HOTELS.postmark.address,
    fromAddress: 'frontdesk@postmark-harbour.example',
    webhookUsername: POSTMARK_USER,
    webhookPassword: POSTMARK_PASSWORD,
    apiKey: 'postmark-server-token-123',
  });
  expect(pm.status).toBe(200);
});

afterAll(async () => {
  await s?.stop();
  await stub?.close();
});

// ----- posting like the providers do --------------------------------------------------------

async function postMultipart(url: string, parts: FormPart[], headers: Record<string, string> = {}): Promise<Response> {
  const { body, contentType } = multipart(parts);
  return fetch(url, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });
}

const sendgrid = (parts: FormPart[], key: string | null) => postMultipart(`${s.publicUrl}/webhooks/email/sendgrid${key === null ? '' : `?key=${encodeURIComponent(key)}`}`, parts);

async function mailgunFields(fields: Record<string, string>, opts: { timestamp?: number; token?: string; key?: string } = {}): Promise<Record<string, string>> {
  const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  const token = opts.token ?? randomUUID().replace(/-/g, '');
  return { ...fields, timestamp, token, signature: await mailgunSignature(opts.key ?? MAILGUN_KEY, timestamp, token) };
}

/**
 * A webhook not taken (failed authentication, or an address bound to no hotel) is answered exactly
 * like mail for an unbound address (A2), so a caller learns nothing about which addresses are set up.
 */
async function expectNotTaken(response: Promise<Response>): Promise<void> {
  const res = await response;
  expect(res.status).toBe(200);
  expect(res.headers.get('www-authenticate')).toBeNull();
  expect(await res.json()).toEqual({ status: 'unmatched' });
}

function mailgunUrlencoded(fields: Record<string, string>, route = 'mailgun'): Promise<Response> {
  return fetch(`${s.publicUrl}/webhooks/email/${route}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
}

function postmark(body: unknown, auth: string | null = `${POSTMARK_USER}:${POSTMARK_PASSWORD}`): Promise<Response> {
  return fetch(`${s.publicUrl}/webhooks/email/postmark`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth === null ? {} : { authorization: `Basic ${Buffer.from(auth).toString('base64')}` }) },
    body: JSON.stringify(body),
  });
}

/** What a provider's own parser would post, from a raw fixture. */
async function parse(raw: Buffer) {
  return PostalMime.parse(raw);
}

function postmarkFrom(parsed: Awaited<ReturnType<typeof parse>>, headers: string, recipient: string): Record<string, unknown> {
  const headerList = headers
    .replace(/\r?\n[ \t]+/g, ' ')
    .split(/\r?\n/)
    .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()] as const)
    .filter(([k]) => k && !/^(from|to|cc|subject|date)$/i.test(k))
    .map(([Name, Value]) => ({ Name, Value }));
  const from = parsed.from && 'address' in parsed.from ? parsed.from : undefined;
  return {
    FromName: from?.name ?? '',
    From: from?.address ?? '',
    FromFull: { Email: from?.address ?? '', Name: from?.name ?? '', MailboxHash: '' },
    To: recipient,
    ToFull: [{ Email: recipient, Name: '', MailboxHash: '' }],
    Cc: '',
    CcFull: [],
    Bcc: '',
    BccFull: [],
    OriginalRecipient: recipient,
    Subject: parsed.subject ?? '',
    MessageID: randomUUID(),
    ReplyTo: '',
    MailboxHash: '',
    Date: parsed.date ?? '',
    TextBody: parsed.text ?? '',
    HtmlBody: parsed.html ?? '',
    StrippedTextReply: '',
    Tag: '',
    Headers: headerList,
    Attachments: parsed.attachments.map((a) => ({ Name: a.filename ?? 'file', Content: Buffer.from(a.content as ArrayBuffer).toString('base64'), ContentType: a.mimeType, ContentLength: (a.content as ArrayBuffer).byteLength })),
  };
}

// ----- reading what was stored --------------------------------------------------------------

interface StoredConversation {
  id: string;
  guestTexts: string[];
  messageCount: number;
}

async function conversations(propertyId: string): Promise<Map<string, StoredConversation>> {
  const list = await json(await s.admin.get(`/api/v1/properties/${propertyId}/conversations?channel=email&limit=200`));
  const out = new Map<string, StoredConversation>();
  for (const c of list.items as { id: string }[]) {
    const detail = await json(await s.admin.get(`/api/v1/properties/${propertyId}/conversations/${c.id}`));
    const messages = detail.messages as { role: string; body: string }[];
    out.set(c.id, { id: c.id, guestTexts: messages.filter((m) => m.role === 'guest').map((m) => m.body), messageCount: messages.length });
  }
  return out;
}

/** Delivers one email and returns the guest texts of conversations that appeared or grew. */
async function deliver(propertyId: string, send: () => Promise<Response>): Promise<{ status: number; body: Record<string, unknown>; created: StoredConversation[] }> {
  const before = await conversations(propertyId);
  const res = await send();
  const body = res.headers.get('content-type')?.includes('json') ? await json(res) : {};
  await s.core.inboundQueue.settle();
  const after = await conversations(propertyId);
  const created = [...after.values()].filter((c) => !before.has(c.id));
  return { status: res.status, body, created };
}

async function queuedEventCount(): Promise<number> {
  await s.core.inboundQueue.settle();
  return Object.values(s.core.inboundQueue.counts()).reduce((a, b) => a + b, 0);
}

// ----- tests --------------------------------------------------------------------------------

describe('email channel settings', () => {
  it('stores a hotel email binding without ever returning its secrets, and shows the webhook URL to paste', async () => {
    const res = await s.admin.put(`/api/v1/properties/${ids.mailgun}/channels/email`, {
      provider: 'mailgun',
      inboundAddress: HOTELS.mailgun.address,
      fromName: 'Harbour Mailgun',
      sendVia: 'smtp',
      smtpHost: 'smtp.harbour.example',
      smtpUser: 'harbour',
      smtpPassword: 'smtp-password-123',
    });
    expect(res.status).toBe(200);
    const view = await json(res);
    expect(view).toMatchObject({ provider: 'mailgun', inboundAddress: HOTELS.mailgun.address, sendVia: 'smtp', smtpPort: 587, webhookUrl: 'https://hotel.tunnel.example/webhooks/email/mailgun' });
    // Secrets left out keep their stored values; none is ever echoed.
    expect(view.secretsSet).toEqual(['apiKey', 'signingKey', 'smtpPassword']);
    const text = JSON.stringify(view) + JSON.stringify(await json(await s.admin.get(`/api/v1/properties/${ids.mailgun}/channels/email`)));
    for (const secret of [MAILGUN_KEY, 'smtp-password-123', 'mailgun-private-key-123']) expect(text).not.toContain(secret);

    // The SendGrid key is in the URL once, when generated; later reads hide it.
    expect(sendgridKeyRaw.length).toBeGreaterThanOrEqual(24);
    const again = await json(await s.admin.get(`/api/v1/properties/${ids.sgRaw}/channels/email`));
    expect(again.webhookUrl).toBe('https://hotel.tunnel.example/webhooks/email/sendgrid?key=<webhook key>');
    expect(JSON.stringify(again)).not.toContain(sendgridKeyRaw);
    const pm = await json(await s.admin.get(`/api/v1/properties/${ids.postmark}/channels/email`));
    expect(pm.webhookUrl).toBe(`https://${POSTMARK_USER}:<webhook password>@hotel.tunnel.example/webhooks/email/postmark`);
    expect(JSON.stringify(pm)).not.toContain(POSTMARK_PASSWORD);

    // Required provider secrets are named; an address already bound elsewhere is refused.
    const missing = await s.admin.put(`/api/v1/properties/${ids.postmark}/channels/email`, { provider: 'postmark', inboundAddress: HOTELS.postmark.address });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(await json(missing))).toMatch(/webhookUsername.*fromAddress/);
    const taken = await s.admin.put(`/api/v1/properties/${ids.postmark}/channels/email`, { provider: 'mailgun', inboundAddress: HOTELS.mailgun.address, signingKey: 'another-signing-key', apiKey: 'another-api-key' });
    expect(taken.status).toBe(409);
    const agent = await s.staff('agent');
    expect((await agent.put(`/api/v1/properties/${ids.mailgun}/channels/email`, { provider: 'mailgun', inboundAddress: 'x@y.example', signingKey: 'whatever-key' })).status).toBe(403);
  });
});

describe('SendGrid Inbound Parse, raw MIME', () => {
  const cases: { file: string; kind: string; expected: string | RegExp; name?: string }[] = [
    { file: 'mime/mikel-mail/plain_emails__basic_email.eml', kind: 'plain text', expected: 'Plain email.\n\nHope it works well!\n\nMikel', name: 'Mikel Lindsaar' },
    { file: 'mime/mikel-mail/mime_emails__raw_email_with_illegal_boundary.eml', kind: 'multipart/alternative', expected: 'Hello\nThis is an outlook test\n\nSo there.\n\nMe.' },
    { file: 'mime/mikel-mail/attachment_emails__attachment_pdf.eml', kind: 'quoted-printable with a PDF attachment', expected: 'Just attaching another PDF, here, to see what the message looks like,\nand to see if I can figure out what is going wrong here.\n\n[Attachments not shown: broken.pdf]' },
    { file: 'mime/mikel-mail/plain_emails__raw_email_quoted_with_0d0a.eml', kind: 'quoted-printable', expected: /^A fax has arrived from remote ID ''\.\n-{20,}\nTime: 3\/9\/2006 3:50:52 PM/ },
    { file: 'mime/mailparser/base64encodedroot.eml', kind: 'base64 root part, attachment only', expected: '[Attachments not shown: screenshot.png]' },
    { file: 'mime/mikel-mail/multi_charset__japanese.eml', kind: 'base64 UTF-8', expected: 'かきくえこ' },
    { file: 'mime/mikel-mail/multi_charset__japanese_iso_2022.eml', kind: 'ISO-2022-JP', expected: 'すみません。' },
    { file: 'mime/mikel-mail/multi_charset__japanese_shift_jis.eml', kind: 'Shift_JIS 8-bit', expected: 'あいうえお\n\nこのメールはテスト用のメールです。\n\n今後ともよろしくお願い申し上げます！' },
    { file: 'mime/mikel-mail/multi_charset__ks_c_5601-1987.eml', kind: 'ks_c_5601-1987 8-bit', expected: '스티해' },
    { file: 'mime/mikel-mail/error_emails__missing_body.eml', kind: 'missing body (the subject is the message)', expected: 'REDACTED' },
    { file: 'mime/postal-mime/mimetorture.eml', kind: 'MIME torture test', expected: /^Welcome to Ryan Finnie's MIME torture test\.[\s\S]*\[Attachments not shown: foo\.gz, blah\.gz/ },
  ];
  for (const c of cases) {
    it(`stores the guest's text from ${path.basename(c.file)} (${c.kind})`, async () => {
      const r = await deliver(ids.sgRaw, () => sendgrid(sendgridRawParts(fixture(c.file), HOTELS.sgRaw.address), sendgridKeyRaw));
      expect(r.status).toBe(200);
      expect(r.body.status).toBe('accepted');
      expect(r.created).toHaveLength(1);
      const [text] = r.created[0]!.guestTexts;
      if (typeof c.expected === 'string') expect(text).toBe(c.expected);
      else expect(text).toMatch(c.expected);
    });
  }

  it('keeps only the new reply of real client replies (talon standard replies)', async () => {
    const expected = JSON.parse(fixture(`${REPLY}/talon/expected.json`).toString('utf8')) as { standard_replies: { expected: Record<string, string> } };
    // thunderbird.eml is format=flowed; its one-line reply is merged into the quote when decoded.
    const files = Object.keys(expected.standard_replies.expected).filter((f) => f !== 'thunderbird.eml');
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const file of files) {
      const r = await deliver(ids.sgRaw, () => sendgrid(sendgridRawParts(fixture(`${REPLY}/talon/standard_replies/${file}`), HOTELS.sgRaw.address), sendgridKeyRaw));
      expect(r.created, file).toHaveLength(1);
      const text = r.created[0]!.guestTexts[0]!;
      // talon keeps some sign-offs ("Sent from my iPhone"); the quoted history must be gone either way.
      expect(text.startsWith('Hello'), `${file}: ${text}`).toBe(true);
      expect(expected.standard_replies.expected[file]!.startsWith(text), `${file}: ${text}`).toBe(true);
      expect(text).not.toMatch(/wrote|написал|Hi\s*$|^>/m);
    }
  });

  it('acknowledges bounces and other machine mail but never opens a conversation for them', async () => {
    for (const file of ['mime/postal-mime/bounce.eml', 'mime/mailparser/delivery-status.eml']) {
      const r = await deliver(ids.sgRaw, () => sendgrid(sendgridRawParts(fixture(file), HOTELS.sgRaw.address), sendgridKeyRaw));
      expect(r.status).toBe(200);
      expect(r.body.status).toBe('accepted');
      expect(r.created).toHaveLength(0);
    }
  });
});

describe('SendGrid Inbound Parse, parsed fields', () => {
  function fields(text: string, extra: Partial<ParsedMail> = {}): ParsedMail {
    const id = `<${randomUUID()}@mail.example.net>`;
    return { headers: `Message-ID: ${id}\r\nFrom: Ana Guest <ana@example.net>\r\nTo: ${HOTELS.sgFields.address}\r\nSubject: Room question`, from: 'Ana Guest <ana@example.net>', subject: 'Room question', text, ...extra };
  }

  it('decodes text in the charset SendGrid names (Shift_JIS bytes from a real message)', async () => {
    const raw = fixture('mime/mikel-mail/multi_charset__japanese_shift_jis.eml');
    const mail = fields('', { headers: headerSection(raw), from: 'xxxxxxx@docomo.ne.jp', subject: 'test', text: bodyBytes(raw), textCharset: 'Shift_JIS' });
    const r = await deliver(ids.sgFields, () => sendgrid(sendgridParsedParts(mail, HOTELS.sgFields.address), sendgridKeyFields));
    expect(r.created).toHaveLength(1);
    expect(r.created[0]!.guestTexts[0]).toBe('あいうえお\n\nこのメールはテスト用のメールです。\n\n今後ともよろしくお願い申し上げます！');
  });

  it('strips quoted history with the reply parser (github/email_reply_parser expectations)', async () => {
    const expected = JSON.parse(fixture(`${REPLY}/github/expected.json`).toString('utf8')) as { fixtures: Record<string, { parse_reply?: string }> };
    // email_sent_from_my_not_signature: the Crisp port treats "Sent from my desk" as a signature, unlike the Ruby original.
    const names = Object.entries(expected.fixtures).filter(([n, v]) => v.parse_reply !== undefined && n !== 'email_sent_from_my_not_signature');
    expect(names.length).toBeGreaterThanOrEqual(7);
    for (const [name, v] of names) {
      const text = fixture(`${REPLY}/github/${name}.txt`).toString('utf8');
      const r = await deliver(ids.sgFields, () => sendgrid(sendgridParsedParts(fields(text), HOTELS.sgFields.address), sendgridKeyFields));
      expect(r.created, name).toHaveLength(1);
      const norm = (t: string) => t.replace(/\n{3,}/g, '\n\n').trim();
      expect(r.created[0]!.guestTexts[0], name).toBe(norm(v.parse_reply!));
    }
  });

  it('matches the crisp-oss visible-text expectations', async () => {
    const expected = JSON.parse(fixture(`${REPLY}/crisp-oss/expected.json`).toString('utf8')) as { fixtures: Record<string, { tests?: { visible_text?: string }[] }> };
    const cases = Object.entries(expected.fixtures).flatMap(([name, f]) => (f.tests ?? []).filter((t) => t.visible_text !== undefined).map((t) => [name, t.visible_text!] as const));
    expect(cases.length).toBeGreaterThanOrEqual(3);
    for (const [name, visible] of new Map(cases)) {
      const text = fixture(`${REPLY}/crisp-oss/${name}.txt`).toString('utf8');
      const r = await deliver(ids.sgFields, () => sendgrid(sendgridParsedParts(fields(text), HOTELS.sgFields.address), sendgridKeyFields));
      const norm = (t: string) => t.replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').trim();
      expect(r.created[0]!.guestTexts[0], name).toBe(norm(visible));
    }
  });

  it('reads an HTML-only reply without its quoted block (talon html_replies)', async () => {
    const expected = JSON.parse(fixture(`${REPLY}/talon/expected.json`).toString('utf8')) as { html_replies: { files: string[]; expected_text: string } };
    for (const file of expected.html_replies.files) {
      const html = fixture(`${REPLY}/talon/html_replies/${file}`).toString('utf8');
      const r = await deliver(ids.sgFields, () => sendgrid(sendgridParsedParts(fields('', { text: undefined, html }), HOTELS.sgFields.address), sendgridKeyFields));
      expect(r.created, file).toHaveLength(1);
      expect(r.created[0]!.guestTexts[0]!.replace(/\s+/g, ''), file).toBe(expected.html_replies.expected_text.replace(/\s+/g, ''));
    }
  });

  it('notes attachments it does not store', async () => {
    const mail = fields('Here is my passport scan for the booking.', { attachments: [{ filename: 'passport.jpg', contentType: 'image/jpeg', content: Buffer.alloc(2048, 7) }] });
    const r = await deliver(ids.sgFields, () => sendgrid(sendgridParsedParts(mail, HOTELS.sgFields.address), sendgridKeyFields));
    expect(r.created[0]!.guestTexts[0]).toBe('Here is my passport scan for the booking.\n\n[Attachments not shown: passport.jpg]');
  });
});

describe('Mailgun routes', () => {
  async function fromFixture(file: string): Promise<Record<string, string>> {
    const raw = fixture(file);
    const parsed = await parse(raw);
    const headers = headerSection(raw)
      .replace(/\r?\n[ \t]+/g, ' ')
      .split(/\r?\n/)
      .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]);
    const from = parsed.from && 'address' in parsed.from ? parsed.from : undefined;
    return {
      recipient: HOTELS.mailgun.address,
      sender: from?.address ?? '',
      from: from ? `${from.name} <${from.address}>` : '',
      subject: parsed.subject ?? '',
      'body-plain': parsed.text ?? '',
      ...(parsed.html ? { 'body-html': parsed.html } : {}),
      'message-headers': JSON.stringify(headers),
      'Message-Id': parsed.messageId ?? '',
      'attachment-count': String(parsed.attachments.length),
    };
  }

  it('accepts signed form posts and stores the new reply (talon gmail.eml, urlencoded)', async () => {
    const fields = await mailgunFields(await fromFixture(`${REPLY}/talon/standard_replies/gmail.eml`));
    const r = await deliver(ids.mailgun, () => mailgunUrlencoded(fields));
    expect(r.status).toBe(200);
    expect(r.created.map((c) => c.guestTexts[0])).toEqual(['Hello']);
  });

  it('accepts multipart posts with attachments, and prefers Mailgun’s own stripped-text', async () => {
    const base = await fromFixture('mime/mikel-mail/attachment_emails__attachment_pdf.eml');
    const fields = await mailgunFields({ ...base, 'stripped-text': 'Just attaching another PDF.' });
    const parts: FormPart[] = [...Object.entries(fields).map(([name, value]) => ({ name, value })), { name: 'attachment-1', value: Buffer.from('%PDF-1.4 not really'), filename: 'broken.pdf', contentType: 'application/pdf' }];
    const r = await deliver(ids.mailgun, () => postMultipart(`${s.publicUrl}/webhooks/email/mailgun`, parts));
    expect(r.status).toBe(200);
    expect(r.created.map((c) => c.guestTexts[0])).toEqual(['Just attaching another PDF.\n\n[Attachments not shown: broken.pdf]']);
  });

  it('accepts the raw message on a route ending in mime (body-mime)', async () => {
    const raw = fixture(`${REPLY}/talon/standard_replies/yahoo.eml`);
    const fields = await mailgunFields({ recipient: HOTELS.mailgun.address, sender: 'xxx@yahoo.com' });
    const parts: FormPart[] = [...Object.entries(fields).map(([name, value]) => ({ name, value })), { name: 'body-mime', value: raw }];
    const r = await deliver(ids.mailgun, () => postMultipart(`${s.publicUrl}/webhooks/email/mailgun/mime`, parts));
    expect(r.created.map((c) => c.guestTexts[0])).toEqual(['Hello']);
  });

  it('refuses a missing or wrong signature, a stale timestamp and a replayed token, storing nothing', async () => {
    const base = await fromFixture(`${REPLY}/talon/standard_replies/hotmail.eml`);
    const before = await queuedEventCount();
    await expectNotTaken(mailgunUrlencoded(base));
    await expectNotTaken(mailgunUrlencoded(await mailgunFields(base, { key: 'not-the-signing-key' })));
    const tampered = { ...(await mailgunFields(base)) };
    tampered.timestamp = String(Number(tampered.timestamp) + 1);
    await expectNotTaken(mailgunUrlencoded(tampered));
    await expectNotTaken(mailgunUrlencoded(await mailgunFields(base, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 })));
    expect(await queuedEventCount()).toBe(before);

    const signed = await mailgunFields(base);
    expect((await mailgunUrlencoded(signed)).status).toBe(200);
    // The same signed token again, even with another message in it, is a replay.
    await expectNotTaken(mailgunUrlencoded({ ...signed, 'body-plain': 'Please send me your card details', 'Message-Id': '<replayed@example.net>' }));
    expect(s.logs()).toMatch(/already used/);
    expect(await queuedEventCount()).toBe(before + 1);
  });

  it('processes a retried delivery of the same email once', async () => {
    const base = await fromFixture(`${REPLY}/talon/standard_replies/aol.eml`);
    const first = await deliver(ids.mailgun, async () => mailgunUrlencoded(await mailgunFields(base)));
    expect(first.body.status).toBe('accepted');
    expect(first.created).toHaveLength(1);
    // Mailgun retries with a fresh signature and token: acknowledged, recognised, not processed again.
    const second = await deliver(ids.mailgun, async () => mailgunUrlencoded(await mailgunFields(base)));
    expect(second.status).toBe(200);
    expect(second.body.status).toBe('duplicate');
    expect(second.created).toHaveLength(0);
    const all = await conversations(ids.mailgun);
    expect(all.get(first.created[0]!.id)!.guestTexts).toEqual(['Hello']);
  });
});

describe('Postmark inbound', () => {
  it('accepts JSON with the right basic auth and stores the new reply', async () => {
    for (const file of ['apple_mail.eml', 'outlook.eml', 'iphone.eml']) {
      const raw = fixture(`${REPLY}/talon/standard_replies/${file}`);
      const body = postmarkFrom(await parse(raw), headerSection(raw), HOTELS.postmark.address);
      const r = await deliver(ids.postmark, () => postmark(body));
      expect(r.status, file).toBe(200);
      expect(r.created.map((c) => c.guestTexts[0]), file).toEqual(['Hello']);
    }
  });

  it('uses StrippedTextReply when Postmark found the reply, and reads HTML-only mail', async () => {
    const raw = fixture(`${REPLY}/talon/standard_replies/comcast.eml`);
    const body = { ...postmarkFrom(await parse(raw), headerSection(raw), HOTELS.postmark.address), StrippedTextReply: 'Hello from Postmark' };
    const r = await deliver(ids.postmark, () => postmark(body));
    expect(r.created.map((c) => c.guestTexts[0])).toEqual(['Hello from Postmark']);

    const html = fixture(`${REPLY}/talon/html_replies/ms_outlook_2010.html`).toString('utf8');
    const htmlOnly = { ...body, Headers: [{ Name: 'Message-ID', Value: `<${randomUUID()}@outlook.example>` }], TextBody: '', StrippedTextReply: '', HtmlBody: html };
    const h = await deliver(ids.postmark, () => postmark(htmlOnly));
    expect(h.created[0]!.guestTexts[0]!.replace(/\s+/g, '')).toBe('Hi.Iamfine.Thanks,Alex');
  });

  it('does not take wrong or missing basic auth', async () => {
    const raw = fixture(`${REPLY}/talon/standard_replies/sparrow.eml`);
    const body = postmarkFrom(await parse(raw), headerSection(raw), HOTELS.postmark.address);
    const before = await queuedEventCount();
    await expectNotTaken(postmark(body, `${POSTMARK_USER}:wrong-password-000`));
    await expectNotTaken(postmark(body, `someone:${POSTMARK_PASSWORD}`));
    await expectNotTaken(postmark(body, null));
    expect(await queuedEventCount()).toBe(before);
  });
});

describe('authentication and routing across providers', () => {
  it('refuses SendGrid posts with a wrong or missing key', async () => {
    const parts = sendgridRawParts(fixture('mime/mikel-mail/plain_emails__raw_email_reply.eml'), HOTELS.sgRaw.address);
    const before = await queuedEventCount();
    await expectNotTaken(sendgrid(parts, 'x'.repeat(32)));
    await expectNotTaken(sendgrid(parts, null));
    // The other hotel's key is not this hotel's key.
    await expectNotTaken(sendgrid(parts, sendgridKeyFields));
    // An address set up for Mailgun is not accepted on the SendGrid route, and the answer does not say so.
    await expectNotTaken(sendgrid(sendgridRawParts(fixture('mime/mikel-mail/plain_emails__raw_email_reply.eml'), HOTELS.mailgun.address), sendgridKeyRaw));
    expect(await queuedEventCount()).toBe(before);
  });

  it('acknowledges mail for an address bound to no hotel with 200, stores nothing and logs no address', async () => {
    const before = await queuedEventCount();
    const stranger = 'nobody-here@unbound.example';
    const sg = await sendgrid(sendgridRawParts(fixture('mime/mikel-mail/plain_emails__raw_email_reply.eml'), stranger), 'any-key');
    expect(sg.status).toBe(200);
    expect((await json(sg)).status).toBe('unmatched');
    const mg = await mailgunUrlencoded({ recipient: stranger, 'body-plain': 'hi', timestamp: '1', token: 't', signature: 'bad' });
    expect(mg.status).toBe(200);
    const pm = await postmark({ OriginalRecipient: stranger, ToFull: [{ Email: stranger }], TextBody: 'hi' }, null);
    expect(pm.status).toBe(200);
    expect(await queuedEventCount()).toBe(before);
    expect(s.logs()).toContain('bound to no hotel');
    expect(s.logs()).not.toContain(stranger);
  });

  it('processes the same email delivered twice once', async () => {
    const parts = sendgridRawParts(fixture('mime/mikel-mail/plain_emails__raw_email_reply.eml'), HOTELS.sgRaw.address);
    const first = await deliver(ids.sgRaw, () => sendgrid(parts, sendgridKeyRaw));
    expect(first.body.status).toBe('accepted');
    expect(first.created.map((c) => c.guestTexts)).toEqual([['Message body']]);
    const second = await deliver(ids.sgRaw, () => sendgrid(parts, sendgridKeyRaw));
    expect(second.status).toBe(200);
    expect(second.body.status).toBe('duplicate');
    expect(second.created).toHaveLength(0);
    expect((await conversations(ids.sgRaw)).get(first.created[0]!.id)!.guestTexts).toEqual(['Message body']);
  });

  it('threads a guest’s follow-up (In-Reply-To / References) into the same conversation', async () => {
    const rootId = `${randomUUID()}@guest.example`;
    const first = (id: string, extra: string, text: string) =>
      Buffer.from(`Message-ID: <${id}>\r\n${extra}From: Siti <siti@guest.example>\r\nTo: ${HOTELS.sgRaw.address}\r\nSubject: Family room in December\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n`);
    const a = await deliver(ids.sgRaw, () => sendgrid(sendgridRawParts(first(rootId, '', 'Do you have a family room from 20 to 23 December?'), HOTELS.sgRaw.address), sendgridKeyRaw));
    expect(a.created).toHaveLength(1);
    const replyId = `${randomUUID()}@guest.example`;
    const quoted = 'Also, is breakfast included?\r\n\r\nOn Mon, 1 Dec 2025 at 10:00, Siti <siti@guest.example> wrote:\r\n> Do you have a family room from 20 to 23 December?';
    const b = await deliver(ids.sgRaw, () => sendgrid(sendgridRawParts(first(replyId, `In-Reply-To: <${rootId}>\r\nReferences: <${rootId}>\r\n`, quoted), HOTELS.sgRaw.address), sendgridKeyRaw));
    expect(b.created).toHaveLength(0);
    const third = `${randomUUID()}@guest.example`;
    // A later reply that only carries References (root first) lands there too.
    await deliver(ids.sgRaw, () => sendgrid(sendgridRawParts(first(third, `References: <${rootId}> <${replyId}>\r\n`, 'And parking?'), HOTELS.sgRaw.address), sendgridKeyRaw));
    const conv = (await conversations(ids.sgRaw)).get(a.created[0]!.id)!;
    expect(conv.guestTexts).toEqual(['Do you have a family room from 20 to 23 December?', 'Also, is breakfast included?', 'And parking?']);
  });
});
