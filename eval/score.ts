import { rivalScore } from '../server/features/pipeline/answer-confidence.js';
import { containsFact } from './fact-match.js';

/**
 * Scoring of `nocturn ask --file` outcomes against the evaluation set, as shared/EVAL.md defines
 * the figures. Pure functions: eval/run.ts drives the CLI and hands the outcomes here.
 */

export const LEAD_FIELDS = ['name', 'checkIn', 'checkOut', 'guests', 'phone', 'email', 'intent'] as const;
export type LeadField = (typeof LEAD_FIELDS)[number];

export interface ExpectedLead {
  intent: 'room_booking' | 'event' | 'dining' | 'other';
  name: string | null;
  checkIn: string | null;
  checkOut: string | null;
  guests: number | null;
  phone: string | null;
  email: string | null;
}

export interface EvalMessage {
  id: string;
  hotel: string;
  kind: string;
  text: string;
  expect: {
    decision: 'answer' | 'handoff';
    items: string[];
    allItems: boolean;
    facts: string[];
    forbidden: string[];
    lead?: ExpectedLead;
  };
}

/** One line of `nocturn ask --file` output; `retrieved` is read when the CLI gives it. */
export interface AskOutcome {
  id?: string;
  reply: string | null;
  decision: 'answer' | 'handoff';
  handoffReason?: string | null;
  citations?: { itemId: string; title: string }[];
  retrieved?: { itemId: string; title: string; score: number; matched?: string[] }[];
  lead?: { name: string | null; phone: string | null; email: string | null; checkIn: string | null; checkOut: string | null; guests: number | null; intent: string };
  parts?: MessagePart[];
}

/** One question of a message as the pipeline read it (`nocturn ask`'s `parts`). */
export interface MessagePart {
  question: string;
  itemId: string | null;
  relevance: number;
  confidence: number;
  answered: boolean;
}

export type Split = 'tune' | 'holdout';

export interface MessageResult {
  id: string;
  split: Split;
  hotel: string;
  kind: string;
  text: string;
  expectedDecision: 'answer' | 'handoff';
  decision: 'answer' | 'handoff' | 'missing';
  handoffReason: string | null;
  retrieved: string[];
  /** The calibrated relevance of each retrieved item, in the same order (empty when the CLI gives none). */
  scores: number[];
  /** The relevance of the best item's rival (answer-confidence.ts rivalScore): what the calibration compares it with. */
  rival: number;
  /** Each question the message was read as, with its relevance, confidence and whether it was answered. */
  parts: MessagePart[];
  rank: number | null;
  foreignItems: string[];
  missingFacts: string[];
  forbiddenFound: string[];
  lead: Partial<Record<LeadField, boolean>> | null;
  /** The lead the command returned, to compare by eye with the expected one. */
  leadGot: AskOutcome['lead'] | null;
  invented: string[];
  pass: boolean;
  failed: string[];
  reply: string | null;
}

const HONORIFICS = new Set(['mr', 'mrs', 'ms', 'miss', 'mdm', 'madam', 'dr', 'encik', 'en', 'puan', 'pn', 'cik', 'tuan', 'datin', 'dato', "dato'", 'datuk', 'haji', 'hajah', 'prof', 'sir']);
const ZH_HONORIFICS = /(先生|小姐|女士|太太|夫人|博士)$/u;

/** "Mrs. Catherine Ling" and "catherine ling" are the same lead name; so are "张先生" and "张". */
export function normaliseName(name: string | null | undefined): string | null {
  if (!name) return null;
  const words = name
    .normalize('NFC')
    .toLowerCase()
    .replace(ZH_HONORIFICS, '')
    .split(/[\s,]+/u)
    .map((w) => w.replace(/\.$/u, ''))
    .filter((w) => w && !HONORIFICS.has(w));
  return words.length ? words.join(' ') : null;
}

function sameLeadField(field: LeadField, expected: unknown, got: unknown): boolean {
  switch (field) {
    case 'name':
      return normaliseName(expected as string | null) === normaliseName(got as string | null);
    case 'email':
      return ((expected as string | null) ?? '').toLowerCase() === ((got as string | null) ?? '').toLowerCase();
    case 'phone':
      return ((expected as string | null) ?? '').replace(/[^\d+]/g, '') === ((got as string | null) ?? '').replace(/[^\d+]/g, '');
    default:
      return (expected ?? null) === (got ?? null);
  }
}

/** Stay dates, a party size or a booking intent on a message that asked for none of them. */
export function inventedDetails(lead: AskOutcome['lead']): string[] {
  if (!lead) return [];
  const out: string[] = [];
  if (lead.checkIn) out.push('checkIn');
  if (lead.checkOut) out.push('checkOut');
  if (lead.guests !== null && lead.guests !== undefined) out.push('guests');
  if (lead.intent && lead.intent !== 'other') out.push(`intent:${lead.intent}`);
  return out;
}

export function scoreMessage(m: EvalMessage, split: Split, o: AskOutcome | undefined, titlesByHotel: Map<string, Set<string>>): MessageResult {
  const own = titlesByHotel.get(m.hotel) ?? new Set<string>();
  const retrieved = o ? (o.retrieved ?? o.citations ?? []).map((r) => r.title) : [];
  const foreign = retrieved.filter((t) => !own.has(t) && [...titlesByHotel].some(([slug, titles]) => slug !== m.hotel && titles.has(t)));
  const firstHit = retrieved.findIndex((t) => m.expect.items.includes(t));
  const reply = o?.reply ?? '';
  const missingFacts = m.expect.facts.filter((f) => !containsFact(reply, f));
  const forbiddenFound = m.expect.forbidden.filter((f) => containsFact(reply, f));
  const decision = o ? o.decision : 'missing';
  let lead: MessageResult['lead'] = null;
  let invented: string[] = [];
  if (m.expect.lead) {
    const expected = m.expect.lead;
    lead = Object.fromEntries(LEAD_FIELDS.map((f) => [f, sameLeadField(f, expected[f], o?.lead?.[f] ?? null)]));
  } else {
    invented = inventedDetails(o?.lead);
  }
  const failed: string[] = [];
  if (!o) failed.push('no output');
  else if (decision !== m.expect.decision) failed.push(`decision ${decision}, expected ${m.expect.decision}`);
  if (missingFacts.length) failed.push(`missing facts: ${missingFacts.join(' | ')}`);
  if (forbiddenFound.length) failed.push(`forbidden facts: ${forbiddenFound.join(' | ')}`);
  if (foreign.length) failed.push(`foreign items: ${foreign.join(' | ')}`);
  const leadWrong = lead ? LEAD_FIELDS.filter((f) => !lead![f]) : [];
  if (leadWrong.length) failed.push(`lead fields wrong: ${leadWrong.join(', ')}`);
  if (invented.length) failed.push(`invented lead details: ${invented.join(', ')}`);
  if (m.expect.items.length && firstHit === -1) failed.push('no relevant item retrieved');
  return {
    id: m.id,
    split,
    hotel: m.hotel,
    kind: m.kind,
    text: m.text,
    expectedDecision: m.expect.decision,
    decision,
    handoffReason: o?.handoffReason ?? null,
    retrieved,
    scores: (o?.retrieved ?? []).map((r) => r.score),
    rival: rivalScore(o?.retrieved ?? []),
    parts: o?.parts ?? [],
    rank: firstHit === -1 ? null : firstHit + 1,
    foreignItems: foreign,
    missingFacts,
    forbiddenFound,
    lead,
    leadGot: o?.lead ?? null,
    invented,
    // The message is handled right: the expected decision, every required fact, no forbidden one.
    pass: decision === m.expect.decision && missingFacts.length === 0 && forbiddenFound.length === 0,
    failed,
    reply: o?.reply ?? null,
  };
}

const LANGUAGE_KINDS = new Set(['malay', 'mixed', 'chinese']);
const round = (x: number) => Math.round(x * 1000) / 1000;
const rate = (num: number, den: number) => (den === 0 ? null : round(num / den));

export function summarise(results: { r: MessageResult; m: EvalMessage }[]) {
  const withItems = results.filter(({ m }) => m.expect.items.length > 0);
  const recallAt = (k: number) => rate(withItems.filter(({ r }) => r.rank !== null && r.rank <= k).length, withItems.length);
  const needAll = results.filter(({ m }) => m.expect.allItems && m.expect.items.length > 1);
  const allAt3 = rate(needAll.filter(({ r, m }) => m.expect.items.every((t) => r.retrieved.slice(0, 3).includes(t))).length, needAll.length);

  const answerable = results.filter(({ m }) => m.expect.decision === 'answer');
  const answerPass = answerable.filter(({ r }) => r.pass).length;

  const predictedHandoff = results.filter(({ r }) => r.decision === 'handoff');
  const expectedHandoff = results.filter(({ m }) => m.expect.decision === 'handoff');
  const bothHandoff = expectedHandoff.filter(({ r }) => r.decision === 'handoff').length;
  // Must-hand-off: everything expected to go to staff except a multi-question message, whose
  // hand-off comes from one unanswerable part.
  const must = expectedHandoff.filter(({ m }) => m.kind !== 'multi');

  const multi = results.filter(({ m }) => m.kind === 'multi');
  const languages = answerable.filter(({ m }) => LANGUAGE_KINDS.has(m.kind));

  const leads = results.filter(({ r }) => r.lead !== null);
  const leadField = (f: LeadField) => leads.filter(({ r }) => r.lead![f]).length;
  const leadAllRight = leads.filter(({ r }) => LEAD_FIELDS.every((f) => r.lead![f])).length;

  const plain = results.filter(({ m }) => !m.expect.lead);
  const byKind: Record<string, { n: number; pass: number }> = {};
  for (const { r } of results) {
    const k = (byKind[r.kind] ??= { n: 0, pass: 0 });
    k.n++;
    if (r.pass) k.pass++;
  }
  return {
    n: results.length,
    retrieval: {
      n: withItems.length,
      'recall@1': recallAt(1),
      'recall@3': recallAt(3),
      'recall@5': recallAt(5),
      'all@3': allAt3,
      allN: needAll.length,
      nothingRetrieved: withItems.filter(({ r }) => r.retrieved.length === 0).length,
    },
    foreignItems: results.reduce((s, { r }) => s + r.foreignItems.length, 0),
    answerPass: { n: answerable.length, pass: answerPass, rate: rate(answerPass, answerable.length) },
    handoff: {
      precision: rate(bothHandoff, predictedHandoff.length),
      recall: rate(bothHandoff, expectedHandoff.length),
      mustHandoffKept: { n: must.length, kept: must.filter(({ r }) => r.decision === 'handoff').length },
      answerableHandedOff: answerable.filter(({ r }) => r.decision === 'handoff').length,
    },
    multi: { n: multi.length, pass: multi.filter(({ r }) => r.pass).length },
    languages: { n: languages.length, pass: languages.filter(({ r }) => r.pass).length },
    leads: {
      n: leads.length,
      ...Object.fromEntries(LEAD_FIELDS.map((f) => [f, leadField(f)])),
      allRight: leadAllRight,
      allRightRate: rate(leadAllRight, leads.length),
    },
    invented: { plainQuestions: plain.length, withInventedDetails: plain.filter(({ r }) => r.invented.length > 0).length },
    forbiddenFactReplies: results.filter(({ r }) => r.forbiddenFound.length > 0).length,
    byKind,
  };
}

/**
 * Checks the set itself before scoring: every expected title exists in its hotel, every required
 * fact is in the expected items, and no forbidden fact is in them (or, for a message with no
 * expected item, anywhere in the hotel's knowledge). Returns the problems found.
 */
export function checkSet(messages: EvalMessage[], hotels: { slug: string; items: { title: string; content: string }[] }[]): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  const allTitles = hotels.flatMap((h) => h.items.map((i) => i.title));
  if (new Set(allTitles).size !== allTitles.length) problems.push('item titles must be unique across the group (foreign items are found by title)');
  for (const m of messages) {
    if (ids.has(m.id)) problems.push(`${m.id}: duplicate id`);
    ids.add(m.id);
    const hotel = hotels.find((h) => h.slug === m.hotel);
    if (!hotel) {
      problems.push(`${m.id}: unknown hotel ${m.hotel}`);
      continue;
    }
    const items = m.expect.items.map((t) => hotel.items.find((i) => i.title === t));
    m.expect.items.forEach((t, i) => {
      if (!items[i]) problems.push(`${m.id}: no item "${t}" in ${m.hotel}`);
    });
    const text = items.map((i) => i?.content ?? '').join('\n');
    for (const f of m.expect.facts) if (!containsFact(text, f)) problems.push(`${m.id}: fact "${f}" is not in its items`);
    const own = m.expect.items.length ? text : hotel.items.map((i) => `${i.title}\n${i.content}`).join('\n');
    for (const f of m.expect.forbidden) if (containsFact(own, f)) problems.push(`${m.id}: forbidden "${f}" is this hotel's own fact`);
    if (m.expect.decision === 'answer' && m.expect.items.length === 0) problems.push(`${m.id}: an answer needs an item`);
  }
  return problems;
}
