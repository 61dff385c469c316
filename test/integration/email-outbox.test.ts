import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipart, sendgridRawParts, startEmailProviderStub, startSmtpStub, type EmailProviderStub, type SmtpStub } from '../support/email-provider-stub.js';
import { json, startTestServer, type TestServer } from '../support/server.js';

let s: TestServer;
let api: EmailProviderStub;
let smtp: SmtpStub;

beforeAll(async () => {
  api = await startEmailProviderStub();
  smtp = await startSmtpStub();
  s = await startTestServer({
    env: {
      NOCTURN_SENDGRID_API_BASE: api.url,
      NOCTURN_MAILGUN_API_BASE: `${api.url}/`,
      NOCTURN_POSTMARK_API_BASE: api.url,
      // No model and no knowledge: every question is handed to staff with a notice to the guest,
      // which is the reply these tests watch the outbox deliver.
      NOCTURN_OLLAMA_HOST: 'http://127.0.0.1:9',
      NOCTURN_EMBEDDER: 'none',
      NOCTURN_RETRY_BASE_MS: '20',
      NOCTURN_OUTBOX_MAX_ATTEMPTS: '5',
    },
  });
});

afterAll(async () => {
  await s?.stop();
  await api?.close();
  await smtp?.close();
});

async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

let hotelCount = 0;
async function hotel(channel: Record<string, unknown>): Promise<{ id: string; address: string; key: string }> {
  const slug = `mail-${++hotelCount}`;
  const created = await s.admin.post('/api/v1/properties', { name: `Seaside ${hotelCount}`, slug, timezone: 'Asia/Kuala_Lumpur', currency: 'MYR' });
  expect(created.status).toBe(201);
  const id = (await json(created)).id as string;
  const address = `reservations@${slug}.example`;
  const res = await s.admin.put(`/api/v1/properties/${id}/channels/email`, { inboundAddress: address, ...channel });
  expect(res.status).toBe(200);
  const view = await json(res);
  return { id, address, key: new URL(view.webhookUrl as string).searchParams.get('key') ?? '' };
}

function guestEmail(to: string, opts: { id?: string; inReplyTo?: string; references?: string; text: string; subject?: string }): { raw: Buffer; id: string } {
  const id = opts.id ?? `${randomUUID()}@guest.example`;
  const headers = [
    `Message-ID: <${id}>`,
    ...(opts.inReplyTo ? [`In-Reply-To: ${opts.inReplyTo}`] : []),
    ...(opts.references ? [`References: ${opts.references}`] : []),
    'From: Aisyah Rahman <aisyah@guest.example>',
    `To: ${to}`,
    `Subject: ${opts.subject ?? 'Airport transfer'}`,
    'Content-Type: text/plain; charset=utf-8',
  ];
  return { raw: Buffer.from(`${headers.join('\r\n')}\r\n\r\n${opts.text}\r\n`), id };
}

async function postSendgrid(h: { address: string; key: string }, raw: Buffer): Promise<void> {
  const { body, contentType } = multipart(sendgridRawParts(raw, h.address));
  const res = await fetch(`${s.publicUrl}/webhooks/email/sendgrid?key=${h.key}`, { method: 'POST', headers: { 'content-type': contentType }, body });
  expect(res.status).toBe(200);
  await s.core.inboundQueue.settle();
}

async function conversationIds(propertyId: string): Promise<string[]> {
  const list = await json(await s.admin.get(`/api/v1/properties/${propertyId}/conversations?channel=email`));
  return (list.items as { id: string }[]).map((c) => c.id);
}

async function messages(propertyId: string, conversationId: string): Promise<{ role: string; body: string; deliveryStatus: string | null }[]> {
  return (await json(await s.admin.get(`/api/v1/properties/${propertyId}/conversations/${conversationId}`))).messages as { role: string; body: string; deliveryStatus: string | null }[];
}

describe('email replies through the outbox', () => {
  it('SendGrid answering 500 then 202 delivers the reply once, threaded, and the guest’s answer lands in the same conversation', async () => {
    const h = await hotel({ provider: 'sendgrid', apiKey: 'SG.outbox-key-123', fromName: 'Seaside Front Desk' });
    const before = api.requests.length;
    api.script({ status: 500, body: { errors: [{ message: 'temporarily unavailable' }] } });
    const question = guestEmail(h.address, { text: 'Can you arrange an airport transfer for two people on Friday?' });
    await postSendgrid(h, question.raw);

    const sends = await waitFor('two SendGrid attempts', () => {
      const r = api.requests.slice(before).filter((q) => q.provider === 'sendgrid');
      return r.length >= 2 && r;
    });
    await s.core.outbox.settle();
    await new Promise((r) => setTimeout(r, 300));
    expect(api.requests.slice(before).filter((q) => q.provider === 'sendgrid')).toHaveLength(2);
    const sent = JSON.parse(sends[1]!.body) as {
      personalizations: { to: { email: string }[] }[];
      from: { email: string; name: string };
      subject: string;
      content: { type: string; value: string }[];
      headers: Record<string, string>;
    };
    expect(sends[1]!.headers.authorization).toBe('Bearer SG.outbox-key-123');
    expect(sent.personalizations[0]!.to).toEqual([{ email: 'aisyah@guest.example' }]);
    expect(sent.from).toEqual({ email: h.address, name: 'Seaside Front Desk' });
    expect(sent).not.toHaveProperty('reply_to');
    expect(sent.subject).toBe('Re: Airport transfer');
    expect(sent.headers['In-Reply-To']).toBe(`<${question.id}>`);
    expect(sent.headers.References).toBe(`<${question.id}>`);
    expect(sent.headers['Message-ID']).toMatch(/^<nocturn\.out_[A-Za-z0-9_-]+@mail-1\.example>$/);
    // The retry is the same message: same Message-ID as the failed attempt.
    expect((JSON.parse(sends[0]!.body) as { headers: Record<string, string> }).headers['Message-ID']).toBe(sent.headers['Message-ID']);

    const [conversationId] = await conversationIds(h.id);
    const transcript = await messages(h.id, conversationId!);
    expect(transcript.map((m) => m.role)).toEqual(['guest', 'assistant']);
    expect(transcript[1]!.body).toBe(sent.content[0]!.value);
    expect(transcript[1]!.deliveryStatus).toBe('sent');
    expect((await json(await s.admin.get(`/api/v1/properties/${h.id}/outbox/dead-letters`))).items).toEqual([]);

    // The guest replies to OUR message (In-Reply-To our Message-ID only): same conversation.
    const answer = guestEmail(h.address, {
      inReplyTo: sent.headers['Message-ID'],
      references: `<${question.id}> ${sent.headers['Message-ID']}`,
      subject: 'Re: Airport transfer',
      text: `Friday at 3pm, flight MH123.\r\n\r\nOn Fri, 5 Dec 2025 at 09:12, Seaside Front Desk <${h.address}> wrote:\r\n> ${sent.content[0]!.value}`,
    });
    await postSendgrid(h, answer.raw);
    expect(await conversationIds(h.id)).toEqual([conversationId]);
    const after = await messages(h.id, conversationId!);
    expect(after.filter((m) => m.role === 'guest').map((m) => m.body)).toEqual(['Can you arrange an airport transfer for two people on Friday?', 'Friday at 3pm, flight MH123.']);

    // A reply that names only our Message-ID in In-Reply-To (no References) still threads.
    const bare = guestEmail(h.address, { inReplyTo: sent.headers['Message-ID'], text: 'And a child seat please.' });
    await postSendgrid(h, bare.raw);
    expect(await conversationIds(h.id)).toEqual([conversationId]);
  });

  it('a permanent refusal (Postmark 422) becomes a dead letter staff can see, and is not retried', async () => {
    const h = await hotel({ provider: 'postmark', webhookUsername: 'pm-user', webhookPassword: 'pm-password-0123', apiKey: 'pm-server-token' });
    const before = api.requests.length;
    api.script({ status: 422, body: { ErrorCode: 406, Message: 'You tried to send to a recipient that has been marked as inactive.' } });
    const raw = guestEmail(h.address, { text: 'Is the pool open in the evening?', subject: 'Pool' }).raw;
    const body = {
      OriginalRecipient: h.address,
      ToFull: [{ Email: h.address, Name: '' }],
      FromFull: { Email: 'aisyah@guest.example', Name: 'Aisyah Rahman' },
      Subject: 'Pool',
      MessageID: randomUUID(),
      TextBody: 'Is the pool open in the evening?',
      Headers: [{ Name: 'Message-ID', Value: raw.toString().match(/Message-ID: (<[^>]+>)/)![1]! }],
    };
    const res = await fetch(`${s.publicUrl}/webhooks/email/postmark`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from('pm-user:pm-password-0123').toString('base64')}` },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    await s.core.inboundQueue.settle();
    const dead = await waitFor('a dead letter', async () => {
      const items = (await json(await s.admin.get(`/api/v1/properties/${h.id}/outbox/dead-letters`))).items as { status: string; lastError: string; attempts: number; channel: string }[];
      return items.length > 0 && items;
    });
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ status: 'dead', channel: 'email', attempts: 1 });
    expect(dead[0]!.lastError).toMatch(/Postmark answered 422/);
    await new Promise((r) => setTimeout(r, 300));
    const attempts = api.requests.slice(before).filter((q) => q.provider === 'postmark');
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.headers['x-postmark-server-token']).toBe('pm-server-token');
    const sent = JSON.parse(attempts[0]!.body) as { To: string; Subject: string; Headers: { Name: string; Value: string }[] };
    expect(sent.To).toBe('aisyah@guest.example');
    expect(sent.Subject).toBe('Re: Pool');
    expect(sent.Headers.find((x) => x.Name === 'In-Reply-To')?.Value).toBe(body.Headers[0]!.Value);
  });

  it('Mailgun answering 429 is retried; the reply goes out once with threading headers', async () => {
    const h = await hotel({ provider: 'mailgun', signingKey: 'mg-signing-key-0123', apiKey: 'mg-private-key', mailgunDomain: 'mg.seaside.example', fromAddress: 'desk@seaside.example' });
    const before = api.requests.length;
    api.script({ status: 429, body: { message: 'slow down' }, headers: { 'retry-after': '0' } });
    const email = guestEmail(h.address, { text: 'Do you have rooms with a sea view?', subject: 'Sea view' });
    const { createHmac } = await import('node:crypto');
    const timestamp = String(Math.floor(Date.now() / 1000));
    const token = randomUUID();
    const form = new URLSearchParams({
      recipient: h.address,
      from: 'Aisyah Rahman <aisyah@guest.example>',
      subject: 'Sea view',
      'body-plain': 'Do you have rooms with a sea view?',
      'Message-Id': `<${email.id}>`,
      timestamp,
      token,
      signature: createHmac('sha256', 'mg-signing-key-0123').update(timestamp + token).digest('hex'),
    });
    const res = await fetch(`${s.publicUrl}/webhooks/email/mailgun`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
    expect(res.status).toBe(200);
    await s.core.inboundQueue.settle();
    const attempts = await waitFor('two Mailgun attempts', () => {
      const r = api.requests.slice(before).filter((q) => q.provider === 'mailgun');
      return r.length >= 2 && r;
    });
    expect(attempts[1]!.path).toBe('/v3/mg.seaside.example/messages');
    expect(attempts[1]!.headers.authorization).toBe(`Basic ${Buffer.from('api:mg-private-key').toString('base64')}`);
    const fields = new URLSearchParams(attempts[1]!.body);
    expect(fields.get('to')).toBe('aisyah@guest.example');
    expect(fields.get('subject')).toBe('Re: Sea view');
    expect(fields.get('h:In-Reply-To')).toBe(`<${email.id}>`);
    expect(fields.get('h:Message-Id')).toMatch(/^<nocturn\.out_[^@]+@seaside\.example>$/);
    expect(fields.get('from')).toBe('"Seaside 3" <desk@seaside.example>');
    // Sent from another address: the guest's answer must still come back to the inbound address.
    expect(fields.get('h:Reply-To')).toBe(h.address);
    const [conversationId] = await conversationIds(h.id);
    await waitFor('delivery recorded', async () => (await messages(h.id, conversationId!)).find((m) => m.role === 'assistant' && m.deliveryStatus === 'sent'));
  });

  it('sends by SMTP with In-Reply-To, References and Re: subject; a 550 recipient refusal becomes a dead letter', async () => {
    const h = await hotel({ provider: 'sendgrid', sendVia: 'smtp', smtpHost: '127.0.0.1', smtpPort: smtp.port, smtpUser: 'desk', smtpPassword: 'smtp-pass-123', fromName: 'Seaside SMTP' });
    const first = guestEmail(h.address, { text: 'What time is check-in?', subject: 'Check-in time' });
    await postSendgrid(h, first.raw);
    const message = await waitFor('an SMTP message', () => smtp.messages.find((m) => m.data.includes(`In-Reply-To: <${first.id}>`)));
    expect(message.to).toEqual(['<aisyah@guest.example>']);
    expect(message.data).toMatch(/^Subject: Re: Check-in time$/m);
    expect(message.data).toMatch(new RegExp(`^References: <${first.id}>$`, 'm'));
    expect(message.data).toMatch(/^Message-ID: <nocturn\.out_[^>]+@mail-4\.example>$/m);
    expect(message.data).toMatch(/^From: Seaside SMTP <reservations@mail-4\.example>$/m);

    smtp.rcptReply = '550 5.1.1 <aisyah@guest.example>: Recipient address rejected';
    try {
      const second = guestEmail(h.address, { text: 'Is there a gym?', subject: 'Gym' });
      await postSendgrid(h, second.raw);
      const dead = await waitFor('an SMTP dead letter', async () => {
        const items = (await json(await s.admin.get(`/api/v1/properties/${h.id}/outbox/dead-letters`))).items as { lastError: string; attempts: number }[];
        return items.length > 0 && items;
      });
      expect(dead[0]!.lastError).toMatch(/SMTP 550/);
      expect(dead[0]!.attempts).toBe(1);
    } finally {
      smtp.rcptReply = '250 2.1.5 OK';
    }
  });
});
