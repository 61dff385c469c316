import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectionOf } from '../../server/db/handle.js';
import { WhatsAppRepository } from '../../server/features/channels/whatsapp/whatsapp.repository.js';
import { ManualClock } from '../support/clock.js';
import { messageWebhook, postWebhook, startGraphStub, statusWebhook, type GraphRequest, type GraphStub } from '../support/graph-stub.js';
import { ADMIN, json, signIn, startTestServer, type StaffClient, type TestServer } from '../support/server.js';
import { until } from '../support/wait.js';

const SECRETS = { appSecret: 'delivery-app-secret-31337', accessToken: 'EAAdelivery-token-xyz', verifyToken: 'delivery-verify-token' };

let s: TestServer;
let graph: GraphStub;
const clock = new ManualClock();
let admin: StaffClient;
let hotels = 0;

interface Hotel {
  id: string;
  phoneNumberId: string;
}

/** A hotel with WhatsApp connected through the staff API. */
async function newHotel(extra: Record<string, unknown> = {}): Promise<Hotel> {
  hotels++;
  const res = await admin.post('/api/v1/properties', { name: `Harbour ${hotels}`, slug: `harbour-${hotels}`, timezone: 'Asia/Kuala_Lumpur' });
  expect(res.status).toBe(201);
  const id = (await json(res)).id as string;
  const phoneNumberId = `10654035224${String(1000 + hotels)}`;
  const put = await admin.put(`/api/v1/properties/${id}/channels/whatsapp`, { phoneNumberId, ...SECRETS, ...extra });
  expect(put.status).toBe(200);
  return { id, phoneNumberId };
}

/** The guest writes on WhatsApp; waits until the message is processed and replies have been tried. */
async function guestWrites(hotel: Hotel, waId: string, message: { text?: string; message?: Record<string, unknown>; userIdOnly?: string }): Promise<string> {
  const built = message.userIdOnly
    ? userIdOnlyWebhook(hotel.phoneNumberId, message.userIdOnly, message.text ?? 'Hello')
    : messageWebhook({ phoneNumberId: hotel.phoneNumberId, waId, at: clock.now(), ...(message.text ? { text: message.text } : {}), ...(message.message ? { message: message.message } : {}) });
  const res = await postWebhook(s.publicUrl, built.body, SECRETS.appSecret);
  expect(res.status).toBe(200);
  await s.core.inboundQueue.settle();
  await s.core.whatsapp.settleMedia();
  await s.core.outbox.settle();
  return built.wamid;
}

/** A notification from a guest who hides their number behind a username (business-scoped id only). */
function userIdOnlyWebhook(phoneNumberId: string, userId: string, text: string): { body: string; wamid: string } {
  const wamid = `wamid.bsuid.${Date.now()}`;
  const value = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId },
    contacts: [{ profile: { name: 'Username Guest' }, user_id: userId }],
    messages: [{ from_user_id: userId, id: wamid, timestamp: String(Math.floor(clock.now().getTime() / 1000)), type: 'text', text: { body: text } }],
  };
  return { body: JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field: 'messages', value }] }] }), wamid };
}

async function conversationOf(hotel: Hotel): Promise<{ id: string; status: string; guest: { optedOut: boolean }; messages: { role: string; body: string; deliveryStatus: string | null }[] }> {
  const list = await json(await admin.get(`/api/v1/properties/${hotel.id}/conversations`));
  const items = list.items as { id: string }[];
  expect(items).toHaveLength(1);
  return (await json(await admin.get(`/api/v1/properties/${hotel.id}/conversations/${items[0]!.id}`))) as never;
}

/** Graph API requests for one hotel's number (retries of other tests' messages may interleave). */
const toHotel = (hotel: Hotel, reqs: GraphRequest[] = graph.requests) => reqs.filter((r) => r.path.includes(`/${hotel.phoneNumberId}/`));

const textsTo = (hotel: Hotel, reqs: GraphRequest[] = graph.delivered()) =>
  reqs.filter((r) => r.path.includes(`/${hotel.phoneNumberId}/`)).map((r) => (r.body.text as { body?: string } | undefined)?.body ?? `[${String(r.body.type)}]`);

beforeAll(async () => {
  graph = await startGraphStub();
  s = await startTestServer({
    clock,
    env: { NOCTURN_WHATSAPP_API_BASE: graph.url, NOCTURN_RETRY_BASE_MS: '10', NOCTURN_EMBEDDER: 'none', NOCTURN_OLLAMA_HOST: 'http://127.0.0.1:9' },
  });
  admin = s.admin;
});
beforeEach(() => graph.reset());
afterAll(async () => {
  await s?.stop();
  await graph?.close();
});

describe('WhatsApp replies through the Graph API (outbox)', () => {
  it('answers a guest; a 500 then a 200 delivers the reply exactly once', async () => {
    const hotel = await newHotel();
    graph.once({ kind: 'status', status: 500 });
    await guestWrites(hotel, '60123450001', { text: 'Hello' });
    await until(() => toHotel(hotel, graph.delivered()).length === 1, 'the retried send');
    await s.core.outbox.settle();

    expect(toHotel(hotel).map((r) => r.status)).toEqual([500, 200]);
    const [sent] = toHotel(hotel, graph.delivered());
    expect(sent!.path).toBe(`/v24.0/${hotel.phoneNumberId}/messages`);
    expect(sent!.authorization).toBe(`Bearer ${SECRETS.accessToken}`);
    expect(sent!.body).toMatchObject({ messaging_product: 'whatsapp', recipient_type: 'individual', to: '60123450001', type: 'text' });
    expect((sent!.body.text as { body: string }).body).toMatch(/welcome to Harbour/i);
    const conversation = await conversationOf(hotel);
    expect(conversation.messages.map((m) => [m.role, m.deliveryStatus])).toEqual([
      ['guest', null],
      ['assistant', 'sent'],
    ]);
  });

  it('applies status webhooks monotonically: a late "delivered" never downgrades "read"; failed parks it as a dead letter', async () => {
    const hotel = await newHotel();
    await guestWrites(hotel, '60123450002', { text: 'Hello' });
    const wamid = toHotel(hotel, graph.delivered())[0]!.wamid!;
    const status = async (st: string, errors?: unknown[]) => {
      const res = await postWebhook(s.publicUrl, statusWebhook({ phoneNumberId: hotel.phoneNumberId, wamid, status: st, recipient: '60123450002', at: clock.now(), ...(errors ? { errors } : {}) }), SECRETS.appSecret);
      expect(res.status).toBe(200);
      await s.core.inboundQueue.settle();
      return (await conversationOf(hotel)).messages.find((m) => m.role === 'assistant')!.deliveryStatus;
    };
    expect(await status('delivered')).toBe('delivered');
    expect(await status('read')).toBe('read');
    expect(await status('delivered')).toBe('read');
    expect(await status('sent')).toBe('read');
    expect(await status('failed', [{ code: 131026, title: 'Message undeliverable' }])).toBe('read');

    // The status lookup by wamid uses the unique index on the provider message id.
    const plan = connectionOf(s.core.properties
      .scope(hotel.id)).prepare(`explain query plan ${WhatsAppRepository.DELIVERY_TARGET_SQL}`)
      .all('x') as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/USING INDEX outbox_provider_message/);

    // A reply Meta later reports as failed (outside the window) becomes a dead letter staff can see.
    await guestWrites(hotel, '60123450002', { text: 'thanks' });
    const second = toHotel(hotel, graph.delivered()).at(-1)!.wamid!;
    const res = await postWebhook(
      s.publicUrl,
      statusWebhook({ phoneNumberId: hotel.phoneNumberId, wamid: second, status: 'failed', recipient: '60123450002', errors: [{ code: 131047, title: 'Re-engagement message' }] }),
      SECRETS.appSecret,
    );
    expect(res.status).toBe(200);
    await s.core.inboundQueue.settle();
    const dead = await json(await admin.get(`/api/v1/properties/${hotel.id}/outbox/dead-letters`));
    expect(dead.items).toEqual([expect.objectContaining({ channel: 'whatsapp', status: 'dead', lastError: expect.stringMatching(/24-hour WhatsApp window has closed/) })]);
  });

  it.each([
    { code: 131031, status: 403, reason: /locked or restricted/ },
    { code: 190, status: 401, reason: /access token has expired or was revoked/ },
  ])('a do-not-retry Graph error ($code) becomes a dead letter with a clear reason, sent once', async ({ code, status, reason }) => {
    const hotel = await newHotel();
    graph.once({ kind: 'error', status, code, message: 'stub says no' });
    await guestWrites(hotel, '60123450003', { text: 'Hello' });
    expect(toHotel(hotel)).toHaveLength(1);
    const dead = await json(await admin.get(`/api/v1/properties/${hotel.id}/outbox/dead-letters`));
    expect(dead.items).toEqual([expect.objectContaining({ channel: 'whatsapp', status: 'dead', attempts: 1, lastError: expect.stringMatching(reason) })]);
    expect((await conversationOf(hotel)).messages.find((m) => m.role === 'assistant')?.deliveryStatus).toBe('failed');
  });

  it('backs off on throttling (130429) and delivers afterwards', async () => {
    const hotel = await newHotel();
    graph.once({ kind: 'error', status: 400, code: 130429, message: 'Rate limit hit' });
    await guestWrites(hotel, '60123450004', { text: 'Hello' });
    expect(toHotel(hotel).map((r) => r.status)).toEqual([400]);
    const row = s.core.outbox.counts(s.core.properties.scope(hotel.id));
    expect(row.pending).toBe(1);
    expect(row.dead).toBe(0);
  });
});

describe('WhatsApp non-text messages, opt-out and the 24-hour window', () => {
  it('acknowledges a location, stores a reaction and a sticker quietly, and hands a voice note to a person', async () => {
    const hotel = await newHotel();
    const waId = '60123450010';
    await guestWrites(hotel, waId, { message: { type: 'location', location: { latitude: 3.139, longitude: 101.6869, name: 'KL Sentral' } } });
    expect(textsTo(hotel)).toEqual([expect.stringMatching(/sharing your location/)]);
    await guestWrites(hotel, waId, { message: { type: 'reaction', reaction: { message_id: 'wamid.x', emoji: '👍' } } });
    await guestWrites(hotel, waId, { message: { type: 'sticker', sticker: { id: '1', mime_type: 'image/webp', animated: false } } });
    expect(textsTo(hotel)).toHaveLength(1);
    expect((await conversationOf(hotel)).status).toBe('ai');

    await guestWrites(hotel, waId, { message: { type: 'audio', audio: { id: '2', mime_type: 'audio/ogg; codecs=opus', voice: true } } });
    expect(textsTo(hotel).at(-1)).toMatch(/can't listen to voice messages.*follow up/);
    const conversation = await conversationOf(hotel);
    expect(conversation.status).toBe('needs_human');
    expect(conversation.messages.filter((m) => m.role === 'guest').map((m) => m.body)).toEqual([
      '[Location: KL Sentral (3.139, 101.6869)]',
      '[Reacted 👍]',
      '[Sticker]',
      '[Voice message]',
    ]);
  });

  it('makes a lead of a guest whose first message is a voice note, but not of a STOP on its own', async () => {
    const hotel = await newHotel();
    await guestWrites(hotel, '60123450030', { message: { type: 'audio', audio: { id: '3', mime_type: 'audio/ogg; codecs=opus', voice: true } } });
    await guestWrites(hotel, '60123450031', { text: 'STOP' });
    const leads = (await json(await admin.get(`/api/v1/properties/${hotel.id}/leads`))).items as { conversationId: string; sourceChannel: string; status: string; details: { phone: string | null } }[];
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({ sourceChannel: 'whatsapp', status: 'new', details: { phone: '+60123450030' } });
    const conversations = (await json(await admin.get(`/api/v1/properties/${hotel.id}/conversations?limit=10`))).items as { id: string }[];
    expect(conversations).toHaveLength(2);
    expect(conversations.map((c) => c.id)).toContain(leads[0]!.conversationId);
  });

  it('keeps the voice note and photo a guest sends, encrypted, for staff to play; a file Meta cannot give is left out', async () => {
    const hotel = await newHotel();
    const waId = '60123450040';
    const voice = Buffer.concat([Buffer.from('OggS'), randomBytes(3000), Buffer.from('VOICE-NOTE-PLAINTEXT-MARKER')]);
    const photo = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), randomBytes(5000)]);
    graph.addMedia('media-voice-40', voice, 'audio/ogg; codecs=opus');
    graph.addMedia('media-photo-40', photo, 'image/jpeg');
    graph.addMedia('media-tampered-40', Buffer.from('not what Meta hashed'), 'image/png', { sha256: 'f'.repeat(64) });
    await guestWrites(hotel, waId, { message: { type: 'audio', audio: { id: 'media-voice-40', mime_type: 'audio/ogg; codecs=opus', voice: true } } });
    await guestWrites(hotel, waId, { message: { type: 'image', image: { id: 'media-photo-40', mime_type: 'image/jpeg', caption: 'Is this the right entrance?' } } });
    await guestWrites(hotel, waId, { message: { type: 'image', image: { id: 'media-tampered-40', mime_type: 'image/png' } } });
    await guestWrites(hotel, waId, { message: { type: 'document', document: { id: 'media-expired-40', mime_type: 'application/pdf', filename: 'passport.pdf' } } });

    const conversation = (await json(await admin.get(`/api/v1/properties/${hotel.id}/conversations/${(await conversationOf(hotel)).id}`))) as {
      id: string;
      messages: { id: string; role: string; body: string; media?: { mimeType: string; size: number } }[];
    };
    const guest = conversation.messages.filter((m) => m.role === 'guest');
    expect(guest.map((m) => [m.body, m.media ?? null])).toEqual([
      ['[Voice message]', { mimeType: 'audio/ogg', size: voice.length }],
      ['[Photo] Is this the right entrance?', { mimeType: 'image/jpeg', size: photo.length }],
      ['[Photo]', null],
      ['[Document: passport.pdf]', null],
    ]);

    // Staff play the voice note as the guest recorded it; the photo shows in the page.
    const url = (m: { id: string }) => `/api/v1/properties/${hotel.id}/conversations/${conversation.id}/messages/${m.id}/media`;
    const played = await admin.get(url(guest[0]!));
    expect(played.status).toBe(200);
    expect(played.headers.get('content-type')).toBe('audio/ogg');
    expect(played.headers.get('content-disposition')).toBe('inline');
    expect(Buffer.from(await played.arrayBuffer()).equals(voice)).toBe(true);
    expect(Buffer.from(await (await admin.get(url(guest[1]!))).arrayBuffer()).equals(photo)).toBe(true);
    expect((await admin.get(url(guest[2]!))).status).toBe(404);
    // Both media requests (the lookup, then the file) carried the hotel's token.
    expect(graph.requests.filter((r) => r.method === 'GET' && r.path.includes('media-voice-40')).map((r) => r.authorization)).toEqual([`Bearer ${SECRETS.accessToken}`, `Bearer ${SECRETS.accessToken}`]);

    // Encrypted at rest: the recording's bytes are nowhere in the hotel's database files.
    const db = connectionOf(s.core.properties.scope(hotel.id));
    db.pragma('wal_checkpoint(TRUNCATE)');
    const files = [db.name, `${db.name}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f));
    expect(files.some((f) => f.includes('VOICE-NOTE-PLAINTEXT-MARKER'))).toBe(false);

    // Another hotel's staff cannot fetch it.
    const other = await newHotel();
    const outsider = await s.staff('agent', [other.id]);
    expect((await outsider.get(url(guest[0]!))).status).toBe(404);
  });

  it('shows the guest their message read and the assistant typing while it answers; not while the AI is paused', async () => {
    const hotel = await newHotel();
    const wamid = await guestWrites(hotel, '60123450050', { text: 'Hello' });
    await until(() => graph.receipts.length === 1, 'the read receipt');
    expect(graph.receipts).toEqual([{ path: `/v24.0/${hotel.phoneNumberId}/messages`, messageId: wamid, typing: true }]);
    expect(textsTo(hotel)).toHaveLength(1);

    expect((await admin.put(`/api/v1/properties/${hotel.id}/ai/pause`, { paused: true })).status).toBe(200);
    await guestWrites(hotel, '60123450050', { text: 'Are you there?' });
    expect(graph.receipts).toHaveLength(1);
    expect((await admin.put(`/api/v1/properties/${hotel.id}/ai/pause`, { paused: false })).status).toBe(200);
  });

  it('replies to a guest known only by a business-scoped user id', async () => {
    const hotel = await newHotel();
    await guestWrites(hotel, '', { userIdOnly: 'US.13491208655302741918', text: 'Hello' });
    expect(toHotel(hotel, graph.delivered()).map((r) => r.body.to)).toEqual(['US.13491208655302741918']);
  });

  it('STOP opts the guest out once; follow-ups are refused unless overridden, and the override is audited', async () => {
    const hotel = await newHotel();
    const waId = '60123450020';
    await guestWrites(hotel, waId, { text: 'Hello' });
    await guestWrites(hotel, waId, { text: 'STOP' });
    expect(textsTo(hotel).at(-1)).toMatch(/unsubscribed/);
    let conversation = await conversationOf(hotel);
    expect(conversation.guest.optedOut).toBe(true);
    const sentBefore = toHotel(hotel, graph.delivered()).length;

    await guestWrites(hotel, waId, { text: 'What time is breakfast?' });
    await guestWrites(hotel, waId, { text: 'stop' });
    expect(toHotel(hotel, graph.delivered()).length).toBe(sentBefore);

    const refused = await admin.post(`/api/v1/properties/${hotel.id}/conversations/${conversation.id}/follow-up`, { text: 'We have a room offer for you' });
    expect(refused.status).toBe(409);
    const override = await admin.post(`/api/v1/properties/${hotel.id}/conversations/${conversation.id}/follow-up`, { text: 'Your lost passport is at the front desk', override: true });
    expect(override.status).toBe(202);
    await s.core.outbox.settle();
    expect(textsTo(hotel).at(-1)).toBe('Your lost passport is at the front desk');
    const audit = await json(await admin.get(`/api/v1/audit?action=outbox.override&propertyId=${hotel.id}`));
    expect(audit.items).toEqual([expect.objectContaining({ action: 'outbox.override', target: `conversation:${conversation.id}`, after: expect.objectContaining({ override: true, optedOut: true }) })]);

    await guestWrites(hotel, waId, { text: 'START' });
    expect(textsTo(hotel).at(-1)).toMatch(/Welcome back/);
    conversation = await conversationOf(hotel);
    expect(conversation.guest.optedOut).toBe(false);
  });

  it('BERHENTI is confirmed in Malay and MULA opts back in; "cancel my booking" and "Cancel" are handed to staff, not opt-outs', async () => {
    const hotel = await newHotel();
    await guestWrites(hotel, '60123450040', { text: 'Berhenti!' });
    expect(textsTo(hotel).at(-1)).toMatch(/^Anda telah berhenti melanggan: Harbour \d+ .*MULA/);
    expect((await conversationOf(hotel)).guest.optedOut).toBe(true);
    await guestWrites(hotel, '60123450040', { text: 'MULA' });
    expect(textsTo(hotel).at(-1)).toMatch(/^Selamat kembali/);
    expect((await conversationOf(hotel)).guest.optedOut).toBe(false);

    const other = await newHotel();
    await guestWrites(other, '60123450041', { text: 'cancel my booking' });
    await guestWrites(other, '60123450041', { text: 'Cancel' });
    const conversation = await conversationOf(other);
    expect(conversation.guest.optedOut).toBe(false);
    expect(conversation.status).toBe('needs_human'); // no model here: a person answers the booking question
    expect(textsTo(other).length).toBeGreaterThanOrEqual(1);
    expect(textsTo(other).every((t) => !/unsubscribed/.test(t))).toBe(true);
  });

  it('outside the 24-hour window: no template means a dead letter saying why; with one, the template is sent', async () => {
    const without = await newHotel();
    const withTemplate = await newHotel({ templateName: 'reply_waiting', templateLanguage: 'en_GB' });
    await guestWrites(without, '60123450030', { text: 'Hello' });
    await guestWrites(withTemplate, '60123450031', { text: 'Hello' });
    // Inside the window, Meta may still answer 131047 (clocks differ): the template goes instead.
    graph.once({ kind: 'error', status: 400, code: 131047, message: 'Re-engagement message' });
    const early = await conversationOf(withTemplate);
    expect((await admin.post(`/api/v1/properties/${withTemplate.id}/conversations/${early.id}/messages`, { text: 'A staff note' })).status).toBe(201);
    await s.core.outbox.settle();
    expect(toHotel(withTemplate, graph.delivered()).at(-1)!.body).toMatchObject({ type: 'template', template: { name: 'reply_waiting', language: { code: 'en_GB' } } });
    graph.reset();

    clock.advance(25 * 60 * 60_000);
    admin = await signIn(s.staffUrl, ADMIN.email, ADMIN.password);
    for (const hotel of [without, withTemplate]) {
      const c = await conversationOf(hotel);
      expect((await admin.post(`/api/v1/properties/${hotel.id}/conversations/${c.id}/messages`, { text: 'Your room is ready' })).status).toBe(201);
    }
    await s.core.outbox.settle();

    expect(toHotel(without)).toHaveLength(0);
    const dead = await json(await admin.get(`/api/v1/properties/${without.id}/outbox/dead-letters`));
    expect(dead.items).toEqual([expect.objectContaining({ preview: 'Your room is ready', lastError: expect.stringMatching(/24-hour WhatsApp window has closed.*template/) })]);

    const sent = toHotel(withTemplate, graph.delivered());
    expect(sent.map((r) => r.body)).toEqual([expect.objectContaining({ to: '60123450031', type: 'template', template: { name: 'reply_waiting', language: { code: 'en_GB' } } })]);
  });
});
