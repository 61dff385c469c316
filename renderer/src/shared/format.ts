/** Dates as staff read them: day, month, year and time in the browser's zone. */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** Building an Intl.DateTimeFormat is costly; a list of a hundred rows would build hundreds. */
const formats = new Map<string, Intl.DateTimeFormat>();
function dtf(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options);
    formats.set(key, f);
  }
  return f;
}

const zones = new Map<string, boolean>();
function validZone(timeZone: string | undefined): string | undefined {
  if (!timeZone) return undefined;
  let ok = zones.get(timeZone);
  if (ok === undefined) {
    try {
      dtf('en-GB', { timeZone });
      ok = true;
    } catch {
      ok = false;
    }
    zones.set(timeZone, ok);
  }
  return ok ? timeZone : undefined;
}

function dayKey(d: Date, timeZone: string | undefined): string {
  return dtf('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

/**
 * A time in the hotel's zone, short: "14:05" today, "Tue 14:05" this week, "3 Jun 14:05" before.
 * `now` is passed in so lists render the same way for every row.
 */
export function formatShortInZone(iso: string, timeZone: string | undefined, now: Date = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const tz = validZone(timeZone);
  const time = dtf('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit' }).format(d);
  if (dayKey(d, tz) === dayKey(now, tz)) return time;
  const ageDays = (now.getTime() - d.getTime()) / 86_400_000;
  if (ageDays >= 0 && ageDays < 6) return `${dtf('en-GB', { timeZone: tz, weekday: 'short' }).format(d)} ${time}`;
  return `${dtf('en-GB', { timeZone: tz, day: 'numeric', month: 'short' }).format(d)} ${time}`;
}

/** The full date and time in the hotel's zone, with the zone's short name: "3 Jun 2025, 14:05 GMT+8". */
export function formatFullInZone(iso: string, timeZone: string | undefined): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return dtf('en-GB', {
    timeZone: validZone(timeZone),
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(d);
}

/** A calendar date (yyyy-mm-dd from the server) as "24 Dec 2025". */
export function formatDay(day: string | null): string {
  if (!day) return '';
  const d = new Date(`${day}T12:00:00Z`);
  if (Number.isNaN(d.getTime())) return day;
  return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}

/** An amount in a currency: "MYR 1,250.00". */
export function formatMoney(amount: number | null, currency: string): string {
  if (amount === null) return '';
  try {
    return new Intl.NumberFormat('en-GB', { style: 'currency', currency, currencyDisplay: 'code' }).format(amount);
  } catch {
    return `${currency} ${amount.toFixed(2)}`;
  }
}

/** 0.8234 -> "82%". */
export function formatPercent(value: number | null): string {
  return value === null ? '' : `${Math.round(value * 100)}%`;
}

/** Bytes as "1.2 GB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let n = bytes;
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n >= 10 || i === 0 ? Math.round(n) : n.toFixed(1)} ${units[i]}`;
}

/** "3 h 12 min", "45 min", "under a minute". */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'under a minute';
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/**
 * How long ago, the same for every hotel whatever its zone: "now", "12 min ago", "3 h ago",
 * "2 days ago", then the date. Lists across hotels use this; the full hotel time is in the tooltip.
 */
export function formatAge(iso: string, now: Date = new Date()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const minutes = Math.floor((now.getTime() - t) / 60_000);
  if (minutes < 1) return 'now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  if (days < 7) return days === 1 ? 'yesterday' : `${days} days ago`;
  return new Date(t).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: now.getFullYear() === new Date(t).getFullYear() ? undefined : 'numeric' });
}
