import { HANDOFF_LABEL } from '@contract/conversations';
/** Words and number formats of the reports screen. */

/** Hand-off reasons by their one name (server/contract), for reasons the report returns as text. */
export const REASON_NAME: Record<string, string> = HANDOFF_LABEL;

export function count(n: number): string {
  return n.toLocaleString('en-GB');
}

export function share(s: number | null): string {
  return s === null ? '–' : `${(s * 100).toFixed(1)}%`;
}

export function seconds(s: number | null): string {
  if (s === null) return '–';
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  const h = Math.floor(s / 3600);
  return `${h} h ${Math.round((s % 3600) / 60)} min`;
}

export function usd(v: number): string {
  return `USD ${v.toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 4 })}`;
}

/** "+12%" for counts and money, "+5.0 pts" for shares, with the direction for the words read out. */
export function change(value: number | null | undefined, kind: 'relative' | 'points'): { text: string; direction: 'up' | 'down' | 'flat' } | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  const direction = value > 0.0005 ? 'up' : value < -0.0005 ? 'down' : 'flat';
  const abs = Math.abs(value);
  const sign = direction === 'up' ? '+' : direction === 'down' ? '−' : '±';
  return { text: kind === 'points' ? `${sign}${(abs * 100).toFixed(1)} pts` : `${sign}${Math.round(abs * 100)}%`, direction };
}

/** Today's date (yyyy-mm-dd) in a time zone, or in the browser's without one. */
export function todayIn(timeZone: string | undefined, now: Date = new Date()): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  } catch {
    return new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  }
}

export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

export type PresetPeriod = 'yesterday' | 'today' | '7' | '30' | '90' | 'custom';

export const PERIOD_OPTIONS: readonly { value: PresetPeriod; label: string }[] = [
  { value: 'yesterday', label: 'Yesterday' },
  { value: 'today', label: 'Today so far' },
  { value: '7', label: 'Last 7 days' },
  { value: '30', label: 'Last 30 days' },
  { value: '90', label: 'Last 90 days' },
  { value: 'custom', label: 'Choose dates' },
];

export function presetPeriod(preset: Exclude<PresetPeriod, 'custom'>, today: string): { from: string; to: string } {
  switch (preset) {
    case 'yesterday':
      return { from: addDays(today, -1), to: addDays(today, -1) };
    case 'today':
      return { from: today, to: today };
    default: {
      const days = Number(preset);
      return { from: addDays(today, 1 - days), to: today };
    }
  }
}
