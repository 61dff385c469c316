import { randomBytes } from 'node:crypto';
import type { Core } from '../core.js';
import type { PipelineOutcome } from '../features/pipeline/pipeline.service.js';
import { cliActor } from '../shared/actor.js';

/**
 * `nocturn demo`: a group with two hotels in different time zones whose facts disagree (check-in
 * time, parking, breakfast, pets), sample knowledge, a demo admin when there is no account yet, and
 * a few guest conversations run through the real pipeline, so the app can be tried at once.
 * Running it again reuses what exists and adds nothing twice.
 */
interface DemoHotel {
  name: string;
  slug: string;
  timezone: string;
  currency: string;
  country: string;
  deskHours: Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun', { open: string; close: string }[]>;
  knowledge: { category: 'rates' | 'rooms' | 'facilities' | 'dining' | 'directions' | 'policies' | 'faqs'; title: string; content: string }[];
  guests: { name: string; phone?: string; email?: string; text: string; minutesAgo: number }[];
}

const everyDay = (open: string, close: string) =>
  Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ open, close }]])) as DemoHotel['deskHours'];

const DEMO_HOTELS: readonly DemoHotel[] = [
  {
    name: 'Harbour View Hotel (demo)',
    slug: 'demo-harbour-view',
    timezone: 'Asia/Kuala_Lumpur',
    currency: 'MYR',
    country: 'MY',
    deskHours: everyDay('08:00', '22:00'),
    knowledge: [
      { category: 'policies', title: 'Check-in and check-out times', content: 'Check-in is from 2:00 pm and check-out is by 12:00 noon. Early check-in from 10:00 am is free when a room is ready.' },
      { category: 'facilities', title: 'Parking', content: 'Parking is free for hotel guests in the covered basement car park (levels B1 to B3). The height limit is 2.1 m.' },
      { category: 'dining', title: 'Breakfast', content: 'Buffet breakfast is served 6:30 am to 10:30 am at Tide Café on level 1. MYR 45 per adult, MYR 22 per child aged 6 to 12, children under 6 eat free.' },
      { category: 'rooms', title: 'Family Room', content: 'The Family Room has one king bed and two single beds, sleeps 2 adults and 2 children, 38 square metres with a harbour view. From MYR 420 per night including breakfast.' },
      { category: 'facilities', title: 'Swimming pool', content: 'The rooftop infinity pool on level 18 is open 7:00 am to 9:00 pm. Towels are provided at the pool.' },
      { category: 'directions', title: 'Airport transfer', content: 'Kuala Lumpur International Airport (KLIA) is 55 minutes by car. An airport transfer costs MYR 150 per car one way; book 24 hours ahead.' },
      { category: 'policies', title: 'Pets', content: 'Pets are not allowed at Harbour View Hotel, except assistance dogs.' },
    ],
    guests: [
      { name: 'Aisha Rahman', phone: '+60 12-345 6789', text: 'Hi, what time is check-in?', minutesAgo: 95 },
      {
        name: 'Daniel Tan',
        phone: '+60 17-222 3344',
        text: 'Do you have a family room for 2 adults and 2 kids from 24 to 27 December? What is the rate with breakfast?',
        minutesAgo: 42,
      },
      { name: 'Mei Ling', phone: '+60 19-888 1212', text: 'I want to speak to a manager about a refund for my last stay.', minutesAgo: 12 },
      { name: 'Farid', email: 'farid@example.com', text: 'Can I bring my cat?', minutesAgo: 5 },
    ],
  },
  {
    name: 'Hill Lodge (demo)',
    slug: 'demo-hill-lodge',
    timezone: 'Europe/London',
    currency: 'GBP',
    country: 'GB',
    deskHours: everyDay('07:00', '19:00'),
    knowledge: [
      { category: 'policies', title: 'Check-in and check-out times', content: 'Check-in is from 4:00 pm and check-out is by 10:30 am. Early check-in costs £25 when a room is available.' },
      { category: 'facilities', title: 'Parking', content: 'Parking costs £12 per night in the lodge car park. Two electric vehicle chargers are available on request.' },
      { category: 'dining', title: 'Breakfast', content: 'A full English breakfast is served 7:30 am to 10:00 am in the Orchard Room and is included in every rate.' },
      { category: 'policies', title: 'Dogs', content: 'Dogs are welcome in the garden rooms for £20 per stay, up to two dogs per room.' },
      { category: 'facilities', title: 'Walking trails', content: 'Three marked walking trails start at the lodge gate: 3 km, 7 km and 12 km. Maps are at reception.' },
      { category: 'directions', title: 'Getting here', content: 'The nearest station is Hathersage, 10 minutes by taxi. Manchester Airport is 1 hour 15 minutes by car.' },
    ],
    guests: [
      { name: 'Oliver Grant', phone: '+44 7700 900123', text: 'Can I charge my electric car at the lodge?', minutesAgo: 180 },
      { name: 'Sophie Hale', email: 'sophie.hale@example.com', text: 'We would like a room for 2 adults from 14 to 16 March with our dog. Is that possible?', minutesAgo: 30 },
      { name: 'James Cole', phone: '+44 7700 900456', text: 'Can I talk to a person please? It is about my booking.', minutesAgo: 8 },
    ],
  },
];

interface DemoResult {
  hotels: { id: string; slug: string; name: string; timezone: string; created: boolean; knowledgeItems: number }[];
  conversations: { hotel: string; conversationId: string; decision: PipelineOutcome['decision']; status: string; duplicate: boolean }[];
  /** Set only when this run created the demo admin: print it, it is not stored anywhere readable. */
  admin: { email: string; password: string } | null;
}

const DEMO_ADMIN_EMAIL = 'demo-admin@nocturn.example';

export async function runDemo(core: Core): Promise<DemoResult> {
  const actor = cliActor('nocturn demo');
  const result: DemoResult = { hotels: [], conversations: [], admin: null };

  if (!core.users.hasUsers()) {
    const password = randomBytes(12).toString('base64url');
    await core.users.create({ email: DEMO_ADMIN_EMAIL, displayName: 'Demo Admin', password, role: 'admin', allProperties: true }, actor);
    result.admin = { email: DEMO_ADMIN_EMAIL, password };
  }

  for (const h of DEMO_HOTELS) {
    const existing = core.properties.find(h.slug);
    const property =
      existing ??
      core.properties.create({ name: h.name, slug: h.slug, timezone: h.timezone, currency: h.currency, country: h.country, deskHours: h.deskHours }, actor);
    // Sample knowledge for a new demo hotel (or one left empty); what staff changed since is kept.
    if (!existing || core.knowledge.list(property.id).length === 0) core.knowledge.replaceAll(property.id, { items: h.knowledge }, 'nocturn demo');
    await core.knowledge.whenIdle(property.id);
    const knowledgeItems = core.knowledge.list(property.id).length;
    result.hotels.push({ id: property.id, slug: property.slug, name: property.name, timezone: property.timezone, created: !existing, knowledgeItems });

    const scope = core.properties.scope(property.id);
    const now = core.clock.now().getTime();
    for (const [i, g] of h.guests.entries()) {
      const outcome = await core.pipeline.handle(scope, {
        channel: 'test',
        threadKey: `demo-${h.slug}-${i}`,
        // Stable ids: a second run finds the messages already stored and adds nothing.
        externalId: `demo-${h.slug}-${i}`,
        text: g.text,
        from: { name: g.name, phone: g.phone ?? null, email: g.email ?? null },
        receivedAt: new Date(now - g.minutesAgo * 60_000),
      });
      result.conversations.push({ hotel: h.slug, conversationId: outcome.conversationId, decision: outcome.decision, status: outcome.status, duplicate: outcome.duplicate });
    }
  }
  return result;
}
