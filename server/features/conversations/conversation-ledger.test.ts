import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { CreateProperty } from '../../contract/properties.js';
import { Databases } from '../../db/databases.js';
import { bindConnection, connectionOf } from '../../db/handle.js';
import { ConflictError } from '../../shared/errors.js';
import { EventBus, type NocturnEvent } from '../../shared/events.js';
import { GuestRepository } from '../guests/guest.repository.js';
import { LeadRepository } from '../leads/lead.repository.js';
import { OutboxRepository } from '../outbox/outbox.repository.js';
import type { PropertyScope } from '../properties/property.service.js';
import { BlindIndex, FieldCipher } from '../vault/field-crypto.js';
import { ConversationLedger, type GuestMessageInput, type ReplySink } from './conversation-ledger.js';
import { ConversationRepository } from './conversation.repository.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'nocturn-ledger-'));
const dbs = new Databases({ dataDir: dir, busyTimeoutMs: 1000, synchronous: 'NORMAL' });
afterAll(() => {
  dbs.close();
  rmSync(dir, { recursive: true, force: true });
});

// Always inside desk hours, so "after hours" is what the test says it is.
const property = {
  ...CreateProperty.parse({ name: 'Harbour Hotel', slug: 'harbour', timezone: 'Asia/Kuala_Lumpur' }),
  id: 'prop_ledgertest01',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};
const keys = { cipher: new FieldCipher(new Map([[1, randomBytes(32)]]), 1), blindIndex: new BlindIndex(randomBytes(32)) };
const scope: PropertyScope = bindConnection({ property, ...keys }, dbs.property(property.id));
const conversations = new ConversationRepository(scope);
const guests = new GuestRepository(scope);
const leads = new LeadRepository(scope);
const outbox = new OutboxRepository(scope);

const now = new Date('2026-11-20T03:00:00.000Z');
const clock = { now: () => now };
/** The real outbox queue: a row per reply, in the caller's transaction. */
let failQueue = false;
const sink: ReplySink = {
  enqueue: (s, conversation, message) => {
    if (failQueue) throw new Error('disk full');
    new OutboxRepository(s).insert({ conversationId: conversation.id, messageId: message.id, channel: conversation.channel, kind: 'reply', payload: { body: message.body }, nextAttemptAt: message.createdAt, at: message.createdAt });
  },
};
const bus = new EventBus();
const ledger = new ConversationLedger({ events: bus, clock, sink });
let events: NocturnEvent[] = [];
bus.subscribe((e) => events.push(e));
beforeEach(() => {
  events = [];
  failQueue = false;
});

let n = 0;
function guestMessage(over: Partial<GuestMessageInput> = {}): GuestMessageInput {
  n++;
  return {
    channel: 'whatsapp',
    threadKey: `thread-${n}`,
    externalId: `wamid.${n}`,
    text: 'Do you have a room for 2 adults from 24 to 26 December?',
    from: { name: 'Aisha', phone: `+6012345${String(n).padStart(4, '0')}` },
    receivedAt: now,
    language: 'en',
    flags: [],
    replyTo: { waId: 'x' },
    leadText: 'Do you have a room for 2 adults from 24 to 26 December?',
    ...over,
  };
}

function counts(): { messages: number; outbox: number; guests: number; leads: number } {
  const one = (sql: string) => (connectionOf(scope).prepare(sql).get() as { n: number }).n;
  return { messages: one('select count(*) as n from messages'), outbox: one('select count(*) as n from outbox'), guests: one('select count(*) as n from guests'), leads: one('select count(*) as n from leads') };
}

const types = () => events.map((e) => e.type);

describe('recording a guest message', () => {
  it('stores the guest, the conversation, the message and its lead, and tells staff once', () => {
    const m = guestMessage();
    const stored = ledger.recordGuestMessage(scope, m)!;
    expect(stored.resumed).toBe(false);
    expect(stored.conversation).toMatchObject({ status: 'ai', channel: 'whatsapp', message_count: 1, unread_count: 1 });
    expect(guests.get(stored.guest.id)).toMatchObject({ name: 'Aisha', phone: m.from.phone });
    expect(conversations.messages(stored.conversation.id).map((x) => [x.role, x.body])).toEqual([['guest', m.text]]);
    expect(conversations.replyTo(stored.conversation.id)).toEqual({ waId: 'x' });
    const lead = leads.byConversation(stored.conversation.id)!;
    expect(lead.intent).toBe('room_booking');
    expect(lead.details).toMatchObject({ checkIn: '2026-12-24', checkOut: '2026-12-26', guests: 2, name: 'Aisha' });
    expect(events).toEqual([{ type: 'message.created', propertyId: property.id, conversationId: stored.conversation.id, messageId: stored.guestMessage.id, role: 'guest', at: now.toISOString(), seq: expect.any(Number) }]);
  });

  it('stores a message delivered twice once, and says nothing the second time', () => {
    const m = guestMessage();
    expect(ledger.recordGuestMessage(scope, m)).not.toBeNull();
    const before = counts();
    events = [];
    expect(ledger.recordGuestMessage(scope, m)).toBeNull();
    expect(counts()).toEqual(before);
    expect(events).toEqual([]);
  });

  it('finds a returning guest by phone on a new thread and fills in details given later', () => {
    const first = ledger.recordGuestMessage(scope, guestMessage({ from: { phone: '+60199990001' } }))!;
    const again = ledger.recordGuestMessage(scope, guestMessage({ channel: 'email', from: { name: 'Aisha Rahman', phone: '+60199990001', email: 'aisha@example.com' } }))!;
    expect(again.guest.id).toBe(first.guest.id);
    expect(again.conversation.id).not.toBe(first.conversation.id);
    expect(guests.get(first.guest.id)).toMatchObject({ name: 'Aisha Rahman', email: 'aisha@example.com' });
  });

  it('reopens a resolved conversation, unless the message is a reaction that should not', () => {
    const m = guestMessage();
    const { conversation } = ledger.recordGuestMessage(scope, m)!;
    ledger.resolve(scope, conversation.id);
    const reaction = ledger.recordGuestMessage(scope, guestMessage({ threadKey: m.threadKey, text: '[Reaction 👍]', reopen: false }))!;
    expect(reaction.conversation).toMatchObject({ id: conversation.id, status: 'resolved' });
    const text = ledger.recordGuestMessage(scope, guestMessage({ threadKey: m.threadKey, text: 'One more question' }))!;
    expect(text.conversation).toMatchObject({ id: conversation.id, status: 'ai', resolved_at: null });
  });

  it('makes no lead of a STOP', () => {
    const stored = ledger.recordGuestMessage(scope, guestMessage({ text: 'STOP', leadText: null }))!;
    expect(leads.byConversation(stored.conversation.id)).toBeUndefined();
  });

  it('finds a message a crash left unanswered, and not once it has a reply', () => {
    const m = guestMessage();
    const stored = ledger.recordGuestMessage(scope, m)!;
    expect(ledger.unanswered(scope, m.externalId!)).toMatchObject({ resumed: true, guestMessage: { id: stored.guestMessage.id }, guest: { id: stored.guest.id, optedOut: false } });
    ledger.recordReply(scope, stored.conversation.id, { role: 'assistant', body: 'Yes, we do.', provider: 'ollama' });
    expect(ledger.unanswered(scope, m.externalId!)).toBeUndefined();
  });
});

describe('replies and hand-offs', () => {
  it('stores a reply with its outbox row in one transaction and tells staff after it commits', () => {
    const { conversation } = ledger.recordGuestMessage(scope, guestMessage())!;
    events = [];
    const seenInside: string[] = [];
    const reply = ledger.atomically(scope, () => {
      const m = ledger.recordReply(scope, conversation.id, { role: 'assistant', body: 'Yes, we have a room.', provider: 'knowledge', confidence: 0.9 });
      seenInside.push(...types());
      return m;
    });
    expect(seenInside).toEqual([]);
    expect(types()).toEqual(['message.created']);
    expect(reply).toMatchObject({ role: 'assistant', deliveryStatus: 'pending' });
    expect(outbox.list(['pending'], 1000).filter((r) => r.message_id === reply.id)).toHaveLength(1);
    expect(conversations.get(conversation.id)).toMatchObject({ ai_confidence_count: 1, ai_confidence_sum: 0.9 });
  });

  it('keeps neither the reply nor an event when its outbox row cannot be written', () => {
    const { conversation } = ledger.recordGuestMessage(scope, guestMessage())!;
    const before = counts();
    events = [];
    failQueue = true;
    expect(() => ledger.recordReply(scope, conversation.id, { role: 'assistant', body: 'Lost?' })).toThrow('disk full');
    expect(counts()).toEqual(before);
    expect(events).toEqual([]);
  });

  it('keeps nothing of a guest message when the step after it in the same transaction fails', () => {
    const before = counts();
    expect(() =>
      ledger.atomically(scope, () => {
        ledger.recordGuestMessage(scope, guestMessage());
        throw new Error('crash');
      }),
    ).toThrow('crash');
    expect(counts()).toEqual(before);
    expect(events).toEqual([]);
  });

  it('hands off with the reason and the notice, and tells staff in order', () => {
    const { conversation } = ledger.recordGuestMessage(scope, guestMessage())!;
    events = [];
    const notice = ledger.handOff(scope, conversation.id, 'low_confidence', { notice: { body: 'A colleague will reply shortly.', provider: 'template' } })!;
    expect(conversations.get(conversation.id)).toMatchObject({ status: 'needs_human', handoff_reason: 'low_confidence' });
    expect(outbox.list(['pending'], 1000).some((r) => r.message_id === notice.id)).toBe(true);
    expect(events.map((e) => [e.type, 'status' in e ? e.status : 'reason' in e ? e.reason : e.type === 'message.created' ? e.role : null])).toEqual([
      ['message.created', 'assistant'],
      ['handoff.requested', 'low_confidence'],
      ['conversation.updated', 'needs_human'],
    ]);
  });

  it('leaves the conversation with the AI when the hand-off notice cannot be queued', () => {
    const { conversation } = ledger.recordGuestMessage(scope, guestMessage())!;
    events = [];
    failQueue = true;
    expect(() => ledger.handOff(scope, conversation.id, 'asked_for_person', { notice: { body: 'A colleague will reply.' } })).toThrow('disk full');
    expect(conversations.get(conversation.id)).toMatchObject({ status: 'ai', handoff_reason: null, message_count: 1 });
    expect(events).toEqual([]);
  });

  it('hands off silently with no notice', () => {
    const { conversation } = ledger.recordGuestMessage(scope, guestMessage())!;
    events = [];
    expect(ledger.handOff(scope, conversation.id, 'ai_paused')).toBeNull();
    expect(types()).toEqual(['handoff.requested', 'conversation.updated']);
    expect(conversations.messages(conversation.id)).toHaveLength(1);
  });

  it('revises the lead with what the model read, and leaves a conversation without a lead alone', () => {
    const { conversation } = ledger.recordGuestMessage(scope, guestMessage())!;
    ledger.reviseLead(scope, conversation.id, (lead) => ({ details: { ...lead.details, roomType: 'Deluxe' }, intent: lead.intent }));
    expect(leads.byConversation(conversation.id)!.details.roomType).toBe('Deluxe');
    const stop = ledger.recordGuestMessage(scope, guestMessage({ leadText: null }))!;
    ledger.reviseLead(scope, stop.conversation.id, () => {
      throw new Error('not called');
    });
    expect(leads.byConversation(stop.conversation.id)).toBeUndefined();
  });
});

describe('staff actions', () => {
  it('take over, hand back and resolve move the state machine, each recorded in its transaction', () => {
    const { conversation } = ledger.recordGuestMessage(scope, guestMessage())!;
    events = [];
    const recorded: string[] = [];
    const within = (before: { status: string }, status: string) => recorded.push(`${before.status}->${status}`);
    expect(ledger.takeOver(scope, conversation.id, 'usr_1', within)).toMatchObject({ status: 'human', assigned_to: 'usr_1' });
    expect(ledger.handBack(scope, conversation.id, within)).toMatchObject({ status: 'ai', assigned_to: null, handoff_reason: null });
    expect(ledger.resolve(scope, conversation.id, within)).toMatchObject({ status: 'resolved', resolved_at: now.toISOString() });
    expect(recorded).toEqual(['ai->human', 'human->ai', 'ai->resolved']);
    expect(events.map((e) => (e.type === 'conversation.updated' ? e.status : e.type))).toEqual(['human', 'ai', 'resolved']);
  });

  it('refuses a move the state machine does not allow, changing and announcing nothing', () => {
    const { conversation } = ledger.recordGuestMessage(scope, guestMessage())!;
    events = [];
    expect(() => ledger.handBack(scope, conversation.id)).toThrow(ConflictError);
    expect(conversations.get(conversation.id)!.status).toBe('ai');
    expect(events).toEqual([]);
  });

  it('a staff hand-off is the staff reason, without a request for a person', () => {
    const { conversation } = ledger.recordGuestMessage(scope, guestMessage())!;
    events = [];
    expect(ledger.transition(scope, conversation.id, 'handoff')).toMatchObject({ status: 'needs_human', handoff_reason: 'staff' });
    expect(types()).toEqual(['conversation.updated']);
  });

  it('a staff reply takes the conversation over and is queued with its message', () => {
    const { conversation } = ledger.recordGuestMessage(scope, guestMessage())!;
    events = [];
    const takeOvers: string[] = [];
    const reply = ledger.staffReply(scope, conversation.id, 'Hello from the front desk', 'usr_2', (before) => takeOvers.push(before.status));
    expect(conversations.get(conversation.id)).toMatchObject({ status: 'human', assigned_to: 'usr_2' });
    expect(reply).toMatchObject({ role: 'staff', authorId: 'usr_2' });
    expect(outbox.list(['pending'], 1000).some((r) => r.message_id === reply.id)).toBe(true);
    expect(types()).toEqual(['message.created', 'conversation.updated']);
    ledger.staffReply(scope, conversation.id, 'And one more thing', 'usr_3', (before) => takeOvers.push(before.status));
    expect(takeOvers).toEqual(['ai']);
    expect(conversations.get(conversation.id)!.assigned_to).toBe('usr_2');
  });

  it('assigns, notes and marks read', () => {
    const { conversation } = ledger.recordGuestMessage(scope, guestMessage())!;
    events = [];
    expect(ledger.assign(scope, conversation.id, 'usr_4')).toMatchObject({ assigned_to: 'usr_4' });
    const note = ledger.addNote(scope, conversation.id, 'VIP guest', 'usr_4');
    expect(conversations.notes(conversation.id)).toEqual([note]);
    expect(types()).toEqual(['conversation.updated', 'conversation.updated']);
    ledger.markRead(scope, conversation.id);
    expect(conversations.get(conversation.id)!.unread_count).toBe(0);
  });
});

describe('consent, contact details and delivery', () => {
  it('opts every record of a guest out once, keeping the first time and channel, and back in', () => {
    const a = ledger.recordGuestMessage(scope, guestMessage())!;
    const b = ledger.recordGuestMessage(scope, guestMessage())!;
    ledger.optOut(scope, [a.guest.id], 'whatsapp', '2026-11-20T01:00:00.000Z');
    ledger.optOut(scope, [a.guest.id, b.guest.id], 'email', '2026-11-20T02:00:00.000Z');
    expect(guests.optOutRecord(a.guest.id)).toEqual({ optedOutAt: '2026-11-20T01:00:00.000Z', channel: 'whatsapp' });
    expect(guests.optOutRecord(b.guest.id)).toEqual({ optedOutAt: '2026-11-20T02:00:00.000Z', channel: 'email' });
    expect(ledger.isOptedOut(scope, a.guest.id)).toBe(true);
    ledger.optIn(scope, [a.guest.id, b.guest.id]);
    expect([ledger.isOptedOut(scope, a.guest.id), ledger.isOptedOut(scope, b.guest.id)]).toEqual([false, false]);
  });

  it('adds contact details from a form to the guest and the lead, and tells staff the lead changed', () => {
    const { conversation, guest } = ledger.recordGuestMessage(scope, guestMessage({ channel: 'widget', from: {} }))!;
    events = [];
    const lead = ledger.updateContact(scope, conversation.id, { name: 'Mei Ling', email: 'mei@example.com' })!;
    expect(guests.get(guest.id)).toMatchObject({ name: 'Mei Ling', email: 'mei@example.com' });
    expect(lead.details).toMatchObject({ name: 'Mei Ling', email: 'mei@example.com' });
    expect(events).toEqual([expect.objectContaining({ type: 'lead.updated', leadId: lead.id, conversationId: conversation.id })]);
  });

  it('records a delivery status and announces it', () => {
    const { conversation } = ledger.recordGuestMessage(scope, guestMessage())!;
    const reply = ledger.recordReply(scope, conversation.id, { role: 'assistant', body: 'Hi' });
    events = [];
    ledger.setDelivery(scope, reply.id, 'delivered');
    ledger.announceDelivery(scope, conversation.id, reply.id, 'delivered');
    expect(conversations.messages(conversation.id).at(-1)!.deliveryStatus).toBe('delivered');
    expect(events).toEqual([expect.objectContaining({ type: 'message.delivery', messageId: reply.id, status: 'delivered' })]);
  });

  it('keeps a file the guest sent with the message and tells staff', () => {
    const m = guestMessage();
    const { conversation, guestMessage: stored } = ledger.recordGuestMessage(scope, m)!;
    events = [];
    const found = ledger.messageByExternalId(scope, m.externalId!)!;
    expect(found).toMatchObject({ messageId: stored.id, conversation: { id: conversation.id } });
    expect(ledger.hasMedia(scope, found.messageId)).toBe(false);
    ledger.attachMedia(scope, found.messageId, { mimeType: 'image/jpeg', bytes: Buffer.from('jpeg'), sha256: 'x'.repeat(64) });
    expect(ledger.hasMedia(scope, found.messageId)).toBe(true);
    expect(types()).toEqual(['conversation.updated']);
  });

  it('drops the events of a nested step that rolled back, keeping those of the rest', () => {
    const { conversation } = ledger.recordGuestMessage(scope, guestMessage())!;
    events = [];
    ledger.atomically(scope, () => {
      ledger.recordReply(scope, conversation.id, { role: 'assistant', body: 'kept' });
      try {
        ledger.atomically(scope, () => {
          ledger.recordReply(scope, conversation.id, { role: 'assistant', body: 'rolled back' });
          throw new Error('inner');
        });
      } catch {
        // the outer step goes on
      }
    });
    expect(conversations.messages(conversation.id).map((m) => m.body)).toEqual([expect.any(String), 'kept']);
    expect(types()).toEqual(['message.created']);
  });

  it("keeps each hotel's transaction and events apart: another hotel's committed step is announced even if this one rolls back", () => {
    const other: PropertyScope = bindConnection({ property: { ...property, id: 'prop_ledgertest02' }, ...keys }, dbs.property('prop_ledgertest02'));
    events = [];
    expect(() =>
      ledger.atomically(scope, () => {
        ledger.recordGuestMessage(scope, guestMessage());
        ledger.recordGuestMessage(other, guestMessage());
        throw new Error('crash');
      }),
    ).toThrow('crash');
    expect(events.map((e) => e.propertyId)).toEqual(['prop_ledgertest02']);
    expect((connectionOf(other).prepare('select count(*) as n from messages').get() as { n: number }).n).toBe(1);
  });
});
