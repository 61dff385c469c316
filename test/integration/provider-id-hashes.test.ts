import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionOf } from '../../server/db/handle.js';
import { loadConfig } from '../../server/config/config.js';
import { openCore } from '../../server/core.js';
import { EmailThreadRepository } from '../../server/features/channels/email/email-thread.repository.js';
import { ConversationRepository } from '../../server/features/conversations/conversation.repository.js';
import { cliActor } from '../../server/shared/actor.js';
import { createLogger } from '../../server/shared/logger.js';
import { messageWebhook, postWebhook, startGraphStub, statusWebhook, type GraphStub } from '../support/graph-stub.js';
import { json, startTestServer, tempDir, type TestServer } from '../support/server.js';
import { until } from '../support/wait.js';

/**
 * Issue 15: WhatsApp message ids (base64 that can decode to the guest's phone number) and email
 * Message-IDs (the sender's domain) are stored only as keyed hashes, in every database file
 * including the WAL; rows written in plaintext before are converted once at start-up.
 */

const SECRETS = { appSecret: 'hashes-app-secret-7070', accessToken: 'EAAhashes-token', verifyToken: 'hashes-verify-token' };
const PHONE_NUMBER_ID = '106540352240070';
const WAMID = 'wamid.HBgLNjAxMjM0NTY3ODkVAgASGBQzQUZGRkE3RjcwQTdCNzY1NTk1NQA=';
const MESSAGE_ID = 'CAJx-plaintext-probe-7070@mail.guest-domain-7070.example';

/** Every file under the data directory (databases, WAL, shared memory), as bytes. */
function filesUnder(dir: string): { file: string; bytes: Buffer }[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [{ file: full, bytes: readFileSync(full) }];
  });
}

function plaintextHits(dir: string, needles: string[]): string[] {
  return filesUnder(dir).flatMap(({ file, bytes }) => needles.filter((n) => bytes.includes(Buffer.from(n, 'utf8'))).map((n) => `${path.relative(dir, file)}: ${n}`));
}

describe('provider ids stored as keyed hashes (issue 15)', () => {
  let s: TestServer;
  let graph: GraphStub;
  let hotelId: string;
  const POSTMARK = { user: 'postmark-hashes', password: 'pm-hashes-password-7070', address: 'stay@hashes.example' };

  beforeAll(async () => {
    graph = await startGraphStub();
    s = await startTestServer({ env: { NOCTURN_WHATSAPP_API_BASE: graph.url, NOCTURN_EMBEDDER: 'none', NOCTURN_OLLAMA_HOST: 'http://127.0.0.1:9' } });
    hotelId = (await json(await s.admin.post('/api/v1/properties', { name: 'Hashes Inn', slug: 'hashes-inn', timezone: 'Asia/Kuala_Lumpur' }))).id as string;
    expect((await s.admin.put(`/api/v1/properties/${hotelId}/channels/whatsapp`, { phoneNumberId: PHONE_NUMBER_ID, ...SECRETS })).status).toBe(200);
    expect(
      (
        await s.admin.put(`/api/v1/properties/${hotelId}/channels/email`, {
          provider: 'postmark',
          inboundAddress: POSTMARK.address,
          fromAddress: 'frontdesk@hashes.example',
          webhookUsername: POSTMARK.user,
          webhookPassword: POSTMARK.password,
          apiKey: 'postmark-server-token-7070',
        })
      ).status,
    ).toBe(200);
  });
  afterAll(async () => {
    await s?.stop();
    await graph?.close();
  });

  it('no WhatsApp message id or email Message-ID appears in plaintext in any database file, WAL included', async () => {
    const wa = messageWebhook({ phoneNumberId: PHONE_NUMBER_ID, waId: '60123457070', wamid: WAMID, text: 'Hello!' });
    expect((await postWebhook(s.publicUrl, wa.body, SECRETS.appSecret)).status).toBe(200);
    await until(() => graph.delivered().some((r) => r.body.to === '60123457070'), 'the greeting to be sent');
    const sentWamid = graph.delivered().find((r) => r.body.to === '60123457070')!.wamid!;
    // Its status still finds the reply by the (hashed) id Meta returned.
    expect((await postWebhook(s.publicUrl, statusWebhook({ phoneNumberId: PHONE_NUMBER_ID, wamid: sentWamid, status: 'read', recipient: '60123457070' }), SECRETS.appSecret)).status).toBe(200);
    const email = await fetch(`${s.publicUrl}/webhooks/email/postmark`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${POSTMARK.user}:${POSTMARK.password}`).toString('base64')}` },
      body: JSON.stringify({ From: 'guest@example.com', OriginalRecipient: POSTMARK.address, Subject: 'Parking?', TextBody: 'Is there parking?', MessageID: 'pm-7070', Headers: [{ Name: 'Message-ID', Value: `<${MESSAGE_ID}>` }] }),
    });
    expect(email.status).toBe(200);
    await s.core.inboundQueue.settle(10_000);
    await s.core.outbox.settle(5_000);
    const scope = s.core.properties.scope(hotelId);
    await until(() => new ConversationRepository(scope).messages(new ConversationRepository(scope).conversationOfMessage(new ConversationRepository(scope).messageIdByExternal(WAMID)!)!.id).some((m) => m.deliveryStatus === 'read'), 'the read status');

    // Still recognised as a repeat.
    expect(new ConversationRepository(scope).messageExists(WAMID)).toBe(true);
    expect(new ConversationRepository(scope).messageExists(MESSAGE_ID)).toBe(true);
    expect(plaintextHits(s.dataDir, [WAMID, 'HBgLNjAxMjM0NTY3ODk', sentWamid, MESSAGE_ID, 'guest-domain-7070'])).toEqual([]);
  });
});

describe('converting plaintext ids written before (property migration 0013, group migration 0005)', () => {
  it('hashes old rows once at start-up; repeats are still recognised and an old email thread still continues', async () => {
    const tmp = tempDir();
    try {
      const config = loadConfig({ NOCTURN_ENV: 'test', NOCTURN_DATA_DIR: tmp.dir, NOCTURN_EMBEDDER: 'none' });
      const log = createLogger({ level: 'silent' });
      let core = openCore({ config, log });
      const hotel = core.properties.create({ name: 'Old Inn', slug: 'old-inn', timezone: 'Asia/Kuala_Lumpur' }, cliActor('test'));
      let scope = core.properties.scope(hotel.id);
      // Rows as an earlier version wrote them: ids in plaintext, the email thread keyed by the root Message-ID.
      const db = connectionOf(scope);
      db.prepare(`insert into guests (id, created_at, updated_at) values ('gst_old', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`).run();
      db.prepare(
        `insert into conversations (id, guest_id, channel, thread_bidx, status, language, after_hours, last_message_at, created_at, updated_at)
         values ('cnv_old', 'gst_old', 'email', ?, 'ai', 'en', 0, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
      ).run(scope.blindIndex.token('thread:email', 'root-7070@old-guest.example'));
      db.prepare(`insert into messages (id, conversation_id, role, body_enc, external_id, created_at) values ('msg_old', 'cnv_old', 'guest', x'00', 'root-7070@old-guest.example', '2026-01-01T00:00:00Z')`).run();
      db.prepare(`insert into email_threads (message_id, thread_key, direction, created_at) values ('root-7070@old-guest.example', 'root-7070@old-guest.example', 'inbound', '2026-01-01T00:00:00Z')`).run();
      db.prepare(`insert into outbox (id, conversation_id, channel, kind, payload_enc, status, next_attempt_at, provider_message_id, created_at) values ('out_old', 'cnv_old', 'email', 'reply', x'00', 'sent', '2026-01-01T00:00:00Z', 'sent-7070@old-hotel.example', '2026-01-01T00:00:00Z')`).run();
      core.databases.group
        .prepare(`insert into inbox_events (id, property_id, provider, external_id, event_type, payload_enc, status, attempts, next_attempt_at, received_at) values (9070, ?, 'whatsapp', 'wamid.OLD7070', 'message', x'', 'done', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`)
        .run(hotel.id);
      db.prepare('delete from data_conversions').run();
      core.databases.group.prepare('delete from data_conversions').run();
      await core.close();
      expect(plaintextHits(tmp.dir, ['old-guest.example', 'wamid.OLD7070']).length).toBeGreaterThan(0);

      core = openCore({ config, log });
      try {
        scope = core.properties.scope(hotel.id);
        expect(new ConversationRepository(scope).messageExists('root-7070@old-guest.example')).toBe(true);
        const threads = new EmailThreadRepository(scope);
        const key = threads.lookup(['root-7070@old-guest.example']).get('root-7070@old-guest.example')!;
        // A guest's reply to the old thread finds the old conversation.
        expect(new ConversationRepository(scope).findOpenByThread(scope.blindIndex.token('thread:email', key))?.id).toBe('cnv_old');
        expect(core.inboundQueue.accept({ propertyId: hotel.id, provider: 'whatsapp', externalId: 'wamid.OLD7070', eventType: 'message', payload: '{}' }).duplicate).toBe(true);
      } finally {
        await core.close();
      }
      expect(plaintextHits(tmp.dir, ['old-guest.example', 'old-hotel.example', 'wamid.OLD7070'])).toEqual([]);
    } finally {
      tmp.remove();
    }
  });
});
