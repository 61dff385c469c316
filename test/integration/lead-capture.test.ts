import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../server/features/pipeline/pipeline.service.js';
import { LeadRepository } from '../../server/features/leads/lead.repository.js';
import { startTestServer, type TestServer } from '../support/server.js';

// No model is configured: what staff see in the lead list comes from the guest's words alone.
let s: TestServer;
let n = 0;
const at = new Date('2026-11-21T04:00:00Z'); // Saturday noon in Kuala Lumpur

async function conversation(...texts: string[]) {
  return conversationFrom({}, ...texts);
}

async function conversationFrom(from: InboundMessage['from'], ...texts: string[]) {
  const thread = `lead-thread-${++n}`;
  let conversationId = '';
  for (const [k, text] of texts.entries()) {
    const msg: InboundMessage = { channel: 'test', threadKey: thread, externalId: `${thread}-${k}`, text, from, receivedAt: new Date(at.getTime() + k * 60_000) };
    conversationId = (await s.core.pipeline.handle(s.core.properties.scope('harbour'), msg)).conversationId;
  }
  return new LeadRepository(s.core.properties.scope('harbour')).byConversation(conversationId)!;
}

beforeAll(async () => {
  s = await startTestServer();
  expect((await s.admin.post('/api/v1/properties', { name: 'Harbour View Hotel', slug: 'harbour', timezone: 'Asia/Kuala_Lumpur' })).status).toBe(201);
});
afterAll(async () => {
  await s.stop();
});

describe('leads across a conversation', () => {
  it('keeps a plain question a plain question: no stay, no party, no booking', async () => {
    const lead = await conversation('Is the pool open at 8pm on Sunday? We are 4');
    expect(lead.intent).toBe('other');
    expect(lead.details).toMatchObject({ checkIn: null, checkOut: null, guests: null });
  });

  it('upgrades "other" to a booking when the guest asks for one, and later messages fill the gaps', async () => {
    const lead = await conversation('Hi, what time is check-in?', 'Can I book a deluxe room 24-26 Dec for 2 adults?', 'My name is Aisyah Rahman, 012-345 6789', 'is parking free on Sunday?');
    expect(lead.intent).toBe('room_booking');
    expect(lead.details).toMatchObject({ name: 'Aisyah Rahman', phone: '+60123456789', checkIn: '2026-12-24', checkOut: '2026-12-26', guests: 2, roomType: 'deluxe' });
  });

  it('reads a later change of dates or a number of nights as part of the booking', async () => {
    const moved = await conversation('Any rooms 24-26 Dec for 2 pax?', 'sorry, can we make it 25 to 28 Dec instead?');
    expect(moved.details).toMatchObject({ checkIn: '2026-12-25', checkOut: '2026-12-28', guests: 2 });
    const completed = await conversation('Do you have a room on 18 Dec for 2 adults?', 'for 3 nights please');
    expect(completed.details).toMatchObject({ checkIn: '2026-12-18', checkOut: '2026-12-21' });
  });

  it('makes a booking of a request and a stay written in separate messages', async () => {
    const stayThenAsk = await conversation('We arrive 26 Dec for 2 nights with 2 kids', 'ok can I book it please?');
    expect(stayThenAsk.intent).toBe('room_booking');
    expect(stayThenAsk.details).toMatchObject({ checkIn: '2026-12-26', checkOut: '2026-12-28', guests: 2 });
    const askThenStay = await conversation('Hi, can I make a booking?', '24-26 Dec, 2 adults.');
    expect(askThenStay.intent).toBe('room_booking');
    expect(askThenStay.details).toMatchObject({ checkIn: '2026-12-24', checkOut: '2026-12-26', guests: 2 });
  });

  it('takes the channel profile name until the guest writes their own', async () => {
    const lead = await conversationFrom({ name: 'Mummy Bear', phone: '+60121112222' }, 'any room tonight for 2?');
    expect(lead.details).toMatchObject({ name: 'Mummy Bear', phone: '+60121112222' });
    const renamed = await conversationFrom({ name: 'Mummy Bear' }, 'any room tonight for 2?', 'my name is Nur Aina, 019-333 4444');
    expect(renamed.details).toMatchObject({ name: 'Nur Aina', phone: '+60193334444' });
    const kept = await conversation('Name: Sarah Lim. Any room tonight for 2?', 'Thanks, Ahmad');
    expect(kept.details.name).toBe('Sarah Lim');
  });

  it('reads the name a guest writes beside their phone or as a closing, and never the hotel\'s own name', async () => {
    const beside = await conversation('Can I book a deluxe room 24-26 Dec for 2 adults?', 'Siti Aminah 019-222 3344');
    expect(beside.details).toMatchObject({ name: 'Siti Aminah', phone: '+60192223344', checkIn: '2026-12-24', guests: 2 });
    const closing = await conversationFrom({ name: 'Mummy Bear' }, 'Any room tonight for 2? Please confirm. Chloé');
    expect(closing.details.name).toBe('Chloé');
    const hotel = await conversationFrom({ name: 'Mummy Bear' }, 'Any room tonight for 2? Thanks, Harbour!');
    expect(hotel.details.name).toBe('Mummy Bear');
  });

  it('keeps the first definite intent and gives a dining lead no check-out', async () => {
    const lead = await conversation('Table for 4 tomorrow at 7pm please', 'also, do you have rooms?');
    expect(lead.intent).toBe('dining');
    expect(lead.details).toMatchObject({ checkIn: '2026-11-22', checkOut: null, guests: 4 });
  });
});
