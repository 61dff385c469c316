import { z } from 'zod';
import { Channel, HandoffReason, LeadIntent } from './conversations.js';

/**
 * The API contract of manager reports (F2) and knowledge gaps (F5), shared by server and renderer.
 *
 * Periods are whole days in each hotel's own time zone, `from` and `to` both included. Definitions:
 * - inquiries: conversations that started in the period;
 * - afterHours: those that started while the front desk was closed (the flag set on arrival);
 * - aiResolved: the AI replied, no member of staff replied, and the conversation is neither waiting
 *   for nor held by a person and was never handed off (resolved without a human reply);
 * - handoffs: a person was asked for (by the guest or by the AI, with its reason) or staff took
 *   the conversation over (reason `staff`);
 * - first response: seconds from the guest's first message to the first AI reply, and to the first
 *   staff reply, median and 90th percentile (linear interpolation between closest ranks);
 * - leads are counted on the day they were captured; conversions and booking value on the day
 *   they converted; revenueRecovered is the booking value of converted leads that arrived after hours;
 * - cloudCostUsd is the cloud model spend recorded for the hotel's days (USD);
 * - feedback: "was this helpful?" answers from guests, on the day the conversation started.
 * Money other than cloud cost is in the hotel's currency; amounts in different currencies are
 * never added together.
 */
export const IsoDay = z.iso.date();

/**
 * A period relative to each hotel's local today: today so far, yesterday, or the last 7, 30 or 90
 * days ending today. The group view asks this way, so every hotel counts its own days.
 */
export const RelativePeriod = z.enum(['today', 'yesterday', '7', '30', '90']);
export type RelativePeriod = z.infer<typeof RelativePeriod>;

export const ReportPeriodQuery = z
  .object({
    from: IsoDay.optional(),
    to: IsoDay.optional(),
    last: RelativePeriod.optional(),
  })
  .strict()
  .refine((q) => !q.last || (!q.from && !q.to), { message: 'give either "last" or "from"/"to"', path: ['last'] });

export const Period = z.object({ from: IsoDay, to: IsoDay, days: z.number().int() });
export type Period = z.infer<typeof Period>;

export const ResponseTimes = z.object({
  /** Conversations with such a reply. */
  count: z.number().int(),
  medianSeconds: z.number().nullable(),
  p90Seconds: z.number().nullable(),
});
export type ResponseTimes = z.infer<typeof ResponseTimes>;

export const Figures = z.object({
  inquiries: z.number().int(),
  afterHours: z.number().int(),
  /** 0..1 of inquiries; null without inquiries. */
  afterHoursShare: z.number().nullable(),
  aiResolved: z.number().int(),
  aiResolvedShare: z.number().nullable(),
  handoffs: z.number().int(),
  handoffShare: z.number().nullable(),
  handoffReasons: z.array(z.object({ reason: HandoffReason, count: z.number().int() })),
  firstResponse: z.object({ ai: ResponseTimes, staff: ResponseTimes }),
  leads: z.number().int(),
  afterHoursLeads: z.number().int(),
  conversions: z.number().int(),
  bookingValue: z.number(),
  revenueRecovered: z.number(),
  cloudCostUsd: z.number(),
  feedback: z.object({ helpful: z.number().int(), notHelpful: z.number().int(), helpfulShare: z.number().nullable() }),
});
export type Figures = z.infer<typeof Figures>;

/** The hero numbers and how they moved; `change` is relative (0.25 = +25%) except for shares, where it is the difference in points of share (0.05 = +5 points). */
export const HERO_KEYS = [
  'inquiries',
  'afterHoursShare',
  'aiResolvedShare',
  'handoffs',
  'leads',
  'conversions',
  'bookingValue',
  'revenueRecovered',
  'aiMedianFirstResponse',
  'staffMedianFirstResponse',
  'cloudCostUsd',
] as const;
export const HeroKey = z.enum(HERO_KEYS);
export type HeroKey = z.infer<typeof HeroKey>;

export const Change = z.record(HeroKey, z.number().nullable());

export const PropertyRef = z.object({ propertyId: z.string(), name: z.string(), slug: z.string(), currency: z.string(), timezone: z.string() });

export const AnalyticsSummary = PropertyRef.extend({
  period: Period,
  previousPeriod: Period,
  current: Figures,
  previous: Figures,
  change: Change,
  generatedAt: z.string(),
});
export type AnalyticsSummary = z.infer<typeof AnalyticsSummary>;

/** What a row of a day or of a channel counts: the conversations that started, and their leads. */
const RowCounts = {
  inquiries: z.number().int(),
  afterHours: z.number().int(),
  aiResolved: z.number().int(),
  handoffs: z.number().int(),
  leads: z.number().int(),
  conversions: z.number().int(),
  bookingValue: z.number(),
};

export const DayPoint = z.object({ day: IsoDay, ...RowCounts, revenueRecovered: z.number(), cloudCostUsd: z.number() });
export type DayPoint = z.infer<typeof DayPoint>;

export const ChannelRow = z.object({ channel: Channel, ...RowCounts });
export const IntentRow = z.object({
  intent: LeadIntent,
  leads: z.number().int(),
  afterHoursLeads: z.number().int(),
  conversions: z.number().int(),
  bookingValue: z.number(),
  revenueRecovered: z.number(),
});
export const HourRow = z.object({ hour: z.number().int().min(0).max(23), inquiries: z.number().int(), afterHours: z.number().int() });

export const Analytics = PropertyRef.extend({
  period: Period,
  totals: Figures,
  /** Every day of the period, oldest first, zeros included. */
  days: z.array(DayPoint),
  byChannel: z.array(ChannelRow),
  byIntent: z.array(IntentRow),
  /** Hour of day (hotel time) the conversations started, 0..23. */
  byHour: z.array(HourRow),
  generatedAt: z.string(),
});
export type Analytics = z.infer<typeof Analytics>;

export const MoneyTotal = z.object({ currency: z.string(), bookingValue: z.number(), revenueRecovered: z.number(), hotels: z.number().int() });

export const GroupSummary = z.object({
  /** The days the hotels counted: from the earliest hotel's first day to the latest hotel's last. */
  period: Period,
  previousPeriod: Period,
  /**
   * False when the hotels' local todays differ (time zones a date apart), so their days differ
   * too: each hotel's own period is in `hotels[].period`.
   */
  sameDays: z.boolean(),
  hotels: z.array(AnalyticsSummary),
  /** Counts summed over the hotels; each hotel's period is in its own time zone. */
  totals: z.object({
    inquiries: z.number().int(),
    afterHours: z.number().int(),
    afterHoursShare: z.number().nullable(),
    aiResolved: z.number().int(),
    aiResolvedShare: z.number().nullable(),
    handoffs: z.number().int(),
    leads: z.number().int(),
    conversions: z.number().int(),
    cloudCostUsd: z.number(),
  }),
  /** Booking value per currency: amounts in different currencies are not added together. */
  money: z.array(MoneyTotal),
  generatedAt: z.string(),
});
export type GroupSummary = z.infer<typeof GroupSummary>;

export const DRILL_METRICS = ['inquiries', 'after_hours', 'ai_resolved', 'handoffs', 'leads', 'conversions', 'revenue_recovered', 'feedback_negative'] as const;
export const DrillMetric = z.enum(DRILL_METRICS);
export type DrillMetric = z.infer<typeof DrillMetric>;

export const DrillQuery = z
  .object({
    metric: DrillMetric.default('inquiries'),
    from: IsoDay.optional(),
    to: IsoDay.optional(),
    channel: Channel.optional(),
    hour: z.coerce.number().int().min(0).max(23).optional(),
    reason: HandoffReason.optional(),
    intent: LeadIntent.optional(),
    cursor: z.string().max(300).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
export type DrillQuery = z.infer<typeof DrillQuery>;

/** One conversation behind a number: figures only, no guest details (open the conversation for those). */
export const DrillItem = z.object({
  conversationId: z.string(),
  startedAt: z.string(),
  day: IsoDay,
  channel: Channel,
  status: z.string(),
  afterHours: z.boolean(),
  handoffReason: HandoffReason.nullable(),
  aiResolved: z.boolean(),
  messages: z.number().int(),
  aiFirstResponseSeconds: z.number().nullable(),
  staffFirstResponseSeconds: z.number().nullable(),
  lead: z.object({ id: z.string(), intent: LeadIntent, status: z.string(), bookingValue: z.number().nullable(), convertedDay: IsoDay.nullable() }).nullable(),
  /** False once retention or erasure removed the transcript; the figures remain. */
  transcriptAvailable: z.boolean(),
});
export type DrillItem = z.infer<typeof DrillItem>;
export const DrillPage = z.object({ metric: DrillMetric, period: Period, items: z.array(DrillItem), total: z.number().int(), nextCursor: z.string().nullable() });
export type DrillPage = z.infer<typeof DrillPage>;

export const ReportKind = z.enum(['daily', 'weekly', 'custom']);
export type ReportKind = z.infer<typeof ReportKind>;

/** What a stored report holds: the figures as they were when it was made. */
export const ReportSnapshot = z.object({
  summary: AnalyticsSummary,
  analytics: Analytics,
});
export type ReportSnapshot = z.infer<typeof ReportSnapshot>;

export const ReportInfo = z.object({
  id: z.string(),
  propertyId: z.string(),
  kind: ReportKind,
  period: Period,
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  /** Hero numbers for the list view. */
  headline: z.object({ inquiries: z.number().int(), afterHoursShare: z.number().nullable(), leads: z.number().int(), conversions: z.number().int(), bookingValue: z.number(), revenueRecovered: z.number(), currency: z.string() }),
});
export type ReportInfo = z.infer<typeof ReportInfo>;

export const ReportList = z.object({ items: z.array(ReportInfo), nextCursor: z.string().nullable() });
export const ReportListQuery = z
  .object({ kind: ReportKind.optional(), cursor: z.string().max(300).optional(), limit: z.coerce.number().int().min(1).max(200).default(30) })
  .strict();
export const ReportDetail = ReportInfo.extend({ snapshot: ReportSnapshot });
export type ReportDetail = z.infer<typeof ReportDetail>;
export const ReportFormatQuery = z.object({ format: z.enum(['json', 'csv', 'pdf']).optional() }).strict();
export const CreateReport = z.object({ from: IsoDay, to: IsoDay }).strict();

export const GapStatus = z.enum(['open', 'added', 'dismissed']);
export const KnowledgeGap = z.object({
  id: z.string(),
  /** An example of the question, contact details masked. */
  question: z.string(),
  count: z.number().int(),
  /** Questions of this cluster asked within the requested period (all time without one). */
  countInPeriod: z.number().int(),
  reasons: z.array(z.object({ reason: z.enum(['no_knowledge', 'low_confidence']), count: z.number().int() })),
  status: GapStatus,
  knowledgeItemId: z.string().nullable(),
  firstAskedAt: z.string(),
  lastAskedAt: z.string(),
  /** Up to five conversations where it was asked, newest first. */
  conversationIds: z.array(z.string()),
});
export type KnowledgeGap = z.infer<typeof KnowledgeGap>;
export const KnowledgeGapList = z.object({ items: z.array(KnowledgeGap) });
export const KnowledgeGapQuery = z
  .object({ status: GapStatus.default('open'), from: IsoDay.optional(), to: IsoDay.optional(), limit: z.coerce.number().int().min(1).max(200).default(50) })
  .strict();

/** "Add to knowledge": the answer the manager writes becomes a knowledge item; the gap is closed. */
export const AddGapToKnowledge = z
  .object({
    category: z.enum(['rates', 'rooms', 'facilities', 'dining', 'directions', 'policies', 'faqs']).default('faqs'),
    title: z.string().trim().min(1).max(200),
    content: z.string().trim().min(1).max(50_000),
  })
  .strict();
export const AddGapResult = z.object({ gap: KnowledgeGap, knowledgeItemId: z.string() });

export const RebuildResult = z.object({ conversations: z.number().int(), leads: z.number().int(), days: z.number().int(), gapsAdded: z.number().int(), ms: z.number() });

/** Which scheduled reports a manager receives by email (figures only, PDF attached). */
export const ReportMailPreferences = z.object({ daily: z.boolean(), weekly: z.boolean() }).strict();
export type ReportMailPreferences = z.infer<typeof ReportMailPreferences>;
/** A test send: which report went to whom. */
export const ReportMailTest = z.object({ reportId: z.string(), sentTo: z.string() });
