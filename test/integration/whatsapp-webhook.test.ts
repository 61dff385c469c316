import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseMessage, splitWebhook } from '../../server/features/channels/whatsapp/whatsapp.normalise.js';
import { cliActor } from '../../server/shared/actor.js';
import { messageWebhook, postWebhook, signature, startGraphStub, type GraphStub } from '../support/graph-stub.js';
import { json, startTestServer, tempDir, type TestServer } from '../support/server.js';

/** Real payloads (see ../shared/testdata/SOURCES.md), read and sent verbatim. */
const FIXTURES = path.resolve(import.meta.dirname, '../../../shared/testdata/whatsapp');
const SECRETS = { appSecret: 'test-app-secret-9f8e7d', accessToken: 'EAAtest-access-token', verifyToken: 'verify-me-please' };
const actor = cliActor('test');

interface Stored {
  type: string;
  text: string;
  name: string | null;
  phone: string | null;
}
interface Expect {
  /** Events routed to the hotel (new + duplicate), as the webhook answer reports them. */
  received: number;
  /** Guest messages stored, in order. */
  messages: Stored[];
}

const netflie = (type: string, text: string, phone: string | null = null, name: string | null = 'NAME'): Stored => ({ type, text, name, phone });
const pywa = (type: string, text: string): Stored => ({ type, text, name: 'Test Name', phone: '+972987654321' });
const one = (m: Stored): Expect => ({ received: 1, messages: [m] });
const STATUS: Expect = { received: 1, messages: [] };
/** A message type that is logged and ignored (system notices, orders, deletions, edits). */
const NOT_A_GUEST_MESSAGE: Expect = { received: 1, messages: [] };
/** A webhook field Nocturn does not subscribe to (calls, echoes, template and preference updates). */
const OTHER_FIELD: Expect = { received: 0, messages: [] };

/** What each real payload must become (the fixtures are read verbatim; see testdata/SOURCES.md). */
const EXPECTED: Record<string, Expect> = {
  'netflie/authentication_status.json': STATUS,
  'netflie/button.json': one(netflie('button', 'No', '+16315551234')),
  'netflie/button_reply.json': one(netflie('button_reply', 'button-text')),
  'netflie/button_with_context_and_referral.json': one(netflie('button', 'No', '+16315551234')),
  'netflie/contact.json': one(netflie('contacts', '[Contact card: CONTACT_FORMATTED_NAME (CONTACT_PHONE)]')),
  'netflie/document.json': one(netflie('document', '[Document: FILENAME] CAPTION_TEXT')),
  'netflie/flow.json': one(netflie('flow_reply', '[Form reply] screen_0_name_0: Email; screen_0_orderNumber_1: ID')),
  'netflie/forwarded.json': one(netflie('text', 'MESSAGE_BODY', '+16315551234')),
  'netflie/image.json': one(netflie('image', '[Photo] CAPTION_TEXT')),
  'netflie/keep_wa_id_priority_when_user_id_is_present.json': one(netflie('text', 'MESSAGE_BODY')),
  'netflie/list.json': one(netflie('list_reply', 'list_reply_title (list_reply_description)')),
  'netflie/location.json': one(netflie('location', '[Location: LOCATION_NAME, LOCATION_ADDRESS (LOCATION_LATITUDE, LOCATION_LONGITUDE)]')),
  'netflie/marketing_status.json': STATUS,
  // Two changes carrying the same wamid: stored once.
  'netflie/multiple_text.json': { received: 2, messages: [netflie('text', 'MESSAGE_BODY')] },
  'netflie/notification_with_bsuid_only_and_no_from.json': one(netflie('text', 'MESSAGE_BODY')),
  'netflie/order.json': NOT_A_GUEST_MESSAGE,
  'netflie/reaction.json': one(netflie('reaction', '[Reacted EMOJI]')),
  'netflie/removed_reaction.json': one(netflie('reaction', '[Reaction removed]')),
  'netflie/service_status.json': STATUS,
  'netflie/status.json': STATUS,
  'netflie/status_conversation_initiated.json': STATUS,
  'netflie/status_with_errors.json': STATUS,
  'netflie/status_with_pricing.json': STATUS,
  'netflie/status_without_expiration_time.json': STATUS,
  'netflie/sticker.json': one(netflie('sticker', '[Sticker]')),
  'netflie/system.json': NOT_A_GUEST_MESSAGE,
  'netflie/text.json': one(netflie('text', 'MESSAGE_BODY')),
  'netflie/text_without_contact_profile.json': one(netflie('text', 'MESSAGE_BODY', null, null)),
  'netflie/unknown.json': one(netflie('unsupported', '[Unsupported message]')),
  'netflie/utility_status.json': STATUS,
  'pywa/call_connect__user_initiated.json': OTHER_FIELD,
  'pywa/callback_button__button.json': one(pywa('button_reply', 'title')),
  'pywa/callback_button__quick_reply.json': one(pywa('button', 'title')),
  'pywa/callback_button__quick_reply_without_context.json': one(pywa('button', 'title')),
  'pywa/callback_selection__callback.json': one(pywa('list_reply', 'title')),
  'pywa/callback_selection__description.json': one(pywa('list_reply', 'title (description)')),
  'pywa/deleted_message__revoke.json': NOT_A_GUEST_MESSAGE,
  'pywa/edited_message__image.json': NOT_A_GUEST_MESSAGE,
  'pywa/flow_completion__completion.json': one(pywa('flow_reply', '[Form reply] comment_text: Comment Text; delivery_rating: 4; purchase_rating: 2; recommend_radio: 0; cs_rating: 0')),
  'pywa/message__animated_sticker.json': one(pywa('sticker', '[Animated sticker]')),
  'pywa/message__audio.json': one(pywa('audio', '[Audio]')),
  'pywa/message__chosen_location.json': one(pywa('location', '[Location: Facebook HQ, 1 Hacker Way, Menlo Park, CA 94025 (37.4611978, -122.2164385)]')),
  'pywa/message__contacts.json': one(pywa('contacts', '[Contact card: Chandler Bing (+1 555-555-5555); Monica (+1 666-666-6666); Rachel Green (+1 777-777-7777)]')),
  'pywa/message__current_location.json': one(pywa('location', '[Location: (12.25089, 43.90539)]')),
  'pywa/message__document.json': one(pywa('document', '[Document: filename.pdf] caption')),
  'pywa/message__forwarded.json': one(pywa('text', 'forwarded text')),
  'pywa/message__forwarded_many_times.json': one(pywa('text', 'text forwarded many times')),
  'pywa/message__image.json': one(pywa('image', '[Photo]')),
  'pywa/message__interactive_message_with_err.json': one(pywa('unsupported', '[Unsupported message: interactive]')),
  'pywa/message__media_with_url.json': one(pywa('image', '[Photo]')),
  'pywa/message__order.json': NOT_A_GUEST_MESSAGE,
  'pywa/message__reaction.json': one(pywa('reaction', '[Reacted 😮]')),
  'pywa/message__referral.json': one(pywa('text', 'BODY')),
  'pywa/message__reply.json': one(pywa('text', 'replied text')),
  'pywa/message__static_sticker.json': one(pywa('sticker', '[Sticker]')),
  'pywa/message__text.json': one(pywa('text', 'Body Text')),
  'pywa/message__unreaction_empty.json': one(pywa('reaction', '[Reaction removed]')),
  'pywa/message__unreaction_no_emoji.json': one(pywa('reaction', '[Reaction removed]')),
  'pywa/message__unsupported.json': one(pywa('unsupported', '[Unsupported message]')),
  'pywa/message__unsupported_with_type.json': one(pywa('unsupported', '[Unsupported message: pool]')),
  'pywa/message__video.json': one(pywa('video', '[Video] caption')),
  'pywa/message__voice.json': one(pywa('voice', '[Voice message]')),
  'pywa/message_status__delivered.json': STATUS,
  'pywa/message_status__failed.json': STATUS,
  'pywa/message_status__group.json': STATUS,
  'pywa/message_status__played.json': STATUS,
  'pywa/message_status__read.json': STATUS,
  'pywa/message_status__sent.json': STATUS,
  'pywa/message_status__with_tracker.json': STATUS,
  'pywa/outgoing_message__delete.json': OTHER_FIELD,
  'pywa/outgoing_message__edit.json': OTHER_FIELD,
  'pywa/outgoing_message__text.json': OTHER_FIELD,
  'pywa/system__identity_change.json': NOT_A_GUEST_MESSAGE,
  'pywa/system__phone_number_change.json': NOT_A_GUEST_MESSAGE,
  'pywa/template_status_update__approved.json': OTHER_FIELD,
  'pywa/user_marketing_preferences__signup.json': OTHER_FIELD,
};

const fixtures = readdirSync(FIXTURES).flatMap((dir) => readdirSync(path.join(FIXTURES, dir)).map((f) => `${dir}/${f}`));

let s: TestServer;
let graph: GraphStub;
let retired = 0;
let hotels = 0;

async function newHotel(): Promise<string> {
  const res = await s.admin.post('/api/v1/properties', { name: `Fixture Hotel ${++hotels}`, slug: `fixture-${hotels}`, timezone: 'Asia/Kuala_Lumpur' });
  expect(res.status).toBe(201);
  return (await json(res)).id as string;
}

/** Points a phone-number id at a hotel (moving it off the hotel that held it). */
function bind(propertyId: string, phoneNumberId: string): void {
  const holder = s.core.channels.resolve('whatsapp', phoneNumberId);
  if (holder && holder.propertyId !== propertyId) s.core.channels.put(holder.propertyId, 'whatsapp', { routingKey: `retired-${++retired}`, secrets: {}, settings: {} }, actor);
  s.core.channels.put(propertyId, 'whatsapp', { routingKey: phoneNumberId, secrets: SECRETS, settings: {} }, actor);
}

/** The guest messages of a hotel with their sender, as staff see them through the API. */
async function guestMessages(propertyId: string): Promise<{ text: string; name: string | null; phone: string | null }[]> {
  const list = await json(await s.admin.get(`/api/v1/properties/${propertyId}/conversations?limit=50`));
  const out: { text: string; name: string | null; phone: string | null }[] = [];
  for (const c of list.items as { id: string }[]) {
    const detail = await json(await s.admin.get(`/api/v1/properties/${propertyId}/conversations/${c.id}`));
    const contact = await json(await s.admin.post(`/api/v1/properties/${propertyId}/conversations/${c.id}/reveal`));
    for (const m of detail.messages as { role: string; body: string }[]) {
      if (m.role === 'guest') out.push({ text: m.body, name: contact.name as string | null, phone: contact.phone as string | null });
    }
  }
  return out;
}

beforeAll(async () => {
  graph = await startGraphStub();
  s = await startTestServer({ env: { NOCTURN_WHATSAPP_API_BASE: graph.url, NOCTURN_EMBEDDER: 'none', NOCTURN_OLLAMA_HOST: 'http://127.0.0.1:9' } });
});
afterAll(async () => {
  await s?.stop();
  await graph?.close();
});

describe('WhatsApp webhook: every real payload', () => {
  it('has an expectation for every fixture in testdata/whatsapp', () => {
    expect(fixtures.filter((f) => !EXPECTED[f])).toEqual([]);
  });

  it.each(fixtures)('%s: refused unsigned or wrongly signed, accepted once when signed, normalised', async (file) => {
    const expected = EXPECTED[file]!;
    const bytes = readFileSync(path.join(FIXTURES, file));
    const body = JSON.parse(bytes.toString('utf8')) as unknown;
    const propertyId = await newHotel();
    const ids = new Set(splitWebhook(body).events.map((e) => e.phoneNumberId));
    for (const id of ids) bind(propertyId, id);

    expect((await postWebhook(s.publicUrl, bytes, null)).status).toBe(401);
    expect((await postWebhook(s.publicUrl, bytes, 'not-the-app-secret')).status).toBe(401);
    const first = await postWebhook(s.publicUrl, bytes, SECRETS.appSecret);
    expect(first.status).toBe(200);
    expect(await json(first)).toEqual({ received: expected.received });
    // Meta retries: the same notification again is acknowledged and processed once.
    expect((await postWebhook(s.publicUrl, bytes, SECRETS.appSecret)).status).toBe(200);
    await s.core.inboundQueue.settle();

    const normalised = splitWebhook(body)
      .events.flatMap((e) => (e.event.kind === 'message' ? [normaliseMessage(e.event.message, e.event.contact)] : []))
      .filter((m, i, all) => m.handling !== 'ignore' && all.findIndex((x) => x.wamid === m.wamid) === i);
    expect(normalised.map((m) => ({ type: m.type, text: m.text, name: m.from.name, phone: m.from.phone }))).toEqual(expected.messages);
    expect(await guestMessages(propertyId)).toEqual(expected.messages.map(({ text, name, phone }) => ({ text, name, phone })));
  });
});

describe('WhatsApp webhook: signature, handshake, routing, limits', () => {
  let propertyId: string;
  const phoneNumberId = '106540352242922';

  beforeAll(async () => {
    propertyId = await newHotel();
    bind(propertyId, phoneNumberId);
  });

  it('verifies the signature over the exact bytes: one changed byte is refused', async () => {
    const { body } = messageWebhook({ phoneNumberId, waId: '16505551234', text: 'Do you have parking?' });
    const sig = signature(SECRETS.appSecret, body);
    const tampered = body.replace('parking', 'Parking');
    const res = await fetch(`${s.publicUrl}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sig }, body: tampered });
    expect(res.status).toBe(401);
    const malformed = await fetch(`${s.publicUrl}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': 'sha1=abc' }, body });
    expect(malformed.status).toBe(401);
  });

  it('refuses a body over the webhook size limit (413) without reading it all', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 1, 0x20);
    const res = await postWebhook(s.publicUrl, big, SECRETS.appSecret);
    expect(res.status).toBe(413);
  });

  it('answers the verification handshake with the challenge for a bound verify token, 403 otherwise', async () => {
    const ok = await fetch(`${s.publicUrl}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${SECRETS.verifyToken}&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await ok.text()).toBe('1158201444');
    const wrong = await fetch(`${s.publicUrl}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444`);
    expect(wrong.status).toBe(403);
    const mode = await fetch(`${s.publicUrl}/webhooks/whatsapp?hub.mode=unsubscribe&hub.verify_token=${SECRETS.verifyToken}&hub.challenge=1`);
    expect(mode.status).toBe(403);
  });

  it('acknowledges a notification for a number no hotel is bound to, stores nothing and logs no guest data (A2)', async () => {
    const before = s.core.inboundQueue.counts();
    const { body } = messageWebhook({ phoneNumberId: '999000111222', waId: '60123456789', name: 'Unrouted Guest', text: 'secret question about room 1204' });
    const res = await postWebhook(s.publicUrl, body, SECRETS.appSecret);
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ received: 0 });
    expect(s.core.inboundQueue.counts()).toEqual(before);
    const logs = s.logs();
    expect(logs).toContain('no hotel is bound to');
    expect(logs).not.toContain('Unrouted Guest');
    expect(logs).not.toContain('secret question');
    expect(logs).not.toContain('60123456789');
    // A forged notification for an unknown number is still refused.
    expect((await postWebhook(s.publicUrl, body, 'forged-secret')).status).toBe(401);
  });

  it('rate-limits unauthenticated requests per sender address with 429 and Retry-After, surviving a restart', async () => {
    const tmp = tempDir();
    const env = { NOCTURN_WEBHOOK_RATE_BURST: '5', NOCTURN_WEBHOOK_RATE_PER_SECOND: '0.05', NOCTURN_EMBEDDER: 'none', NOCTURN_OLLAMA_HOST: 'http://127.0.0.1:9', NOCTURN_TRUST_FORWARDED_FOR: 'true' };
    let small = await startTestServer({ env, dataDir: tmp.dir, noAdmin: true });
    try {
      const flood = { 'x-forwarded-for': '10.9.8.7, 203.0.113.77' };
      // Meta's signed deliveries are never throttled: more than the burst, all acknowledged.
      const hotel = small.core.properties.create({ name: 'Small Hotel', slug: 'small-hotel', timezone: 'Asia/Kuala_Lumpur' }, actor);
      small.core.channels.put(hotel.id, 'whatsapp', { routingKey: phoneNumberId, secrets: SECRETS, settings: {} }, actor);
      for (let i = 0; i < 8; i++) {
        const { body } = messageWebhook({ phoneNumberId, waId: '16505550000', text: `Question ${i}` });
        expect((await postWebhook(small.publicUrl, body, SECRETS.appSecret, flood)).status).toBe(200);
      }
      // Unsigned or wrongly signed requests use up the allowance.
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await postWebhook(small.publicUrl, '{}', null, flood)).status);
      expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      const limited = await postWebhook(small.publicUrl, '{}', null, flood);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      // The address is the last X-Forwarded-For hop (set by the tunnel): another one is not affected.
      expect((await postWebhook(small.publicUrl, '{}', null, { 'x-forwarded-for': '203.0.113.77, 198.51.100.9' })).status).toBe(401);

      await small.stop();
      small = await startTestServer({ env, dataDir: tmp.dir, noAdmin: true });
      expect((await postWebhook(small.publicUrl, '{}', null, flood)).status).toBe(429);
    } finally {
      await small.stop();
      tmp.remove();
    }
  });
});

describe('WhatsApp channel settings (staff API)', () => {
  it('sets up WhatsApp for a hotel, never returns the secrets, and shows the webhook URL', async () => {
    const propertyId = await newHotel();
    const missing = await s.admin.put(`/api/v1/properties/${propertyId}/channels/whatsapp`, { phoneNumberId: '123456789012345' });
    expect(missing.status).toBe(400);
    const put = await s.admin.put(`/api/v1/properties/${propertyId}/channels/whatsapp`, { phoneNumberId: '123456789012345', ...SECRETS, templateName: 'reply_waiting' });
    expect(put.status).toBe(200);
    const saved = await json(put);
    expect(saved).toMatchObject({ channel: 'whatsapp', configured: true, active: true, routingKey: '123456789012345', settings: { templateName: 'reply_waiting' }, secretsSet: ['accessToken', 'appSecret', 'verifyToken'] });
    expect(JSON.stringify(saved)).not.toContain(SECRETS.appSecret);

    // Changing only the template keeps the stored secrets.
    const update = await s.admin.put(`/api/v1/properties/${propertyId}/channels/whatsapp`, { phoneNumberId: '123456789012345' });
    expect(update.status).toBe(200);
    expect(s.core.channels.get(propertyId, 'whatsapp')?.secrets).toEqual(SECRETS);

    const list = await s.admin.get(`/api/v1/properties/${propertyId}/channels`);
    expect(list.status).toBe(200);
    const text = await list.text();
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
    const items = (JSON.parse(text) as { items: { channel: string; configured: boolean; webhookUrl: string | null }[] }).items;
    expect(items.find((i) => i.channel === 'whatsapp')).toMatchObject({ configured: true, webhookUrl: `${s.publicUrl}/webhooks/whatsapp` });
    expect(items.find((i) => i.channel === 'widget')?.configured).toBe(false);

    // The same number cannot belong to two hotels (A2).
    const other = await newHotel();
    expect((await s.admin.put(`/api/v1/properties/${other}/channels/whatsapp`, { phoneNumberId: '123456789012345', ...SECRETS })).status).toBe(409);
    // Channel settings are for admins; a manager may read them.
    const manager = await s.staff('manager');
    expect((await manager.put(`/api/v1/properties/${propertyId}/channels/whatsapp`, { phoneNumberId: '123456789012345' })).status).toBe(403);
    expect((await manager.get(`/api/v1/properties/${propertyId}/channels`)).status).toBe(200);
  });
});
