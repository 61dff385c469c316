import type { LocalCalendar } from './local-calendar.js';
import type { ConversationFact, ConversationSource, LeadFact, LeadSource } from './report.repository.js';

/**
 * How one conversation's raw rows become its row of figures. The same function serves the live
 * refresh (on every event) and the rebuild, so both give the same numbers by construction.
 */
export function conversationFact(src: ConversationSource, cal: LocalCalendar, now: string): ConversationFact {
  const { day, hour } = cal.at(src.created_at);
  const handedOff = src.handoff_reason !== null || src.staff_replies > 0 || src.status === 'needs_human' || src.status === 'human';
  const start = Date.parse(src.first_guest_at ?? src.created_at);
  const seconds = (at: string | null) => (at === null ? null : Math.max(0, Date.parse(at) - start) / 1000);
  return {
    conversation_id: src.id,
    day,
    hour,
    started_at: src.created_at,
    channel: src.channel,
    after_hours: src.after_hours ? 1 : 0,
    status: src.status,
    handoff_reason: handedOff ? (src.handoff_reason ?? 'staff') : null,
    handed_off: handedOff ? 1 : 0,
    ai_resolved: !handedOff && src.ai_replies > 0 ? 1 : 0,
    guest_messages: src.guest_messages,
    ai_replies: src.ai_replies,
    staff_replies: src.staff_replies,
    ai_first_response_s: seconds(src.first_ai_at),
    staff_first_response_s: seconds(src.first_staff_at),
    cost_usd: Math.round(src.cost_usd * 1e6) / 1e6,
    feedback_up: src.feedback_up,
    feedback_down: src.feedback_down,
    updated_at: now,
  };
}

export function leadFact(src: LeadSource, cal: LocalCalendar, now: string): LeadFact {
  const converted = src.status === 'converted';
  return {
    lead_id: src.id,
    conversation_id: src.conversation_id,
    day: cal.day(src.created_at),
    converted_day: converted ? cal.day(src.converted_at ?? src.created_at) : null,
    channel: src.source_channel,
    intent: src.intent,
    after_hours: src.after_hours ? 1 : 0,
    status: src.status,
    booking_value: src.booking_value,
    is_lead: src.is_lead ? 1 : 0,
    updated_at: now,
  };
}

/** Whether two facts carry the same figures (the refresh time aside). */
export function sameFigures<T extends { updated_at: string }>(a: T, b: T): boolean {
  for (const key of Object.keys(a) as (keyof T)[]) {
    if (key !== 'updated_at' && a[key] !== b[key]) return false;
  }
  return true;
}

/** Linear interpolation between closest ranks (the default of most statistics packages). */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = p * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const value = sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
  return Math.round(value * 1000) / 1000;
}
