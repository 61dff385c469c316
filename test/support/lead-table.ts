import { extractLead, type ExtractedLead } from '../../server/features/leads/lead-extraction.js';

/**
 * A hand-written table of guest messages and the lead each should give, scored the way
 * shared/EVAL.md scores leads: every field of a booking inquiry right, and no stay dates, party
 * size or booking intent read into a plain question.
 */
export type LeadFields = Pick<ExtractedLead, 'name' | 'phone' | 'email' | 'checkIn' | 'checkOut' | 'guests' | 'intent'>;
export type LeadRow = { kind: 'booking'; text: string; expected: LeadFields } | { kind: 'plain'; text: string };

export const booking = (text: string, expected: LeadFields): LeadRow => ({ kind: 'booking', text, expected });
export const plain = (text: string): LeadRow => ({ kind: 'plain', text });

/** The fields the extractor got wrong for a row, as "field: got (want)"; empty when the lead is right. */
export function leadMistakes(row: LeadRow, today: string): string[] {
  const got = extractLead(row.text, { today, country: 'MY' });
  if (row.kind === 'plain') {
    const invented: string[] = [];
    if (got.checkIn || got.checkOut) invented.push(`dates: ${got.checkIn}..${got.checkOut}`);
    if (got.guests !== null) invented.push(`guests: ${got.guests}`);
    if (got.intent !== 'other') invented.push(`intent: ${got.intent}`);
    return invented;
  }
  const mistakes: string[] = [];
  for (const field of Object.keys(row.expected) as (keyof LeadFields)[]) {
    const [a, b] = [got[field], row.expected[field]];
    const same = field === 'name' ? String(a ?? '').toLowerCase() === String(b ?? '').toLowerCase() : a === b;
    if (!same) mistakes.push(`${field}: ${String(a)} (want ${String(b)})`);
  }
  return mistakes;
}

/** Share of booking rows with every field right, and the number of plain rows given invented details. */
export function scoreTable(rows: LeadRow[], today: string): { bookings: number; exact: number; plain: number; invented: number; wrong: string[] } {
  const out = { bookings: 0, exact: 0, plain: 0, invented: 0, wrong: [] as string[] };
  for (const row of rows) {
    const mistakes = leadMistakes(row, today);
    if (row.kind === 'booking') {
      out.bookings++;
      if (!mistakes.length) out.exact++;
    } else {
      out.plain++;
      if (mistakes.length) out.invented++;
    }
    if (mistakes.length) out.wrong.push(`${row.text.slice(0, 60)} -> ${mistakes.join('; ')}`);
  }
  return out;
}
