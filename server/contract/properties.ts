import { z } from 'zod';

/** The shared API contract for properties: used by the server and the renderer alike. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use HH:MM, 24-hour');

/** One staffed range; `close` earlier than `open` means the range runs past midnight. */
export const DeskRange = z
  .object({ open: hhmm, close: hhmm })
  .refine((r) => r.open !== r.close, { message: 'open and close must differ' });

export const DeskHours = z.object(
  Object.fromEntries(WEEKDAYS.map((d) => [d, z.array(DeskRange).max(6).default([])])) as Record<
    Weekday,
    z.ZodDefault<z.ZodArray<typeof DeskRange>>
  >,
);
export type DeskHours = z.infer<typeof DeskHours>;

export const Closure = z.object({
  date: z.iso.date(),
  note: z.string().max(120).optional(),
});

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return tz.includes('/') || tz === 'UTC';
  } catch {
    return false;
  }
}

export const TimeZone = z.string().min(1).max(64).refine(isValidTimeZone, { message: 'not an IANA time zone (for example Asia/Kuala_Lumpur)' });
export const Slug = z
  .string()
  .min(2)
  .max(48)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes');
export const Plan = z.enum(['trial', 'standard', 'premium']);
export const Currency = z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code such as MYR or USD');

export const DEFAULT_DESK_HOURS: DeskHours = Object.fromEntries(
  WEEKDAYS.map((d) => [d, [{ open: '08:00', close: '22:00' }]]),
) as DeskHours;

const Country = z.string().regex(/^[A-Z]{2}$/, 'ISO 3166 country code such as MY');

export const Property = z.object({
  id: z.string(),
  slug: Slug,
  name: z.string(),
  timezone: TimeZone,
  currency: Currency,
  plan: Plan,
  active: z.boolean(),
  retentionDays: z.number().int(),
  deskHours: DeskHours,
  closures: z.array(Closure),
  /** Below this model confidence the conversation goes to staff (C4). */
  confidenceThreshold: z.number(),
  /** Proactive messages wait outside these hours (D6). */
  quietHours: z.object({ start: hhmm, end: hhmm }),
  /** Daily cloud budget in USD; null = the group default. */
  cloudBudgetUsd: z.number().nullable(),
  /** Country for reading phone numbers written without a country code. */
  country: Country,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Property = z.infer<typeof Property>;

export const CreateProperty = z
  .object({
    name: z.string().trim().min(1).max(120),
    slug: Slug,
    timezone: TimeZone,
    currency: Currency.default('USD'),
    plan: Plan.default('standard'),
    active: z.boolean().default(true),
    retentionDays: z.number().int().min(1).max(3650).default(90),
    deskHours: DeskHours.default(DEFAULT_DESK_HOURS),
    closures: z.array(Closure).max(366).default([]),
    confidenceThreshold: z.number().min(0).max(1).default(0.7),
    quietHours: z.object({ start: hhmm, end: hhmm }).default({ start: '21:00', end: '08:00' }),
    cloudBudgetUsd: z.number().min(0).max(10_000).nullable().default(null),
    country: Country.default('MY'),
  })
  .strict();
export type CreateProperty = z.input<typeof CreateProperty>;

export const UpdateProperty = z
  .object({
    name: z.string().trim().min(1).max(120),
    timezone: TimeZone,
    currency: Currency,
    plan: Plan,
    active: z.boolean(),
    retentionDays: z.number().int().min(1).max(3650),
    deskHours: DeskHours,
    closures: z.array(Closure).max(366),
    confidenceThreshold: z.number().min(0).max(1),
    quietHours: z.object({ start: hhmm, end: hhmm }),
    cloudBudgetUsd: z.number().min(0).max(10_000).nullable(),
    country: Country,
  })
  .partial()
  .strict();
export type UpdateProperty = z.input<typeof UpdateProperty>;

export const PropertyList = z.object({ items: z.array(Property) });

/** The steps of the first-hotel set-up guide, in order; the server keeps where it stopped. */
export const SETUP_STEPS = ['Hotel', 'Hours', 'Knowledge', 'Channels', 'Tunnel', 'Done'] as const;
export const SetupStep = z.enum(SETUP_STEPS);
export type SetupStep = z.infer<typeof SetupStep>;
/** Where the set-up guide stopped: the hotel it is setting up and the step to resume at. */
export const SetupProgress = z.object({ propertyId: z.string().min(1).max(64), step: SetupStep }).strict();
export type SetupProgress = z.infer<typeof SetupProgress>;
export const SetupProgressState = z.object({ progress: SetupProgress.nullable() }).strict();
export type SetupProgressState = z.infer<typeof SetupProgressState>;

export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  requestId: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof Problem>;
