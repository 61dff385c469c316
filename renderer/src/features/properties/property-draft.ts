import { WEEKDAYS, type Property, type UpdateProperty, type Weekday } from '@contract/properties';

export type Plan = Property['plan'];

/** The settings form's editable copy of a property: strings as typed, lists with stable keys. */
export interface RangeDraft {
  key: string;
  open: string;
  close: string;
}

export interface ClosureDraft {
  key: string;
  date: string;
  note: string;
}

export interface PropertyDraft {
  name: string;
  timezone: string;
  currency: string;
  plan: Plan;
  active: boolean;
  retentionDays: string;
  deskHours: Record<Weekday, RangeDraft[]>;
  closures: ClosureDraft[];
  /** Percent as typed (70 = 0.7): below it the AI hands the guest to staff. */
  confidencePercent: string;
  quietStart: string;
  quietEnd: string;
  /** USD per day as typed; blank = the group default. */
  cloudBudgetUsd: string;
  country: string;
}

export const WEEKDAY_NAMES: Record<Weekday, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

export const PLAN_OPTIONS: readonly { value: Plan; label: string }[] = [
  { value: 'trial', label: 'Trial' },
  { value: 'standard', label: 'Standard' },
  { value: 'premium', label: 'Premium' },
];

/** The contract allows this many ranges per day. */
export const MAX_RANGES_PER_DAY = 6;

export function newKey(): string {
  return Math.random().toString(36).slice(2, 10);
}

export function draftFrom(p: Property): PropertyDraft {
  const deskHours = Object.fromEntries(
    WEEKDAYS.map((d) => [d, (p.deskHours[d] ?? []).map((r) => ({ key: newKey(), open: r.open, close: r.close }))]),
  ) as Record<Weekday, RangeDraft[]>;
  return {
    name: p.name,
    timezone: p.timezone,
    currency: p.currency,
    plan: p.plan,
    active: p.active,
    retentionDays: String(p.retentionDays),
    deskHours,
    closures: p.closures.map((c) => ({ key: newKey(), date: c.date, note: c.note ?? '' })),
    confidencePercent: String(Math.round(p.confidenceThreshold * 100)),
    quietStart: p.quietHours.start,
    quietEnd: p.quietHours.end,
    cloudBudgetUsd: p.cloudBudgetUsd === null ? '' : String(p.cloudBudgetUsd),
    country: p.country,
  };
}

/** A range whose close is earlier than its open runs past midnight into the next day. */
export function crossesMidnight(r: { open: string; close: string }): boolean {
  return r.open !== '' && r.close !== '' && r.close < r.open;
}

type DeskHoursValue = NonNullable<UpdateProperty['deskHours']>;
type ClosuresValue = NonNullable<UpdateProperty['closures']>;

function deskHoursValue(hours: Record<Weekday, readonly { open: string; close: string }[]>): DeskHoursValue {
  return Object.fromEntries(WEEKDAYS.map((d) => [d, (hours[d] ?? []).map((r) => ({ open: r.open, close: r.close }))])) as DeskHoursValue;
}

function closuresValue(closures: readonly { date: string; note?: string | undefined }[]): ClosuresValue {
  return closures.map((c) => {
    const note = c.note?.trim();
    return note ? { date: c.date, note } : { date: c.date };
  });
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The PATCH body: only what differs from the saved property. Desk hours go as a whole, since a
 * day left out would reset to closed.
 */
export function patchFrom(saved: Property, draft: PropertyDraft): UpdateProperty {
  const patch: UpdateProperty = {};
  if (draft.name.trim() !== saved.name) patch.name = draft.name;
  if (draft.timezone.trim() !== saved.timezone) patch.timezone = draft.timezone.trim();
  if (draft.currency.trim() !== saved.currency) patch.currency = draft.currency.trim();
  if (draft.plan !== saved.plan) patch.plan = draft.plan;
  if (draft.active !== saved.active) patch.active = draft.active;
  const retention = draft.retentionDays.trim() === '' ? Number.NaN : Number(draft.retentionDays);
  // NaN goes out as null and comes back as the server's own message for the field.
  if (retention !== saved.retentionDays) patch.retentionDays = retention;
  const hours = deskHoursValue(draft.deskHours);
  if (!same(hours, deskHoursValue(saved.deskHours))) patch.deskHours = hours;
  const closures = closuresValue(draft.closures);
  if (!same(closures, closuresValue(saved.closures))) patch.closures = closures;
  const percent = draft.confidencePercent.trim() === '' ? Number.NaN : Number(draft.confidencePercent);
  const threshold = Number.isNaN(percent) ? Number.NaN : Math.round(percent * 100) / 10_000;
  if (threshold !== saved.confidenceThreshold) patch.confidenceThreshold = threshold;
  if (draft.quietStart !== saved.quietHours.start || draft.quietEnd !== saved.quietHours.end) patch.quietHours = { start: draft.quietStart, end: draft.quietEnd };
  const budget = draft.cloudBudgetUsd.trim() === '' ? null : Number(draft.cloudBudgetUsd);
  // Blank means the group default (null); text that is not a number goes out as typed, for the server's message.
  if (budget !== saved.cloudBudgetUsd) patch.cloudBudgetUsd = Number.isNaN(budget) ? (draft.cloudBudgetUsd as unknown as number) : budget;
  if (draft.country.trim().toUpperCase() !== saved.country) patch.country = draft.country.trim().toUpperCase();
  return patch;
}

const FIELD_NAMES: Record<string, string> = {
  name: 'Name',
  timezone: 'Time zone',
  currency: 'Currency',
  plan: 'Plan',
  active: 'Active',
  retentionDays: 'Retention',
  deskHours: 'Desk hours',
  closures: 'Closures',
  slug: 'Slug',
  confidenceThreshold: 'Confidence threshold',
  quietHours: 'Quiet hours',
  cloudBudgetUsd: 'Daily cloud budget',
  country: 'Country',
};

/** `deskHours.mon.1.open` -> `Monday, range 2, opens`, for the error summary. */
export function describePath(path: string): string {
  const [field, a, b, c] = path.split('.');
  if (field === 'deskHours' && a && a in WEEKDAY_NAMES) {
    const day = WEEKDAY_NAMES[a as Weekday];
    if (b === undefined) return day;
    const range = `${day}, range ${Number(b) + 1}`;
    return c === 'open' ? `${range}, opens` : c === 'close' ? `${range}, closes` : range;
  }
  if (field === 'quietHours' && a !== undefined) return a === 'start' ? 'Quiet hours, start' : 'Quiet hours, end';
  if (field === 'closures' && a !== undefined) {
    const closure = `Closure ${Number(a) + 1}`;
    return b === 'date' ? `${closure}, date` : b === 'note' ? `${closure}, note` : closure;
  }
  return FIELD_NAMES[field ?? ''] ?? path;
}
