import { z } from 'zod';
import type { Core } from '../core.js';
import type { TrialOutcome } from '../features/pipeline/pipeline.service.js';
import { localTime, zonedInstant } from '../features/properties/desk-hours.js';
import { ValidationError } from '../shared/errors.js';

/** One line of `nocturn ask --file`: {"id": "...", "text": "..."}. */
const AskLine = z.object({ id: z.union([z.string(), z.number()]).transform(String), text: z.string().min(1).max(4000) });

interface AskResult {
  reply: string | null;
  confidence: number | null;
  decision: 'answer' | 'handoff';
  handoffReason: string | null;
  provider: 'ollama' | 'cloud' | 'knowledge';
  citations: { itemId: string; title: string }[];
  /** The knowledge found, best first, with its calibrated relevance (0..1) and the question's concepts each holds. */
  retrieved: { itemId: string; title: string; score: number; matched?: string[] }[];
  lead: { name: string | null; phone: string | null; email: string | null; checkIn: string | null; checkOut: string | null; guests: number | null; intent: string };
  /** Each question the message was read as: its best item, that item's relevance, how sure an answer from it is, and whether it was answered. */
  parts: { question: string; itemId: string | null; relevance: number; confidence: number; answered: boolean }[];
}

function shape(o: TrialOutcome): AskResult {
  return {
    reply: o.reply,
    confidence: o.confidence,
    decision: o.decision,
    handoffReason: o.handoffReason,
    // Fixed texts (greetings, hand-off notices) and knowledge sentences both come without a model.
    provider: o.provider === 'ollama' || o.provider === 'cloud' ? o.provider : 'knowledge',
    citations: o.citations,
    retrieved: o.retrieved,
    lead: { name: o.lead.name, phone: o.lead.phone, email: o.lead.email, checkIn: o.lead.checkIn, checkOut: o.lead.checkOut, guests: o.lead.guests, intent: o.lead.intent },
    parts: o.parts.map((p) => ({ question: p.question, itemId: p.itemId, relevance: p.relevance, confidence: p.confidence, answered: p.answered })),
  };
}

/**
 * Runs guest messages through the pipeline's composition as a test guest, each as a fresh
 * conversation, as a dry run: nothing is written, so test questions never reach the inbox, the
 * leads, the knowledge gaps or the reports.
 */
export async function ask(core: Core, property: string, lines: { id?: string; text: string }[], today?: string): Promise<(AskResult & { id?: string })[]> {
  if (today && !/^\d{4}-\d{2}-\d{2}$/.test(today)) throw new ValidationError('--today must be YYYY-MM-DD');
  const scope = core.properties.scope(property);
  await core.knowledge.whenIdle(scope.property.id);
  const now = core.clock.now();
  const receivedAt = today ? zonedInstant(scope.property.timezone, today, localTime(scope.property.timezone, now).minutes) : now;
  const results: (AskResult & { id?: string })[] = [];
  for (const line of lines) {
    const outcome = await core.pipeline.trial(scope, line.text, receivedAt);
    results.push({ ...(line.id !== undefined ? { id: line.id } : {}), ...shape(outcome) });
  }
  return results;
}

export function parseAskFile(text: string): { id: string; text: string }[] {
  return text
    .split(/\r?\n/)
    .map((l, i) => ({ l: l.trim(), i }))
    .filter(({ l }) => l.length > 0)
    .map(({ l, i }) => {
      let value: unknown;
      try {
        value = JSON.parse(l);
      } catch {
        throw new ValidationError(`line ${i + 1} is not JSON`);
      }
      const r = AskLine.safeParse(value);
      if (!r.success) throw new ValidationError(`line ${i + 1} needs {"id": "...", "text": "..."}`);
      return r.data;
    });
}
