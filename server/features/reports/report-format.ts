/** How figures are written in exported reports (PDF text and e-mail bodies). */
import { HANDOFF_LABEL } from '../../contract/conversations.js';

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function formatMoney(value: number, currency: string): string {
  return `${currency} ${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export function formatUsd(value: number): string {
  return `USD ${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 4 })}`;
}

export function formatShare(share: number | null): string {
  return share === null ? 'n/a' : `${(share * 100).toFixed(1)}%`;
}

export function formatSeconds(s: number | null): string {
  if (s === null) return 'n/a';
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

/** "+12%" (relative) or "+5.0 pts" (shares); empty when there is nothing to compare with. */
export function formatChange(change: number | null | undefined, kind: 'relative' | 'points'): string {
  if (change === null || change === undefined || !Number.isFinite(change)) return '';
  const sign = change > 0 ? '+' : change < 0 ? '-' : '±';
  const abs = Math.abs(change);
  return kind === 'points' ? `${sign}${(abs * 100).toFixed(1)} pts` : `${sign}${Math.round(abs * 100)}%`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function formatDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return `${d} ${MONTHS[m - 1]} ${y}`;
}

export function formatPeriod(p: { from: string; to: string }): string {
  return p.from === p.to ? formatDay(p.from) : `${formatDay(p.from)} - ${formatDay(p.to)}`;
}

export const REASON_LABELS: Record<string, string> = HANDOFF_LABEL;
