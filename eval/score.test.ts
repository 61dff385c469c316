import { describe, expect, it } from 'vitest';
import { checkSet, inventedDetails, normaliseName, scoreMessage, summarise, type AskOutcome, type EvalMessage } from './score.js';

const titles = new Map([
  ['a', new Set(['Check-in times', 'Parking'])],
  ['b', new Set(['Arrival times', 'Spa'])],
]);
const noLead = { name: null, phone: null, email: null, checkIn: null, checkOut: null, guests: null, intent: 'other' };

function msg(over: Partial<EvalMessage['expect']> & { kind?: string } = {}): EvalMessage {
  const { kind = 'faq', ...expect } = over;
  return { id: 'a-001', hotel: 'a', kind, text: 'What time is check-in?', expect: { decision: 'answer', items: ['Check-in times'], allItems: false, facts: ['3pm'], forbidden: ['2pm'], ...expect } };
}
const out = (over: Partial<AskOutcome> = {}): AskOutcome => ({ reply: 'Check-in starts at 3:00 pm.', decision: 'answer', citations: [{ itemId: 'k1', title: 'Check-in times' }], lead: noLead, ...over });

describe('scoring one message', () => {
  it('passes a reply with the fact, the right decision and no forbidden value', () => {
    const r = scoreMessage(msg(), 'tune', out(), titles);
    expect(r.pass).toBe(true);
    expect(r.rank).toBe(1);
    expect(r.failed).toEqual([]);
  });

  it("fails a reply that gives another hotel's value, and names it", () => {
    const r = scoreMessage(msg(), 'tune', out({ reply: 'Check-in is at 3pm, or 2 pm at our sister resort.' }), titles);
    expect(r.pass).toBe(false);
    expect(r.forbiddenFound).toEqual(['2pm']);
  });

  it('ranks by the retrieved list when the command gives one, and counts foreign items by title', () => {
    const retrieved = [
      { itemId: 'x', title: 'Spa', score: 0.9 },
      { itemId: 'y', title: 'Parking', score: 0.5 },
      { itemId: 'z', title: 'Check-in times', score: 0.4 },
    ];
    const r = scoreMessage(msg(), 'tune', out({ retrieved }), titles);
    expect(r.rank).toBe(3);
    expect(r.foreignItems).toEqual(['Spa']);
  });

  it('compares lead names without honorifics or case, and phones by digits', () => {
    expect(normaliseName('Mrs. Catherine LING')).toBe('catherine ling');
    expect(normaliseName('张先生')).toBe('张');
    const lead = { intent: 'room_booking' as const, name: 'Catherine Ling', checkIn: '2026-12-31', checkOut: '2027-01-02', guests: 2, phone: '+60123456789', email: null };
    const r = scoreMessage(msg({ kind: 'booking', decision: 'handoff', items: [], facts: [], forbidden: [], lead }), 'tune', out({ decision: 'handoff', lead: { ...lead, name: 'Mrs Catherine Ling', checkOut: '2027-01-01', phone: '+60 12-345 6789' } }), titles);
    expect(r.lead).toMatchObject({ name: true, phone: true, checkIn: true, checkOut: false, email: true });
  });

  it('counts stay dates, a party size or a booking intent on a plain question as invented', () => {
    expect(inventedDetails(noLead)).toEqual([]);
    expect(inventedDetails({ ...noLead, checkIn: '2026-12-07', intent: 'room_booking' })).toEqual(['checkIn', 'intent:room_booking']);
    expect(scoreMessage(msg(), 'tune', out({ lead: { ...noLead, guests: 2 } }), titles).invented).toEqual(['guests']);
  });
});

describe('the figures', () => {
  it('reports recall, hand-off precision and recall, and leaves kept must-hand-offs apart', () => {
    const answer = msg();
    const handoff = { ...msg({ kind: 'complaint', decision: 'handoff', items: [], facts: [], forbidden: [] }), id: 'a-002' };
    const rows = [
      { m: answer, r: scoreMessage(answer, 'tune', out({ decision: 'handoff', citations: [] }), titles) },
      { m: handoff, r: scoreMessage(handoff, 'tune', out({ decision: 'handoff', citations: [] }), titles) },
    ];
    const s = summarise(rows);
    expect(s.retrieval['recall@1']).toBe(0);
    expect(s.answerPass).toEqual({ n: 1, pass: 0, rate: 0 });
    expect(s.handoff.precision).toBe(0.5);
    expect(s.handoff.recall).toBe(1);
    expect(s.handoff.mustHandoffKept).toEqual({ n: 1, kept: 1 });
    expect(s.byKind.complaint).toEqual({ n: 1, pass: 1 });
  });
});

describe('checking the set', () => {
  const hotels = [{ slug: 'a', items: [{ title: 'Check-in times', content: 'Check-in starts at 3:00 pm; the café opens at 2:00 pm.' }] }];
  it('finds a required fact missing from its item and a forbidden fact that is the hotel’s own', () => {
    expect(checkSet([msg({ facts: ['4pm'] })], hotels)).toEqual(['a-001: fact "4pm" is not in its items', 'a-001: forbidden "2pm" is this hotel\'s own fact']);
    expect(checkSet([msg({ forbidden: ['11am'] })], hotels)).toEqual([]);
  });
});
