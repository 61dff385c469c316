import { z } from 'zod';
import { HandoffReason } from './conversations.js';

/**
 * "Try a question": what the assistant would reply to a guest's message, composed exactly as for a
 * real guest but written nowhere (no conversation, lead, knowledge gap or report figure).
 */
export const TryQuestion = z.object({ question: z.string().trim().min(1).max(2000) });
export type TryQuestion = z.input<typeof TryQuestion>;

const Retrieved = z.object({ itemId: z.string(), title: z.string(), score: z.number().min(0).max(1) });

export const TrialResult = z.object({
  decision: z.enum(['answer', 'handoff']),
  /** The reply the guest would get; null only for a silent hand-off. */
  reply: z.string().nullable(),
  confidence: z.number().nullable(),
  provider: z.enum(['ollama', 'cloud', 'knowledge', 'template']),
  handoffReason: HandoffReason.nullable(),
  citations: z.array(z.object({ itemId: z.string(), title: z.string() })),
  /** The knowledge found, best first, with its calibrated relevance (0..1). */
  retrieved: z.array(Retrieved),
  /** The message's questions and whether each was answered or left to staff. */
  parts: z.array(z.object({ question: z.string(), itemId: z.string().nullable(), relevance: z.number(), confidence: z.number(), answered: z.boolean() })),
});
export type TrialResult = z.infer<typeof TrialResult>;
