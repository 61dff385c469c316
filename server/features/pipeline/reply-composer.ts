import type { HandoffReason, LeadDetails } from '../../contract/conversations.js';
import type { Property } from '../../contract/properties.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { maskPii } from '../../shared/redact.js';
import type { ExtractedLead, Language } from '../leads/lead-extraction.js';
import { InvalidModelOutputError, NoModelAvailableError, type LlmMessage } from '../llm/llm.port.js';
import type { LlmRouter } from '../llm/llm.router.js';
import { generateStructured } from '../llm/structured.js';
import { hotelDay, isAfterHours, nextDeskOpening } from '../properties/desk-hours.js';
import { confidenceOf } from './answer-confidence.js';
import { analyzeQuery, ASPECT_CONCEPTS } from '../knowledge/query-expansion.js';
import { lexicon } from '../knowledge/lexicon.js';
import { answerSentences, supportSentence } from './extractive.js';
import { asksForPerson, inventedAmounts, policyHandoff, smallTalk, withoutQuoted } from './guards.js';
import { echoesInstructions, guestTurn, ModelReply, systemPrompt, type PromptQuestion } from './prompt.js';
import { ReplyDraft } from './reply-draft.js';
import { clauses, MAX_QUESTIONS, questionCue, segments } from './questions.js';
import type { Passage, Retriever } from './retriever.port.js';
import { formatOpening, texts } from './templates.js';

/**
 * What the assistant says to one guest message, and whether staff must take it (C4, C6): the
 * content guards, the split into questions, retrieval per question, the model (or, without one,
 * the sentences of the matching knowledge) and the decision. It reads the knowledge base and the
 * model and writes nothing, so the same composition serves real guests and test questions alike.
 */

export type Provider = 'ollama' | 'cloud' | 'knowledge' | 'template';

export interface ComposeInput {
  property: Property;
  /** The guest's words, already bounded to the guest limit. */
  text: string;
  language: Language;
  flags: string[];
  /** Names of the guest, left out of searches. */
  names: (string | null | undefined)[];
  /** A phone or email is known for the guest (given before or in this message). */
  contactKnown: boolean;
  /** The deterministic lead reading of this message. */
  lead: ExtractedLead;
  /** The guest's previous message in the conversation, which carries the topic of a short follow-up. */
  previousGuestText: string | null;
  /** Earlier turns, oldest first, for the model. */
  history: LlmMessage[];
  conversationId: string;
  now: Date;
  /** Shown the model's reply as it is written (reply-draft.ts); only channels with a watching guest pass it. */
  onDraft?: (text: string) => void;
}

export interface Usage {
  inputTokens: number | null;
  outputTokens: number | null;
  latencyMs: number | null;
  costUsd: number | null;
}

/** One question of the message and what became of it. */
export interface QuestionPart {
  question: string;
  itemId: string | null;
  /** The best item's relevance (the search's score). */
  relevance: number;
  /** How sure an answer from that item is (answer-confidence.ts), or the model's confidence. */
  confidence: number;
  answered: boolean;
}

export interface Composition {
  decision: 'answer' | 'handoff';
  /** The reply to send; null for a silent hand-off. */
  reply: string | null;
  confidence: number | null;
  provider: Provider;
  model: string | null;
  handoffReason: HandoffReason | null;
  citedItemIds: string[];
  /** The knowledge found for the message, best first, with its calibrated relevance. */
  retrieved: { itemId: string; title: string; score: number; matched?: string[] }[];
  parts: QuestionPart[];
  intent: ExtractedLead['intent'] | null;
  lead: Partial<LeadDetails>;
  usage: Usage;
}

export interface ComposerSettings {
  /** Passages retrieved per question (the model sees up to this many for each). */
  retrievalK: number;
}

/** The hand-off reason of a booking, event or dining request. */
const BOOKING_HANDOFF: HandoffReason = 'booking';
/** Intents that make a message a request staff must confirm: no availability is ever claimed. */
const BOOKING_INTENTS = new Set<ExtractedLead['intent']>(['room_booking', 'event', 'dining']);
/** Further items a no-model answer may take a sentence from, when the best item leaves part of the question out. */
const SUPPORT_ITEMS = 2;
/** Below this relevance an item is too unrelated to complete an answer. */
const MIN_SUPPORT_RELEVANCE = 0.15;
/** Passages the model sees in all, however many questions. */
const MAX_PROMPT_PASSAGES = 10;
/** Below this relevance nothing matched at all ("not in the knowledge base" rather than "not sure"). */
const NO_KNOWLEDGE_BELOW = 0.3;
const MAX_PASSAGE_CHARS = 1500;
/** Passages below this relevance are unrelated and never reach the prompt (C2); anything above may help the model. */
const MIN_PROMPT_RELEVANCE = 0.2;

export function nullUsage(): Usage {
  return { inputTokens: null, outputTokens: null, latencyMs: null, costUsd: null };
}

const SALUTATION = /\b(hello|hi|hey|dear|good (morning|afternoon|evening|day)|my name is|this is|i am|i'm|nama saya|call me on|call me at|contact me at|email me at|reach me at|thanks?( you)?|thank u|tq|regards|cheers|please|pls|plz|selamat (pagi|petang|malam))\b|你好|您好|我叫|谢谢|謝謝/gi;

/** The guest's words minus contact details, their own name and pleasantries: what the knowledge base can match. */
function searchableText(text: string, names: (string | null | undefined)[]): string {
  let out = maskPii(text).replace(/\[(phone|email|card)\]/g, ' ');
  for (const name of names) {
    for (const part of (name ?? '').split(/\s+/).filter((p) => p.length >= 2)) {
      out = out.split(new RegExp(`(?<![\\p{L}])${part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}])`, 'iu')).join(' ');
    }
  }
  return out.replace(SALUTATION, ' ').replace(/\s+/g, ' ').trim();
}

/** "A person will reply shortly" or "after 8:00 on Saturday", from the hotel's desk hours. */
function handoffNotice(property: Property, now: Date, language: Language): string {
  const t = texts(language);
  if (!isAfterHours(property, now)) return t.handoffSoon;
  const opening = nextDeskOpening(property, now);
  return opening ? t.handoffAt(formatOpening(opening, property.timezone, language)) : t.handoffNoHours;
}

interface Question {
  text: string;
  passages: Passage[];
  /** What the guest said just before asking ("we leave at 5am"): it tells which sentences answer. */
  remarks?: string[];
  /** What the question's other readings found (a follow-up merged into it): items that may complete the answer. */
  alternates?: Passage[];
}

export class ReplyComposer {
  constructor(
    private readonly deps: {
      retriever: Retriever;
      router: Pick<LlmRouter, 'generate'> | null;
      clock: Clock;
      log: Logger;
      settings: ComposerSettings;
    },
  ) {}

  async compose(input: ComposeInput): Promise<Composition> {
    const { text, language, property } = input;
    const whole = (reason: HandoffReason): Composition => this.handoff(input, reason, [], [], null);
    if (asksForPerson(text)) return whole('asked_for_person');
    const policy = policyHandoff(input.flags.includes('injection_suspected') ? withoutQuoted(text) : text);
    if (policy) return whole(policy);
    const talk = smallTalk(text);
    if (talk) {
      const t = texts(language);
      return { ...empty(), decision: 'answer', reply: talk === 'greeting' ? t.greeting(property.name) : t.thanks, confidence: 1, provider: 'template' };
    }

    const questions = await this.questions(input);
    const retrieved = rankedUnion(questions);
    const booking = BOOKING_INTENTS.has(input.lead.intent);

    if (this.deps.router && !input.flags.includes('injection_suspected')) {
      const generated = await this.generate(input, questions, retrieved);
      if (generated && !booking) return generated;
      if (generated?.decision === 'answer' && generated.reply) {
        // A booking request with questions the model answered: the answers go with the hand-off.
        return this.handoff(input, BOOKING_HANDOFF, generated.parts, retrieved, generated.reply, generated);
      }
      if (generated) return this.handoff(input, generated.handoffReason ?? BOOKING_HANDOFF, generated.parts, retrieved, null, generated);
    }
    const parts = this.extractiveParts(input, questions);
    const answered = parts.filter((p) => p.answered);
    const extractive = answered.length ? this.extractiveReply(questions, parts) : null;
    const reply = extractive?.text ?? null;
    const cited = [...new Set([...answered.map((p) => p.itemId!), ...(extractive?.support ?? [])])];
    const confidence = answered.length ? Math.min(...answered.map((p) => p.confidence)) : confidenceOf(retrieved);
    const open = parts.filter((p) => !p.answered && (p.question !== '' || answered.length === 0));
    const injection = input.flags.includes('injection_suspected');
    if (injection && !answered.length) return this.handoff(input, 'injection', parts, retrieved, null, { confidence });
    if (booking) return this.handoff(input, BOOKING_HANDOFF, parts, retrieved, reply, { confidence, citedItemIds: cited });
    // A message that mixes real questions with orders to the assistant gets its questions answered;
    // the rest is the attempt, not a question for the front desk (the message keeps its flag).
    if ((open.length === 0 || injection) && reply) {
      return { ...empty(), decision: 'answer', reply, confidence, provider: 'knowledge', citedItemIds: cited, retrieved, parts };
    }
    const reason: HandoffReason = (retrieved[0]?.score ?? 0) < NO_KNOWLEDGE_BELOW && !answered.length ? 'no_knowledge' : 'low_confidence';
    return this.handoff(input, reason, parts, retrieved, reply, { confidence, citedItemIds: cited, openQuestions: answered.length ? open.map((p) => p.question) : [] });
  }

  /**
   * The questions of a message with their passages. A message is split into sentences and clauses;
   * a piece the guest asks (a question mark, a question word, a Chinese particle) is a question, and
   * the rest are remarks that give the next question its context. A question that points back ("do
   * we pay for it?") is read with what came before. A message with no question is one question.
   * Questions answered by the same item merge.
   */
  private async questions(input: ComposeInput): Promise<Question[]> {
    const { property } = input;
    const k = this.deps.settings.retrievalK;
    const threshold = property.confidenceThreshold;
    // One search per distinct text: a clause, its context retry and the whole message often coincide.
    const searched = new Map<string, Promise<Passage[]>>();
    // `remarks`: what the guest said before asking, whose words the hotel never uses are her story.
    const retrieve = (q: string, remarks?: string): Promise<Passage[]> => {
      const query = q.slice(0, 1000);
      if (!query) return Promise.resolve([]);
      const key = `${remarks ?? ''}\u0000${query}`;
      let found = searched.get(key);
      if (!found) searched.set(key, (found = this.deps.retriever.retrieve(property.id, query, k, remarks).then((r) => r.passages)));
      return found;
    };
    // How sure a reply from a search's best item would be, against the hotel's threshold.
    const top = (ps: Passage[]) => confidenceOf(ps);

    const cleanWhole = searchableText(input.text, input.names);
    let wholePassages = await retrieve(cleanWhole);
    const short = cleanWhole.split(/\s+/).filter(Boolean).length < 6 && !/[\u4e00-\u9fff]{6,}/.test(cleanWhole);
    if (short && input.previousGuestText && top(wholePassages) < threshold) {
      const withTopic = await retrieve(`${searchableText(input.previousGuestText, input.names)} ${cleanWhole}`);
      if (top(withTopic) > top(wholePassages)) wholePassages = withTopic;
    }
    const wholeQuestion: Question = { text: cleanWhole, passages: wholePassages };

    const pieces = segments(input.text).flatMap((sentence) => clauses(sentence).map((clause) => ({ clause, sentence })));
    if (pieces.length < 2) return [wholeQuestion];
    const found: Question[] = [];
    // What came just before: remarks ("we're driving up tomorrow") or the previous question.
    let context: string[] = [];
    let contextIsRemarks = false;
    for (const { clause: piece, sentence } of pieces) {
      const clean = searchableText(piece, input.names);
      if (!clean) continue;
      if (!questionCue(piece, sentence)) {
        // A remark with nothing to search for ("please tell me more") leaves the topic where it was.
        if (analyzeQuery(clean).length === 0) continue;
        context = contextIsRemarks ? [...context, clean].slice(-2) : [clean];
        contextIsRemarks = true;
        continue;
      }
      let passages = await retrieve(clean);
      const previous = found.at(-1);
      const dependent = dependsOnContext(clean);
      // "大概多少钱？", "how long can we keep them?" right after a question: an aspect (a price, a time, how
      // long) that finds nothing sure alone asks about the item the question before found, if read with
      // it that item is what it finds.
      const aspectOfPrevious = !dependent && !contextIsRemarks && !!previous && top(passages) < threshold && asksAspect(clean);
      // "Do we pay for it?" is about what came before: read it with that, whatever it finds alone. A
      // question that stands alone borrows only from remarks, or its aspect from the question before.
      if (context.length && (dependent || aspectOfPrevious || (contextIsRemarks && top(passages) < threshold))) {
        // Remarks narrow the topic; a question before this one is read with it, whole.
        const withContext = await (contextIsRemarks ? retrieve(clean, context.join(' ')) : retrieve(`${context.join(' ')} ${clean}`));
        // Read with what came before whatever it finds (a pointer back), or when that finds the question before's item (an aspect).
        const borrows = dependent || (aspectOfPrevious && !!withContext[0] && previous.passages[0]?.itemId === withContext[0].itemId);
        if (borrows || (!aspectOfPrevious && top(withContext) > top(passages))) passages = withContext;
        if (previous && borrows && passages[0] && previous.passages[0]?.itemId === passages[0].itemId) {
          previous.text = `${previous.text} ${clean}`;
          // The same item, found with more or less of the topic: its surer reading stands, the other
          // may still hold what completes the answer ("how much is it a night?" finds the rates).
          const [surer, other] = top(passages) > top(previous.passages) ? [passages, previous.passages] : [previous.passages, passages];
          previous.passages = surer;
          previous.alternates = [...(previous.alternates ?? []), ...other];
          // The next follow-up ("when is it?") points at the same topic: the merged question carries it.
          context = [previous.text];
          contextIsRemarks = false;
          continue;
        }
      }
      found.push({ text: clean, passages, ...(contextIsRemarks ? { remarks: context } : {}) });
      context = [clean];
      contextIsRemarks = false;
    }
    // Questions answered by the same item are one answer; asked questions that found nothing stay apart.
    const merged: Question[] = [];
    for (const q of found) {
      const same = top(q.passages) >= threshold ? merged.find((m) => top(m.passages) >= threshold && m.passages[0]!.itemId === q.passages[0]!.itemId) : undefined;
      if (same) same.text = `${same.text} ${q.text}`;
      else merged.push({ ...q });
    }
    if (merged.length === 0) return [wholeQuestion];
    if (merged.length === 1) {
      // One question among remarks: its own search, unless it finds too little and the whole message more.
      const only = merged[0]!;
      return [top(only.passages) < threshold && top(wholePassages) > top(only.passages) ? wholeQuestion : only];
    }
    return merged.slice(0, MAX_QUESTIONS);
  }

  private extractiveParts(input: ComposeInput, questions: Question[]): QuestionPart[] {
    const threshold = input.property.confidenceThreshold;
    return questions.map((q) => {
      const best = q.passages[0];
      const confidence = confidenceOf(q.passages);
      return { question: q.text, itemId: best?.itemId ?? null, relevance: best?.score ?? 0, confidence, answered: !!best && confidence >= threshold };
    });
  }

  /** The answered parts, one paragraph each, from the sentences of their items. */
  private extractiveReply(questions: Question[], parts: QuestionPart[]): { text: string; support: string[] } {
    const paragraphs: string[] = [];
    const support: string[] = [];
    parts.forEach((p, i) => {
      if (!p.answered) return;
      const q = questions[i]!;
      const passage = q.passages[0]!;
      let answer = answerSentences([q.text], passage.text, passage.title, q.remarks);
      // What the best item leaves out ("is it halal?"), from the next items the search found.
      for (const other of supportCandidates(q)) {
        const more = supportSentence([q.text], answer, other.text, other.title, passage.title);
        if (!more || answer.includes(more)) continue;
        answer = `${answer} ${more}`;
        support.push(other.itemId);
      }
      if (!paragraphs.includes(answer)) paragraphs.push(answer);
    });
    return { text: paragraphs.join('\n\n'), support };
  }

  private handoff(
    input: ComposeInput,
    reason: HandoffReason,
    parts: QuestionPart[],
    retrieved: Composition['retrieved'],
    answered: string | null,
    options: Partial<Composition> & { openQuestions?: string[] } = {},
  ): Composition {
    const { openQuestions, ...from } = options;
    const t = texts(input.language);
    const notice = handoffNotice(input.property, input.now, input.language);
    const open = (openQuestions ?? []).filter(Boolean);
    const rest = open.length ? t.passedOn(open.map((q) => `“${q.slice(0, 120)}”`).join(', ')) : null;
    const booking = reason === BOOKING_HANDOFF ? t.bookingReceived : null;
    const body = [answered, rest, [booking, notice, input.contactKnown ? null : t.askContact].filter(Boolean).join(' ')].filter(Boolean).join('\n\n');
    return {
      ...empty(),
      ...from,
      decision: 'handoff',
      reply: body,
      provider: from.provider ?? (answered ? 'knowledge' : 'template'),
      handoffReason: reason,
      retrieved,
      parts,
    };
  }

  /** The model's answer to every question, each with its own passages; null when no model answered. */
  private async generate(input: ComposeInput, questions: Question[], retrieved: Composition['retrieved']): Promise<Composition | null> {
    const { property } = input;
    const perQuestion = Math.max(1, Math.floor(MAX_PROMPT_PASSAGES / questions.length));
    const promptQuestions: PromptQuestion[] = questions.map((q) => ({
      text: q.text,
      passages: q.passages.filter((p) => p.score >= MIN_PROMPT_RELEVANCE).slice(0, Math.min(3, perQuestion)).map(trimPassage),
    }));
    const passages = uniquePassages(promptQuestions.flatMap((q) => q.passages));
    // Nothing in the knowledge base is even near: a model could only guess, so staff answer.
    if (passages.length === 0) return null;
    const draft = input.onDraft ? new ReplyDraft({ sources: passages.map((p) => p.text).join('\n'), publish: input.onDraft }) : null;
    try {
      const { data, result } = await generateStructured(this.deps.router!, ModelReply, {
        ...(draft ? { onDelta: draft.onDelta } : {}),
        system: systemPrompt({ hotelName: property.name, today: hotelDay(this.deps.clock.now(), property.timezone), timezone: property.timezone, language: input.language, questions: promptQuestions }),
        messages: [...input.history, { role: 'user', content: guestTurn(input.text) }],
        context: {
          propertyId: property.id,
          timeZone: property.timezone,
          guestNames: input.names.filter((n): n is string => !!n),
          phoneCountry: property.country as never,
          conversationId: input.conversationId,
          ...(property.cloudBudgetUsd !== null ? { dailyCloudBudgetUsd: property.cloudBudgetUsd } : {}),
        },
      });
      const known = new Set(passages.map((p) => p.itemId));
      const cited = data.citedItemIds.filter((id) => known.has(id));
      let confidence = data.confidence;
      const modelParts = data.questions ?? [];
      const parts: QuestionPart[] = questions.map((q, i) => ({
        question: q.text,
        itemId: q.passages[0]?.itemId ?? null,
        relevance: q.passages[0]?.score ?? 0,
        confidence: data.confidence,
        answered: modelParts[i]?.answered ?? !data.handoff,
      }));
      let handoffReason: HandoffReason | null = data.handoff ? (data.handoffReason ?? 'low_confidence') : null;
      // Output checks: no echoed instructions, no prices the knowledge does not contain, grounded answers.
      if (echoesInstructions(data.reply)) handoffReason = 'injection';
      const sources = passages.filter((p) => cited.includes(p.itemId) || cited.length === 0).map((p) => p.text).join('\n');
      if (inventedAmounts(data.reply, sources).length) confidence = Math.min(confidence, 0.3);
      if (cited.length === 0) confidence = Math.min(confidence, 0.5);
      const usage = { inputTokens: result.inputTokens, outputTokens: result.outputTokens, latencyMs: result.latencyMs, costUsd: result.costUsd };
      const base = {
        ...empty(),
        confidence,
        provider: (result.route === 'local' ? 'ollama' : 'cloud') as Provider,
        model: result.model,
        citedItemIds: cited,
        retrieved,
        parts,
        intent: data.intent,
        lead: { ...data.lead },
        usage,
      };
      if (handoffReason === 'injection') return this.handoff(input, 'injection', parts, retrieved, null, base);
      const someAnswered = parts.some((p) => p.answered) && data.reply.trim().length > 0;
      const allAnswered = parts.every((p) => p.answered) && !handoffReason;
      if (confidence < property.confidenceThreshold) return this.handoff(input, handoffReason ?? 'low_confidence', parts, retrieved, null, base);
      if (allAnswered) return { ...base, decision: 'answer', reply: data.reply };
      // Some questions answered, the rest to staff: the guest keeps the answers.
      return this.handoff(input, handoffReason ?? 'low_confidence', parts, retrieved, someAnswered ? data.reply : null, base);
    } catch (err) {
      if (err instanceof NoModelAvailableError) {
        this.deps.log.warn({ propertyId: property.id, conversationId: input.conversationId }, 'no model answered; falling back to the knowledge base');
        return null;
      }
      if (err instanceof InvalidModelOutputError) {
        return this.handoff(input, 'low_confidence', [], retrieved, null, { confidence: 0, provider: 'ollama' });
      }
      throw err;
    }
  }
}

function empty(): Composition {
  return {
    decision: 'answer',
    reply: null,
    confidence: null,
    provider: 'template',
    model: null,
    handoffReason: null,
    citedItemIds: [],
    retrieved: [],
    parts: [],
    intent: null,
    lead: {},
    usage: nullUsage(),
  };
}

function trimPassage(p: Passage): Passage {
  return p.text.length > MAX_PASSAGE_CHARS ? { ...p, text: `${p.text.slice(0, MAX_PASSAGE_CHARS)}…` } : p;
}

function uniquePassages(passages: Passage[]): Passage[] {
  const seen = new Set<string>();
  return passages.filter((p) => !seen.has(p.itemId) && seen.add(p.itemId));
}

/**
 * The question asks only what something costs, when, how long, how far, how big or whether it is free,
 * naming nothing of its own: no hotel topic ("the pool hours"), no thing ("an optician close by").
 */
function asksAspect(question: string): boolean {
  const groups = analyzeQuery(question);
  return groups.some((g) => ASPECT_CONCEPTS.has(g.label)) && groups.every((g) => ASPECT_CONCEPTS.has(g.label) || (!g.expanded && !g.focus && !lexicon().namesThing(g.label)));
}

/** Words that point back at what was said before ("it", "that one", "itu", "它"). */
const ANAPHORA = /\b(it|its|it's|that|this|those|these|they|them|itu|ini|tu|ni|nya)\b|它|这个|那个|这|那/iu;

/** "After that", "lepas tu", "之后": they order events, and point at no topic. */
const TIME_LINK = /\b(?:after|before|besides|apart from|other than) (?:that|this|those)\b|\b(?:lepas|selepas|sebelum) (?:itu|tu|ini|ni)\b|之后|以后|然后/giu;

/**
 * A question that cannot be read alone: it points back, has at most three words ("Pork-free?",
 * "How much?"), or asks only an aspect with no topic ("what time does it start?", "几点开始？",
 * "any extra charge?").
 */
export function dependsOnContext(question: string): boolean {
  const words = question.match(/[\p{L}\p{N}]+/gu) ?? [];
  const cjk = (question.match(/\p{Script=Han}/gu) ?? []).length;
  if (ANAPHORA.test(question.replace(TIME_LINK, ' ')) || (cjk === 0 ? words.length <= 3 : cjk <= 3)) return true;
  const groups = analyzeQuery(question);
  return groups.length > 0 && groups.every((g) => ASPECT_CONCEPTS.has(g.label) || g.weak);
}

/** The items after the best one that may complete its answer: each at its best relevance, best first. */
function supportCandidates(q: Question): Passage[] {
  const best = new Map<string, Passage>();
  for (const p of [...q.passages.slice(1), ...(q.alternates ?? [])]) {
    if (p.itemId === q.passages[0]?.itemId) continue;
    const seen = best.get(p.itemId);
    if (!seen || p.score > seen.score) best.set(p.itemId, p);
  }
  return [...best.values()]
    .filter((p) => p.score >= MIN_SUPPORT_RELEVANCE)
    .sort((a, b) => b.score - a.score)
    .slice(0, SUPPORT_ITEMS);
}

/** Every question's passages merged, best relevance first: what the message found. */
function rankedUnion(questions: Question[]): Composition['retrieved'] {
  const best = new Map<string, { itemId: string; title: string; score: number; matched?: string[]; rank: number }>();
  for (const q of questions) {
    q.passages.forEach((p, rank) => {
      const seen = best.get(p.itemId);
      if (!seen || p.score > seen.score || (p.score === seen.score && rank < seen.rank)) best.set(p.itemId, { itemId: p.itemId, title: p.title, score: p.score, ...(p.matched ? { matched: p.matched } : {}), rank });
    });
  }
  return [...best.values()].sort((a, b) => b.score - a.score || a.rank - b.rank).map(({ rank: _rank, ...item }) => item);
}
