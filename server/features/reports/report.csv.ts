import type { DrillRow } from './report.repository.js';

/**
 * One row per conversation of the report's period, from the report facts: channel, times,
 * outcome, lead and value. No guest name, phone, email or message text ever reaches this file
 * (B3): the facts do not hold them.
 */
const CSV_COLUMNS = [
  'conversation_id',
  'started_at',
  'local_day',
  'local_hour',
  'channel',
  'status',
  'after_hours',
  'handed_off',
  'handoff_reason',
  'ai_resolved',
  'guest_messages',
  'ai_replies',
  'staff_replies',
  'ai_first_response_s',
  'staff_first_response_s',
  'lead_intent',
  'lead_status',
  'booking_value',
  'currency',
  'converted_day',
  'cost_usd',
  'feedback_helpful',
  'feedback_not_helpful',
] as const;

function cell(v: string | number | null): string {
  if (v === null) return '';
  let s = String(v);
  // A spreadsheet must never read a cell as a formula.
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function renderReportCsv(rows: readonly DrillRow[], currency: string): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) {
    lines.push(
      [
        r.conversation_id,
        r.started_at,
        r.day,
        r.hour,
        r.channel,
        r.status,
        r.after_hours,
        r.handed_off,
        r.handoff_reason,
        r.ai_resolved,
        r.guest_messages,
        r.ai_replies,
        r.staff_replies,
        r.ai_first_response_s,
        r.staff_first_response_s,
        r.lead_intent,
        r.lead_status,
        r.lead_booking_value,
        r.lead_id ? currency : null,
        r.lead_converted_day,
        r.cost_usd,
        r.feedback_up,
        r.feedback_down,
      ]
        .map(cell)
        .join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}
