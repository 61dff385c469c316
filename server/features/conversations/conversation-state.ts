import type { ConversationStatus } from '../../contract/conversations.js';
import type { LeadStatus } from '../../contract/conversations.js';
import { ConflictError } from '../../shared/errors.js';

/**
 * Conversation state machine (E11):
 *
 *   ai ──handoff──▶ needs_human ──take_over──▶ human
 *   ai ──take_over────────────────────────────▶ human
 *   needs_human ──hand_back──▶ ai      human ──hand_back──▶ ai
 *   ai | needs_human | human ──resolve──▶ resolved
 *   resolved ──guest_message──▶ ai (or needs_human when the AI cannot answer)
 *   resolved ──take_over──▶ human
 *   human ──guest_message──▶ human (the AI never answers while a person holds it)
 */
export type ConversationEvent = 'handoff' | 'take_over' | 'hand_back' | 'resolve' | 'guest_message';

const TRANSITIONS: Record<ConversationStatus, Partial<Record<ConversationEvent, ConversationStatus>>> = {
  ai: { handoff: 'needs_human', take_over: 'human', resolve: 'resolved', guest_message: 'ai' },
  needs_human: { take_over: 'human', hand_back: 'ai', resolve: 'resolved', guest_message: 'needs_human', handoff: 'needs_human' },
  human: { hand_back: 'ai', resolve: 'resolved', guest_message: 'human' },
  resolved: { guest_message: 'ai', take_over: 'human', handoff: 'needs_human' },
};

export function nextStatus(from: ConversationStatus, event: ConversationEvent): ConversationStatus {
  const to = TRANSITIONS[from][event];
  if (!to) throw new ConflictError(`A conversation that is "${from.replace('_', ' ')}" cannot ${event.replace('_', ' ')}`);
  return to;
}

/**
 * Lead state machine (E11):
 *
 *   new ──▶ contacted ──▶ converted (booking value required)
 *   new | contacted ──▶ lost ──▶ contacted (re-opened)
 *   new ──▶ converted
 *   converted is final (a correction of the value stays allowed).
 */
const LEAD_TRANSITIONS: Record<LeadStatus, readonly LeadStatus[]> = {
  new: ['contacted', 'converted', 'lost'],
  contacted: ['converted', 'lost'],
  lost: ['contacted'],
  converted: [],
};

export function checkLeadTransition(from: LeadStatus, to: LeadStatus): void {
  if (from === to) return;
  if (!LEAD_TRANSITIONS[from].includes(to)) throw new ConflictError(`A lead that is "${from}" cannot become "${to}"`);
}
