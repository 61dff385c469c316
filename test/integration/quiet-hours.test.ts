import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OptOuts } from '../../server/features/channels/opt-out.js';
import { RecordingSender } from '../support/recording-sender.js';
import type { InboundMessage } from '../../server/features/pipeline/pipeline.service.js';
import type { Clock } from '../../server/shared/clock.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Quiet hours and opt-outs on proactive messages (D6, B7), through the staff API and the test
 * channel: a follow-up at 23:00 hotel time waits for the end of quiet hours; a person can override,
 * and the override is in the audit log; an opted-out guest gets nothing unless overridden.
 * The hotel is in Kuala Lumpur (UTC+8) with the default quiet hours, 21:00-08:00.
 */

class SetClock implements Clock {
  constructor(private t: number) {}
  now(): Date {
    return new Date(this.t);
  }
  set(iso: string): void {
    this.t = Date.parse(iso);
  }
}

const NIGHT = '2026-11-20T15:00:00Z'; // 23:00 in Kuala Lumpur
const clock = new SetClock(Date.parse(NIGHT));
const sender = new RecordingSender();
let s: TestServer;
let n = 0;

function guestMessage(text: string, phone: string, thread: string): InboundMessage {
  return { channel: 'test', threadKey: thread, externalId: `qh-${++n}`, text, from: { phone }, receivedAt: clock.now() };
}

async function newConversation(phone: string): Promise<string> {
  const outcome = await s.core.pipeline.handle(s.core.properties.scope('harbour'), guestMessage('Hi, do you have a room for Saturday night?', phone, `thread-${phone}`));
  await s.core.outbox.settle();
  return outcome.conversationId;
}

async function followUp(conversationId: string, text: string, override = false): Promise<Response> {
  return s.admin.post(`/api/v1/properties/harbour/conversations/${conversationId}/follow-up`, { text, override });
}

const sentBodies = () => sender.sent.map((m) => m.body);

async function deliveryOf(conversationId: string, text: string): Promise<string | null> {
  const detail = (await (await s.admin.get(`/api/v1/properties/harbour/conversations/${conversationId}`)).json()) as { messages: { body: string; deliveryStatus: string | null }[] };
  return detail.messages.find((m) => m.body === text)?.deliveryStatus ?? null;
}

beforeAll(async () => {
  // The test moves the clock by hours: keep the staff session alive through it.
  s = await startTestServer({ clock, env: { NOCTURN_EMBEDDER: 'none', NOCTURN_SESSION_IDLE_MINUTES: '1440', NOCTURN_SESSION_ABSOLUTE_HOURS: '48' } });
  expect((await s.admin.post('/api/v1/properties', { name: 'Harbour View Hotel', slug: 'harbour', timezone: 'Asia/Kuala_Lumpur', currency: 'MYR' })).status).toBe(201);
  // Observe what the test channel sends.
  s.core.outbox.register(sender);
});
afterAll(async () => {
  await s?.stop();
});
beforeEach(() => {
  clock.set(NIGHT);
  sender.sent.length = 0;
});

describe('quiet hours', () => {
  it('answers guests at night, but holds a follow-up written at 23:00 until 08:00 hotel time, then sends it', async () => {
    const conversationId = await newConversation('+60123450001');
    // The guest's own inquiry is answered at once, night or not: only proactive messages wait.
    expect(sentBodies()).toHaveLength(1);
    sender.sent.length = 0;

    const text = 'Following up on your room for Saturday: shall we hold it for you?';
    const res = await followUp(conversationId, text);
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ status: 'held' });
    await s.core.outbox.settle();
    expect(sentBodies()).toEqual([]);
    expect(await deliveryOf(conversationId, text)).toBe('held');

    clock.set('2026-11-20T23:59:00Z'); // 07:59 in Kuala Lumpur: still quiet
    s.core.outbox.kick();
    await s.core.outbox.settle();
    expect(sentBodies()).toEqual([]);

    clock.set('2026-11-21T00:00:30Z'); // 08:00:30 in Kuala Lumpur
    s.core.outbox.kick();
    await s.core.outbox.settle();
    expect(sentBodies()).toEqual([text]);
    expect(await deliveryOf(conversationId, text)).toBe('sent');
  });

  it('sends at once with an explicit override, and the override is in the audit log', async () => {
    const conversationId = await newConversation('+60123450002');
    sender.sent.length = 0;
    const text = 'Your airport transfer driver is waiting at door 3.';
    const res = await followUp(conversationId, text, true);
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ status: 'pending' });
    await s.core.outbox.settle();
    expect(sentBodies()).toEqual([text]);

    const audit = (await (await s.admin.get('/api/v1/audit?action=outbox.override')).json()) as { items: { target: string; actorLabel: string; after: Record<string, unknown> }[] };
    const entry = audit.items.find((i) => i.target === `conversation:${conversationId}`);
    expect(entry?.after).toMatchObject({ override: true, quietHours: true, held: false, optedOut: false });
    expect(entry?.actorLabel).toBeTruthy();
  });

  it('sends a daytime follow-up at once without any override', async () => {
    clock.set('2026-11-21T03:00:00Z'); // 11:00 in Kuala Lumpur
    const conversationId = await newConversation('+60123450003');
    sender.sent.length = 0;
    const res = await followUp(conversationId, 'We have a sea-view room for you.');
    expect(await res.json()).toMatchObject({ status: 'pending' });
    await s.core.outbox.settle();
    expect(sentBodies()).toEqual(['We have a sea-view room for you.']);
  });
});

describe('opt-outs', () => {
  it('a guest who wrote STOP is confirmed once and gets no follow-up unless a person overrides (audited)', async () => {
    clock.set('2026-11-21T03:00:00Z');
    const phone = '+60123450004';
    const conversationId = await newConversation(phone);
    sender.sent.length = 0;
    const optOuts = new OptOuts({ ledger: s.core.ledger, clock });
    const scope = s.core.properties.scope('harbour');
    const first = await optOuts.handle(scope, guestMessage('UNSUBSCRIBE', phone, `thread-${phone}`), (m) => s.core.pipeline.handle(scope, m));
    expect(first).toMatchObject({ optOut: 'recorded', decision: 'none', conversationId });
    await s.core.outbox.settle();
    expect(sentBodies()).toEqual([expect.stringMatching(/^You're unsubscribed/)]);
    const again = await optOuts.handle(scope, guestMessage('stop', phone, `thread-${phone}`), (m) => s.core.pipeline.handle(scope, m));
    expect(again.optOut).toBe('already');
    await s.core.outbox.settle();
    expect(sentBodies()).toHaveLength(1);

    const refused = await followUp(conversationId, 'A special offer just for you');
    expect(refused.status).toBe(409);
    sender.sent.length = 0;
    const forced = await followUp(conversationId, 'Your lost passport is at the front desk.', true);
    expect(forced.status).toBe(202);
    await s.core.outbox.settle();
    expect(sentBodies()).toEqual(['Your lost passport is at the front desk.']);
    const audit = (await (await s.admin.get('/api/v1/audit?action=outbox.override')).json()) as { items: { target: string; after: Record<string, unknown> }[] };
    expect(audit.items.find((i) => i.target === `conversation:${conversationId}`)?.after).toMatchObject({ override: true, optedOut: true });
  });

  it('a STOP stored just before a crash is recorded and confirmed when the inbound queue delivers it again, and only once', async () => {
    clock.set('2026-11-21T03:00:00Z');
    const phone = '+60123450005';
    const conversationId = await newConversation(phone);
    sender.sent.length = 0;
    const scope = s.core.properties.scope('harbour');
    const stop = guestMessage('STOP', phone, `thread-${phone}`);
    // The crash: the pipeline stored the message, the process died before the opt-out was recorded.
    await s.core.pipeline.handle(scope, { ...stop, consentKeyword: 'opt_out' });
    const optOuts = new OptOuts({ ledger: s.core.ledger, clock });
    const retried = await optOuts.handle(scope, stop, (m) => s.core.pipeline.handle(scope, m));
    expect(retried).toMatchObject({ duplicate: true, optOut: 'recorded', conversationId });
    expect((await followUp(conversationId, 'A special offer just for you')).status).toBe(409);
    const again = await optOuts.handle(scope, stop, (m) => s.core.pipeline.handle(scope, m));
    expect(again.optOut).toBe('already');
    await s.core.outbox.settle();
    expect(sentBodies()).toEqual([expect.stringMatching(/^You're unsubscribed/)]);
  });
});
