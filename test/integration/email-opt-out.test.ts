import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionOf } from '../../server/db/handle.js';
import { multipart, sendgridRawParts, startEmailProviderStub, startSmtpStub, type EmailProviderStub, type SmtpStub } from '../support/email-provider-stub.js';
import { json, startTestServer, type TestServer } from '../support/server.js';

/**
 * Opt-out by email (B7, D6) through the real server, the SendGrid inbound webhook and the outbox:
 * STOP as the reply or as the subject, START, "cancel" read as a question, and the one-click
 * unsubscribe link (RFC 8058) that proactive emails carry.
 */
let s: TestServer;
let api: EmailProviderStub;
let smtp: SmtpStub;

beforeAll(async () => {
  api = await startEmailProviderStub();
  smtp = await startSmtpStub();
  s = await startTestServer({
    env: {
      NOCTURN_SENDGRID_API_BASE: api.url,
      // No model and no knowledge: a question is handed to staff with a notice to the guest.
      NOCTURN_OLLAMA_HOST: 'http://127.0.0.1:9',
      NOCTURN_EMBEDDER: 'none',
      NOCTURN_RETRY_BASE_MS: '20',
    },
  });
});

afterAll(async () => {
  await s?.stop();
  await api?.close();
  await smtp?.close();
});

interface SentMail {
  to: string;
  subject: string;
  text: string;
  headers: Record<string, string>;
}

let hotelCount = 0;
async function hotel(sending: Record<string, unknown> = { apiKey: 'SG.optout-key-123' }): Promise<{ id: string; name: string; address: string; key: string }> {
  const slug = `optout-${++hotelCount}`;
  const name = `Lagoon ${hotelCount}`;
  // No quiet hours, so a follow-up is sent (or refused) at once whatever the time of day.
  const created = await s.admin.post('/api/v1/properties', { name, slug, timezone: 'Asia/Kuala_Lumpur', currency: 'MYR', quietHours: { start: '00:00', end: '00:00' } });
  expect(created.status).toBe(201);
  const id = (await json(created)).id as string;
  const address = `stay@${slug}.example`;
  const res = await s.admin.put(`/api/v1/properties/${id}/channels/email`, { inboundAddress: address, provider: 'sendgrid', ...sending });
  expect(res.status).toBe(200);
  const view = await json(res);
  return { id, name, address, key: new URL(view.webhookUrl as string).searchParams.get('key') ?? '' };
}

/** The guest's email, as a reply in the thread of `inReplyTo` when given; returns its Message-ID. */
async function guestWrites(h: { address: string; key: string }, opts: { text: string; subject?: string; inReplyTo?: string }): Promise<string> {
  const id = `<${randomUUID()}@guest.example>`;
  const headers = [
    `Message-ID: ${id}`,
    ...(opts.inReplyTo ? [`In-Reply-To: ${opts.inReplyTo}`] : []),
    'From: Mei Ling <meiling@guest.example>',
    `To: ${h.address}`,
    `Subject: ${opts.subject ?? 'Our stay'}`,
    'Content-Type: text/plain; charset=utf-8',
  ];
  const raw = Buffer.from(`${headers.join('\r\n')}\r\n\r\n${opts.text}\r\n`);
  const { body, contentType } = multipart(sendgridRawParts(raw, h.address));
  const res = await fetch(`${s.publicUrl}/webhooks/email/sendgrid?key=${h.key}`, { method: 'POST', headers: { 'content-type': contentType }, body });
  expect(res.status).toBe(200);
  await s.core.inboundQueue.settle();
  await s.core.outbox.settle();
  return id;
}

/** Every email the hotel sent through SendGrid, oldest first. */
function mailFrom(h: { address: string }): SentMail[] {
  return api.requests
    .filter((r) => r.provider === 'sendgrid')
    .map((r) => JSON.parse(r.body) as { from: { email: string }; personalizations: { to: { email: string }[] }[]; subject: string; content: { value: string }[]; headers: Record<string, string> })
    .filter((m) => m.from.email === h.address)
    .map((m) => ({ to: m.personalizations[0]!.to[0]!.email, subject: m.subject, text: m.content[0]!.value, headers: m.headers }));
}

async function onlyConversation(propertyId: string): Promise<{ id: string; status: string; guest: { optedOut: boolean } }> {
  const list = await json(await s.admin.get(`/api/v1/properties/${propertyId}/conversations?channel=email`));
  expect(list.items).toHaveLength(1);
  const id = (list.items as { id: string }[])[0]!.id;
  return (await json(await s.admin.get(`/api/v1/properties/${propertyId}/conversations/${id}`))) as never;
}

function optOutRecord(propertyId: string, conversationId: string): { opted_out_at: string | null; opted_out_channel: string | null } {
  const db = connectionOf(s.core.properties.scope(propertyId));
  return db.prepare('select opted_out_at, opted_out_channel from guests where id = (select guest_id from conversations where id = ?)').get(conversationId) as never;
}

const followUp = (propertyId: string, conversationId: string, text: string) => s.admin.post(`/api/v1/properties/${propertyId}/conversations/${conversationId}/follow-up`, { text });

describe('opting out by email', () => {
  it('STOP as the whole reply opts the guest out with one confirmation; nothing more is sent until START', async () => {
    const h = await hotel();
    const thread = await guestWrites(h, { text: 'Is there parking at the hotel?' });
    expect(mailFrom(h)).toHaveLength(1); // the notice that staff will answer

    await guestWrites(h, { text: 'STOP', subject: 'Re: Our stay', inReplyTo: thread });
    const conversation = await onlyConversation(h.id);
    expect(conversation.guest.optedOut).toBe(true);
    expect(optOutRecord(h.id, conversation.id)).toMatchObject({ opted_out_channel: 'email', opted_out_at: expect.any(String) });
    expect(mailFrom(h)).toHaveLength(2);
    expect(mailFrom(h).at(-1)).toMatchObject({ to: 'meiling@guest.example', text: expect.stringMatching(/^You're unsubscribed: Lagoon \d+ won't send you any more messages/) });

    // A second STOP, a new question and a follow-up: nothing leaves.
    await guestWrites(h, { text: 'stop.', inReplyTo: thread });
    await guestWrites(h, { text: 'Do you have a gym?', inReplyTo: thread });
    expect((await followUp(h.id, conversation.id, 'We have a spa offer for you')).status).toBe(409);
    await s.core.outbox.settle();
    expect(mailFrom(h)).toHaveLength(2);

    await guestWrites(h, { text: 'START', inReplyTo: thread });
    expect((await onlyConversation(h.id)).guest.optedOut).toBe(false);
    expect(mailFrom(h)).toHaveLength(3);
    expect(mailFrom(h).at(-1)!.text).toMatch(/^Welcome back: you'll receive messages from Lagoon \d+ again/);
    expect((await followUp(h.id, conversation.id, 'Your parking pass is ready')).status).toBe(202);
    await s.core.outbox.settle();
    expect(mailFrom(h).at(-1)!.text).toBe('Your parking pass is ready');
  });

  it('honours UNSUBSCRIBE or 退订 in the subject line above an unrelated body, confirming in the guest’s language', async () => {
    const h = await hotel();
    await guestWrites(h, { subject: 'Re: 退订', text: '谢谢，不用再发了。' });
    const conversation = await onlyConversation(h.id);
    expect(conversation.guest.optedOut).toBe(true);
    expect(mailFrom(h)).toHaveLength(1);
    expect(mailFrom(h)[0]!.text).toMatch(/^您已退订/);
    expect((await followUp(h.id, conversation.id, 'Special rates this weekend')).status).toBe(409);

    // The mailto: link in List-Unsubscribe sends just a subject.
    const other = await hotel();
    await guestWrites(other, { subject: 'unsubscribe', text: '' });
    expect((await onlyConversation(other.id)).guest.optedOut).toBe(true);
    expect(mailFrom(other).map((m) => m.text)).toEqual([expect.stringMatching(/^You're unsubscribed/)]);
  });

  it('reads "cancel" as a question about a booking: answered or handed off, never an opt-out', async () => {
    const h = await hotel();
    const thread = await guestWrites(h, { subject: 'Cancel', text: 'cancel my booking' });
    await guestWrites(h, { text: 'Cancel', inReplyTo: thread });
    const conversation = await onlyConversation(h.id);
    expect(conversation.guest.optedOut).toBe(false);
    expect(conversation.status).toBe('needs_human'); // handed to staff, who see a booking question
    expect(mailFrom(h).length).toBeGreaterThanOrEqual(1);
    expect(mailFrom(h).every((m) => !/unsubscribed/.test(m.text))).toBe(true);
    expect((await followUp(h.id, conversation.id, 'We have cancelled booking 1234 for you')).status).toBe(202);
  });
});

describe('one-click unsubscribe (RFC 8058)', () => {
  async function proactiveMail(): Promise<{ h: Awaited<ReturnType<typeof hotel>>; conversationId: string; mail: SentMail; url: URL }> {
    const h = await hotel();
    await guestWrites(h, { text: 'Can we book the rooftop for a dinner?' });
    const conversation = await onlyConversation(h.id);
    expect((await followUp(h.id, conversation.id, 'The rooftop is free on Saturday')).status).toBe(202);
    await s.core.outbox.settle();
    const mail = mailFrom(h).at(-1)!;
    expect(mail.text).toBe('The rooftop is free on Saturday');
    const https = /<(http[^>]+)>/.exec(mail.headers['List-Unsubscribe'] ?? '');
    expect(https).not.toBeNull();
    return { h, conversationId: conversation.id, mail, url: new URL(https![1]!) };
  }

  it('proactive emails carry List-Unsubscribe (mailto and a link on the public listener) and List-Unsubscribe-Post; replies do not', async () => {
    const { h, mail, url } = await proactiveMail();
    expect(mail.headers['List-Unsubscribe']).toMatch(new RegExp(`^<mailto:${h.address}\\?subject=unsubscribe>, <${s.publicUrl}/webhooks/email/unsubscribe\\?`));
    expect(mail.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(url.origin).toBe(s.publicUrl);
    // The first answer (the staff notice) was a reply: no unsubscribe header on it.
    expect(mailFrom(h)[0]!.headers).not.toHaveProperty('List-Unsubscribe');
  });

  it('a POST to the link opts the guest out (time and channel); a GET only shows a page; a forged link is refused', async () => {
    const { h, conversationId, url } = await proactiveMail();

    const shown = await fetch(url);
    expect(shown.status).toBe(200);
    expect(shown.headers.get('content-type')).toMatch(/text\/html/);
    const page = await shown.text();
    expect(page).toContain(`Unsubscribe from ${h.name}`);
    expect(page).toMatch(/<form method="post"/);
    expect((await onlyConversation(h.id)).guest.optedOut).toBe(false); // link scanners fetch links

    const forged = new URL(url);
    forged.searchParams.set('t', 'A'.repeat(url.searchParams.get('t')!.length));
    const post = (u: URL) => fetch(u, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    const refused = await post(forged);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    // Another guest's id under this guest's signature, and a hotel that does not exist: refused alike.
    const otherGuest = new URL(url);
    otherGuest.searchParams.set('g', 'gst_not_this_guest');
    expect((await post(otherGuest)).status).toBe(403);
    const otherHotel = new URL(url);
    otherHotel.searchParams.set('p', 'no-such-hotel');
    expect((await post(otherHotel)).status).toBe(403);
    const incomplete = new URL(url);
    incomplete.searchParams.delete('t');
    expect((await post(incomplete)).status).toBe(400);
    expect((await fetch(forged)).status).toBe(403);
    expect((await onlyConversation(h.id)).guest.optedOut).toBe(false);

    const done = await post(url);
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('You are unsubscribed');
    expect((await onlyConversation(h.id)).guest.optedOut).toBe(true);
    expect(optOutRecord(h.id, conversationId)).toMatchObject({ opted_out_channel: 'email', opted_out_at: expect.any(String) });
    expect((await post(url)).status).toBe(200); // mail clients may repeat it

    const sent = mailFrom(h).length;
    expect((await followUp(h.id, conversationId, 'Last chance for the rooftop')).status).toBe(409);
    await s.core.outbox.settle();
    expect(mailFrom(h)).toHaveLength(sent);
  });

  it('by SMTP too: the follow-up carries both headers, and the link in them works', async () => {
    const h = await hotel({ sendVia: 'smtp', smtpHost: '127.0.0.1', smtpPort: smtp.port });
    await guestWrites(h, { text: 'Is the pool heated?' });
    const conversation = await onlyConversation(h.id);
    expect((await followUp(h.id, conversation.id, 'The pool is heated to 28 degrees')).status).toBe(202);
    await s.core.outbox.settle();
    const message = smtp.messages.find((m) => m.data.includes('The pool is heated to 28 degrees'));
    expect(message).toBeDefined();
    const headers = message!.data.split('\r\n\r\n')[0]!.replace(/\r\n[ \t]+/g, ' ');
    expect(headers).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    const link = new RegExp(`^List-Unsubscribe: <mailto:${h.address}\\?subject=unsubscribe>, <(http[^>]+)>$`, 'm').exec(headers);
    expect(link).not.toBeNull();
    const res = await fetch(link![1]!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(res.status).toBe(200);
    expect((await onlyConversation(h.id)).guest.optedOut).toBe(true);
  });
});
