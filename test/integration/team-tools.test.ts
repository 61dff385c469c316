import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionOf } from '../../server/db/handle.js';
import type { ConversationDetail } from '../../server/contract/conversations.js';
import type { InboundMessage } from '../../server/features/pipeline/pipeline.service.js';
import { startTestServer, type StaffClient, type TestServer } from '../support/server.js';

/**
 * The hotel team's shared tools over real HTTP and real SQLite: internal notes on a conversation
 * (staff only, encrypted, audited, in the guest's export, erased with the guest) and saved replies
 * shared per hotel (managers keep them, everyone uses them).
 */

let s: TestServer;
let agent: StaffClient;
let manager: StaffClient;
let n = 0;
const GUEST = { name: 'Siti Rahman', phone: '+60127770001', email: 'siti.notes@example.my' };

function inbound(text: string, from: InboundMessage['from'] = GUEST, hotel = 'harbour'): Promise<{ conversationId: string }> {
  n++;
  const msg: InboundMessage = { channel: 'test', threadKey: `team-${n}`, externalId: `team-${n}`, text, from, receivedAt: new Date() };
  return s.core.pipeline.handle(s.core.properties.scope(hotel), msg);
}

const conversationPath = (id: string, hotel = 'harbour') => `/api/v1/properties/${hotel}/conversations/${id}`;

beforeAll(async () => {
  s = await startTestServer({ env: { NOCTURN_OLLAMA_HOST: 'http://127.0.0.1:9', NOCTURN_OLLAMA_TIMEOUT_MS: '300', NOCTURN_EMBEDDER: 'none' } });
  for (const [name, slug] of [
    ['Harbour View', 'harbour'],
    ['Lagoon Lodge', 'lagoon'],
  ] as const) {
    expect((await s.admin.post('/api/v1/properties', { name, slug, timezone: 'Asia/Kuala_Lumpur', currency: 'MYR' })).status).toBe(201);
  }
  agent = await s.staff('agent');
  manager = await s.staff('manager');
});
afterAll(async () => {
  await s.stop();
});

describe('internal notes', () => {
  it('are shown to staff with the conversation, never reach the guest, are encrypted at rest and audited without their words', async () => {
    const { conversationId } = await inbound('I would like to book a room for 2 adults from 24 to 27 December');
    const queued = () => Object.values(s.core.outbox.counts(s.core.properties.scope('harbour'))).reduce((a, b) => a + b, 0);
    const outboxBefore = queued();
    const res = await agent.post(`${conversationPath(conversationId)}/notes`, { text: 'Guest is a regular: offer the sea-view room, ask Mei at reception.' });
    expect(res.status).toBe(201);
    const note = (await res.json()) as { id: string; authorId: string; body: string };
    expect(note.body).toBe('Guest is a regular: offer the sea-view room, ask Mei at reception.');

    const detail = (await (await manager.get(conversationPath(conversationId))).json()) as ConversationDetail;
    expect(detail.notes).toEqual([expect.objectContaining({ id: note.id, body: note.body, authorId: (await sessionUser(agent)).id })]);
    // Not a message: nothing queued for the guest and the transcript is unchanged.
    expect(detail.messages.some((m) => m.body.includes('sea-view'))).toBe(false);
    expect(queued()).toBe(outboxBefore);
    // The stay the guest asked about travels with the conversation, for saved replies' placeholders.
    expect(detail.stay).toMatchObject({ checkIn: expect.stringMatching(/-12-24$/), checkOut: expect.stringMatching(/-12-27$/), guests: 2 });

    const raw = connectionOf(s.core.properties.scope('harbour')).prepare('select body_enc from conversation_notes where id = ?').get(note.id) as { body_enc: Buffer };
    expect(raw.body_enc.toString('latin1')).not.toContain('sea-view');

    const audit = (await (await s.admin.get('/api/v1/audit?action=conversation.note_added')).json()) as { items: { target: string; after: unknown }[] };
    expect(audit.items[0]).toMatchObject({ target: `conversation:${conversationId}` });
    expect(JSON.stringify(audit.items)).not.toContain('sea-view');
  });

  it('refuses an empty or oversized note with 400, and a note on an unknown conversation with 404', async () => {
    const { conversationId } = await inbound('hello', { phone: '+60127770002' });
    expect((await agent.post(`${conversationPath(conversationId)}/notes`, { text: '   ' })).status).toBe(400);
    expect((await agent.post(`${conversationPath(conversationId)}/notes`, { text: 'x'.repeat(2001) })).status).toBe(400);
    expect((await agent.post(`${conversationPath(conversationId)}/notes`, { text: 'ok', extra: 1 })).status).toBe(400);
    const missing = await agent.post(`${conversationPath('cnv_nope')}/notes`, { text: 'ok' });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it("are part of the guest's data export and are erased with the guest", async () => {
    const exp = (await (await s.admin.post('/api/v1/privacy/export', { email: GUEST.email })).json()) as { hotels: { guests: { conversations: { notes: { body: string }[] }[] }[] }[] };
    const notes = exp.hotels.flatMap((h) => h.guests.flatMap((g) => g.conversations.flatMap((c) => c.notes)));
    expect(notes.map((x) => x.body)).toContain('Guest is a regular: offer the sea-view room, ask Mei at reception.');
    const html = await (await s.admin.fetch('/api/v1/privacy/export?format=html', { method: 'POST', body: JSON.stringify({ email: GUEST.email }) })).text();
    expect(html).toContain('Staff notes');
    expect(html).toContain('offer the sea-view room');

    expect((await s.admin.post('/api/v1/privacy/erase', { email: GUEST.email })).status).toBe(200);
    const left = connectionOf(s.core.properties.scope('harbour')).prepare('select count(*) as n from conversation_notes').get() as { n: number };
    expect(left.n).toBe(0);
  });
});

describe('saved replies', () => {
  const base = (hotel = 'harbour') => `/api/v1/properties/${hotel}/saved-replies`;

  it('are kept by managers and shared with the whole hotel team, by shortcut', async () => {
    const created = await manager.post(base(), { shortcut: '/Late Checkout', text: 'Dear {guest_name}, late check-out at {hotel_name} is until 2 pm.' });
    expect(created.status).toBe(201);
    const reply = (await created.json()) as { id: string; shortcut: string };
    expect(reply.shortcut).toBe('late-checkout');
    await manager.post(base(), { shortcut: 'breakfast', text: 'Breakfast is served from 6:30 to 10:30.' });

    const list = (await (await agent.get(base())).json()) as { items: { shortcut: string; text: string }[] };
    expect(list.items.map((r) => r.shortcut)).toEqual(['breakfast', 'late-checkout']);
    // Another hotel has its own.
    expect(((await (await agent.get(base('lagoon'))).json()) as { items: unknown[] }).items).toEqual([]);

    const changed = await manager.patch(`${base()}/${reply.id}`, { text: 'Late check-out until 2 pm, {guest_name}.' });
    expect(changed.status).toBe(200);
    expect(((await changed.json()) as { text: string }).text).toBe('Late check-out until 2 pm, {guest_name}.');
    const audit = (await (await s.admin.get('/api/v1/audit?action=saved_reply.create')).json()) as { items: unknown[] };
    expect(audit.items).toHaveLength(2);
  });

  it('are not changed by agents, refuse a taken shortcut with a field error, and answer 404 once removed', async () => {
    expect((await agent.post(base(), { shortcut: 'wifi', text: 'The password is on your key card.' })).status).toBe(403);
    const list = (await (await agent.get(base())).json()) as { items: { id: string }[] };
    expect((await agent.delete(`${base()}/${list.items[0]!.id}`)).status).toBe(403);

    const taken = await manager.post(base(), { shortcut: 'breakfast', text: 'Again' });
    expect(taken.status).toBe(400);
    expect(((await taken.json()) as { errors: { path: string; message: string }[] }).errors).toEqual([{ path: 'shortcut', message: '/breakfast is already used by another saved reply' }]);
    expect((await manager.post(base(), { shortcut: 'no spaces!', text: 'x' })).status).toBe(400);
    expect((await manager.post(base(), { shortcut: 'empty', text: ' ' })).status).toBe(400);

    const id = list.items[0]!.id;
    expect((await manager.delete(`${base()}/${id}`)).status).toBe(204);
    expect((await manager.delete(`${base()}/${id}`)).status).toBe(404);
    expect((await manager.patch(`${base()}/${id}`, { text: 'gone' })).status).toBe(404);
  });
});

async function sessionUser(client: StaffClient): Promise<{ id: string }> {
  return ((await (await client.get('/api/v1/auth/session')).json()) as { user: { id: string } }).user;
}
