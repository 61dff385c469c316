import { performance } from 'node:perf_hooks';
import type { Property } from '../../contract/properties.js';
import {
  CreateReport,
  DrillQuery,
  ReportListQuery,
  ReportPeriodQuery,
  type Analytics,
  type AnalyticsSummary,
  type DrillItem,
  type DrillPage,
  type Figures,
  type GroupSummary,
  type HeroKey,
  type Period,
  type ReportDetail,
  type ReportInfo,
  type ReportKind,
  type RelativePeriod,
  type ReportSnapshot,
} from '../../contract/reports.js';
import { Channel, LeadIntent } from '../../contract/conversations.js';
import type { Actor } from '../../shared/actor.js';
import type { Clock } from '../../shared/clock.js';
import { NotFoundError, ValidationError } from '../../shared/errors.js';
import type { SequencedEvent } from '../../shared/events.js';
import { newId } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import { parseInput } from '../../shared/validation.js';
import type { PropertyScope } from '../properties/property.service.js';
import { isGapReason, type KnowledgeGapService } from './knowledge-gap.service.js';
import { addDays, daysBetween, eachDay, LocalCalendar } from './local-calendar.js';
import { conversationFact, leadFact, percentile, sameFigures } from './report-facts.js';
import { renderReportCsv } from './report.csv.js';
import { renderReportPdf } from './report.pdf.js';
import { ReportRepository, type DrillRow, type ReportRow } from './report.repository.js';

/** What the reports feature needs of the properties feature. */
export interface ReportScopes {
  scope(idOrSlug: string): PropertyScope;
  list(actor?: Actor): Property[];
}

/** What the reports feature needs of the leads feature: which captured inquiries are leads, re-read. */
interface LeadQualifier {
  requalify(scope: PropertyScope): number;
}

export interface RebuildResult {
  conversations: number;
  leads: number;
  days: number;
  gapsAdded: number;
  /** Rows of test conversations earlier versions left behind, removed (with `removeTestTraffic`). */
  testTraffic: { conversations: number; facts: number; leads: number; gapQuestions: number };
  ms: number;
}

const MAX_PERIOD_DAYS = 731;
const REBUILD_BATCH = 2000;
/** Noted conversations refreshed per transaction, and how long after an event the refresh runs. */
const REFRESH_BATCH = 100;
const REFRESH_DELAY_MS = 100;

const round2 = (n: number) => Math.round(n * 100) / 100;
const round6 = (n: number) => Math.round(n * 1e6) / 1e6;
const share = (part: number, whole: number) => (whole > 0 ? part / whole : null);

function encodeCursor(parts: string[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

function decodeCursor(c: string | undefined): [string, string] | undefined {
  if (!c) return undefined;
  try {
    const parts = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parts) && parts.length === 2 && parts.every((p) => typeof p === 'string')) return parts as [string, string];
  } catch {
    // fall through
  }
  throw new ValidationError('The page cursor is not valid');
}

function relative(cur: number | null, prev: number | null): number | null {
  if (cur === null || prev === null || prev === 0) return null;
  return (cur - prev) / prev;
}

function points(cur: number | null, prev: number | null): number | null {
  return cur === null || prev === null ? null : cur - prev;
}

/** The conversation and lead figures a row of a day or of a channel shows (zero where nothing came in). */
function counts(
  c: { inquiries: number; after_hours: number; ai_resolved: number; handoffs: number } | undefined,
  l: { leads: number; conversions: number; booking_value: number } | undefined,
) {
  return {
    inquiries: c?.inquiries ?? 0,
    afterHours: c?.after_hours ?? 0,
    aiResolved: c?.ai_resolved ?? 0,
    handoffs: c?.handoffs ?? 0,
    leads: l?.leads ?? 0,
    conversions: l?.conversions ?? 0,
    bookingValue: round2(l?.booking_value ?? 0),
  };
}

function heroChange(cur: Figures, prev: Figures): Record<HeroKey, number | null> {
  return {
    inquiries: relative(cur.inquiries, prev.inquiries),
    afterHoursShare: points(cur.afterHoursShare, prev.afterHoursShare),
    aiResolvedShare: points(cur.aiResolvedShare, prev.aiResolvedShare),
    handoffs: relative(cur.handoffs, prev.handoffs),
    leads: relative(cur.leads, prev.leads),
    conversions: relative(cur.conversions, prev.conversions),
    bookingValue: relative(cur.bookingValue, prev.bookingValue),
    revenueRecovered: relative(cur.revenueRecovered, prev.revenueRecovered),
    aiMedianFirstResponse: relative(cur.firstResponse.ai.medianSeconds, prev.firstResponse.ai.medianSeconds),
    staffMedianFirstResponse: relative(cur.firstResponse.staff.medianSeconds, prev.firstResponse.staff.medianSeconds),
    cloudCostUsd: relative(cur.cloudCostUsd, prev.cloudCostUsd),
  };
}

export interface ReportSchedule {
  /** Local time of day (HH:MM) the daily report is made, in each hotel's zone. */
  dailyTime: string;
  /** Weekday the weekly report (the seven days before it) is made. */
  weeklyDay: 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
}

/**
 * Manager reports (F2): per-conversation and per-lead facts kept up to date from events and
 * rebuildable from the raw rows, daily rollups, summaries with change against the previous
 * period, group views, drill-down, and report history with CSV and PDF.
 */
export class ReportService {
  private readonly calendars = new Map<string, LocalCalendar>();
  private readonly pending = new Set<string>();
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: { properties: ReportScopes; gaps: KnowledgeGapService; leads: LeadQualifier; clock: Clock; log: Logger },
  ) {}

  private calendar(property: Property): LocalCalendar {
    let cal = this.calendars.get(property.id);
    if (!cal || cal.timeZone !== property.timezone) {
      cal = new LocalCalendar(property.timezone);
      this.calendars.set(property.id, cal);
    }
    return cal;
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }

  // --- keeping the rollups ----------------------------------------------------------------------

  /**
   * Keeps the facts current as conversations, messages and leads change (subscribed to the event
   * bus). The writes themselves noted the conversations (triggers, migration 0008); an event only
   * schedules a refresh of what is noted, so a burst is rolled up in batches.
   */
  onEvent(e: SequencedEvent): void {
    if (e.type !== 'message.created' && e.type !== 'conversation.updated' && e.type !== 'handoff.requested' && e.type !== 'lead.updated') return;
    this.pending.add(e.propertyId);
    this.schedule(REFRESH_DELAY_MS);
    if (e.type === 'handoff.requested' && isGapReason(e.reason)) {
      try {
        this.deps.gaps.record(this.deps.properties.scope(e.propertyId), e.conversationId, e.reason);
      } catch (err) {
        this.deps.log.error({ err, propertyId: e.propertyId, conversationId: e.conversationId }, 'knowledge gap not recorded');
      }
    }
  }

  private schedule(delayMs: number): void {
    this.flushTimer ??= setTimeout(() => this.flush(), delayMs);
  }

  /**
   * Refreshes one batch of noted changes per hotel (run by the timer `onEvent` starts); while more
   * are noted it runs again on the next turn, so webhooks arriving meanwhile are not held up.
   */
  flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const ids = [...this.pending];
    this.pending.clear();
    for (const propertyId of ids) {
      try {
        if (this.refreshNoted(this.deps.properties.scope(propertyId), 1)) this.pending.add(propertyId);
      } catch (err) {
        this.deps.log.error({ err, propertyId }, 'report rollup update failed; run `nocturn report rebuild`');
      }
    }
    if (this.pending.size > 0) this.schedule(0);
  }

  /** Stops the refresh timer (at shutdown; what is noted stays noted for the next start). */
  close(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.pending.clear();
  }

  /**
   * Recomputes the facts of the noted conversations (and their leads) from their raw rows, a batch
   * per transaction, then each touched day's rollups once per batch. Facts of conversations whose
   * rows are gone are kept as they are. Returns whether notes remain after `maxBatches`.
   */
  refreshNoted(scope: PropertyScope, maxBatches = Infinity): boolean {
    const repo = new ReportRepository(scope);
    const cal = this.calendar(scope.property);
    for (let batch = 0; ; batch++) {
      const ids = repo.dirtyConversations(REFRESH_BATCH);
      if (ids.length === 0) return false;
      if (batch >= maxBatches) return true;
      repo.transaction(() => {
        const days = new Set<string>();
        const leadDays = new Set<string>();
        const now = this.now();
        for (const id of ids) {
          repo.clearDirty(id);
          const src = repo.conversationSource(id);
          if (src) {
            const fact = conversationFact(src, cal, now);
            const old = repo.conversationFact(id);
            if (!old || !sameFigures(old, fact)) {
              repo.upsertConversationFact(fact);
              days.add(fact.day);
              if (old) days.add(old.day);
            }
          }
          const leadSrc = repo.leadSource({ conversationId: id });
          if (leadSrc) {
            const fact = leadFact(leadSrc, cal, now);
            const old = repo.leadFact(leadSrc.id);
            if (!old || !sameFigures(old, fact)) {
              repo.upsertLeadFact(fact);
              for (const d of [fact.day, fact.converted_day, old?.day, old?.converted_day]) if (typeof d === 'string') leadDays.add(d);
            }
          }
        }
        repo.rollUpConversationDays([...days]);
        repo.rollUpLeadDays([...leadDays]);
      });
    }
  }

  /** The hotel's figures with every noted change taken in, before they are read. */
  private fresh(scope: PropertyScope): PropertyScope {
    this.refreshNoted(scope);
    return scope;
  }

  /**
   * Recomputes every fact from the raw rows still present and every daily rollup from the facts.
   * Facts of conversations whose rows retention or erasure removed are kept as they are. With
   * `removeTestTraffic` (`nocturn report rebuild`), first removes what test conversations of
   * earlier versions left: their conversations, facts, leads and knowledge-gap questions.
   */
  rebuild(scope: PropertyScope, opts: { gaps?: boolean; removeTestTraffic?: boolean } = {}): RebuildResult {
    const started = performance.now();
    const repo = new ReportRepository(scope);
    const cal = this.calendar(scope.property);
    const now = this.now();
    let testTraffic = { conversations: 0, facts: 0, leads: 0, gapQuestions: 0 };
    if (opts.removeTestTraffic) {
      const ids = repo.testConversationIds();
      const gapQuestions = this.deps.gaps.removeConversations(scope, ids);
      const removed = repo.transaction(() => repo.deleteTestConversations(ids));
      testTraffic = { conversations: removed.conversations, facts: removed.facts, leads: removed.leadFacts, gapQuestions };
    }
    this.deps.leads.requalify(scope);
    const counts = repo.transaction(() => {
      let conversations = 0;
      for (let after = ''; ; ) {
        const batch = repo.conversationSources(after, REBUILD_BATCH);
        if (batch.length === 0) break;
        for (const src of batch) repo.upsertConversationFact(conversationFact(src, cal, now));
        conversations += batch.length;
        after = batch.at(-1)!.id;
      }
      let leads = 0;
      for (let after = ''; ; ) {
        const batch = repo.leadSources(after, REBUILD_BATCH);
        if (batch.length === 0) break;
        for (const src of batch) repo.upsertLeadFact(leadFact(src, cal, now));
        leads += batch.length;
        after = batch.at(-1)!.id;
      }
      repo.clearDailyRollups();
      repo.clearAllDirty();
      const days = repo.factDays();
      repo.rollUpConversationDays(days);
      const leadDays = repo.leadDays();
      repo.rollUpLeadDays(leadDays);
      return { conversations, leads, days: new Set([...days, ...leadDays]).size };
    });
    const gapsAdded = opts.gaps === false ? 0 : this.deps.gaps.rebuild(scope);
    return { ...counts, gapsAdded, testTraffic, ms: Math.round(performance.now() - started) };
  }

  // --- figures ----------------------------------------------------------------------------------

  /**
   * The one definition of a period, for every view (hotel, group, drill-down, stored reports and
   * their CSV and PDF): whole days in the hotel's own time zone, relative periods ending on the
   * hotel's local today, by default the last seven days.
   */
  period(scope: Pick<PropertyScope, 'property'>, query: unknown): Period {
    return hotelPeriod(parseInput(ReportPeriodQuery, query ?? {}, 'The period'), this.calendar(scope.property).today(this.deps.clock.now()));
  }

  figures(scope: PropertyScope, p: Pick<Period, 'from' | 'to'>): Figures {
    const repo = new ReportRepository(scope);
    const t = repo.dailyTotals(p.from, p.to);
    const l = repo.leadTotals(p.from, p.to);
    const ai = repo.responseTimes('ai', p.from, p.to);
    const staff = repo.responseTimes('staff', p.from, p.to);
    return {
      inquiries: t.inquiries,
      afterHours: t.after_hours,
      afterHoursShare: share(t.after_hours, t.inquiries),
      aiResolved: t.ai_resolved,
      aiResolvedShare: share(t.ai_resolved, t.inquiries),
      handoffs: t.handoffs,
      handoffShare: share(t.handoffs, t.inquiries),
      handoffReasons: repo.handoffReasons(p.from, p.to) as Figures['handoffReasons'],
      firstResponse: {
        ai: { count: ai.length, medianSeconds: percentile(ai, 0.5), p90Seconds: percentile(ai, 0.9) },
        staff: { count: staff.length, medianSeconds: percentile(staff, 0.5), p90Seconds: percentile(staff, 0.9) },
      },
      leads: l.leads,
      afterHoursLeads: l.after_hours_leads,
      conversions: l.conversions,
      bookingValue: round2(l.booking_value),
      revenueRecovered: round2(l.recovered_value),
      cloudCostUsd: round6(repo.cloudSpend(p.from, p.to)),
      feedback: { helpful: t.feedback_up, notHelpful: t.feedback_down, helpfulShare: share(t.feedback_up, t.feedback_up + t.feedback_down) },
    };
  }

  private ref(property: Property) {
    return { propertyId: property.id, name: property.name, slug: property.slug, currency: property.currency, timezone: property.timezone };
  }

  /** The manager's hero numbers for a period, with the previous period of equal length. */
  summary(scope: PropertyScope, query: unknown = {}): AnalyticsSummary {
    const period = this.period(scope, query);
    return this.summaryFor(this.fresh(scope), period);
  }

  private summaryFor(scope: PropertyScope, period: Period): AnalyticsSummary {
    const previousPeriod = previous(period);
    const current = this.figures(scope, period);
    const prev = this.figures(scope, previousPeriod);
    return { ...this.ref(scope.property), period, previousPeriod, current, previous: prev, change: heroChange(current, prev), generatedAt: this.now() };
  }

  /** Totals, the daily trend and the breakdowns by channel, intent and hour of day. */
  analytics(scope: PropertyScope, query: unknown = {}): Analytics {
    return this.analyticsFor(this.fresh(scope), this.period(scope, query));
  }

  private analyticsFor(scope: PropertyScope, period: Period): Analytics {
    const repo = new ReportRepository(scope);
    const { from, to } = period;
    const conv = new Map(repo.trendConversations(from, to).map((r) => [r.day, r]));
    const leads = new Map(repo.trendLeads(from, to).map((r) => [r.day, r]));
    const cloud = new Map(repo.trendCloud(from, to).map((r) => [r.day, r.spent_usd]));
    const days = eachDay(from, to).map((day) => {
      const l = leads.get(day);
      return { day, ...counts(conv.get(day), l), revenueRecovered: round2(l?.recovered_value ?? 0), cloudCostUsd: round6(cloud.get(day) ?? 0) };
    });
    const channelConv = new Map(repo.byChannel(from, to).map((r) => [r.channel, r]));
    const channelLeads = new Map(repo.leadsByChannel(from, to).map((r) => [r.channel, r]));
    const byChannel = Channel.options.filter((ch) => ch !== 'test' || channelConv.has(ch) || channelLeads.has(ch)).map((channel) => {
      return { channel, ...counts(channelConv.get(channel), channelLeads.get(channel)) };
    });
    const intents = new Map(repo.byIntent(from, to).map((r) => [r.intent, r]));
    const byIntent = LeadIntent.options.map((intent) => {
      const r = intents.get(intent);
      return {
        intent,
        leads: r?.leads ?? 0,
        afterHoursLeads: r?.after_hours_leads ?? 0,
        conversions: r?.conversions ?? 0,
        bookingValue: round2(r?.booking_value ?? 0),
        revenueRecovered: round2(r?.recovered_value ?? 0),
      };
    });
    const hours = new Map(repo.byHour(from, to).map((r) => [r.hour, r]));
    const byHour = Array.from({ length: 24 }, (_, hour) => ({ hour, inquiries: hours.get(hour)?.inquiries ?? 0, afterHours: hours.get(hour)?.after_hours ?? 0 }));
    return { ...this.ref(scope.property), period, totals: this.figures(scope, period), days, byChannel, byIntent, byHour, generatedAt: this.now() };
  }

  /**
   * Hero numbers of every hotel the user may see, side by side. Counts are summed; money is
   * summed per currency only. Each hotel's days are its own (its time zone).
   */
  groupSummary(actor: Actor, query: unknown = {}): GroupSummary {
    const q = parseInput(ReportPeriodQuery, query ?? {}, 'The period');
    const hotels = this.deps.properties.list(actor).map((p) => {
      const scope = this.deps.properties.scope(p.id);
      return this.summaryFor(this.fresh(scope), this.period(scope, q));
    });
    const fallback = hotelPeriod(q, this.deps.clock.now().toISOString().slice(0, 10));
    const period = hotels.length === 0 ? fallback : span(hotels.map((h) => h.period));
    const previousPeriod = hotels.length === 0 ? previous(fallback) : span(hotels.map((h) => h.previousPeriod));
    const sameDays = hotels.every((h) => h.period.from === period.from && h.period.to === period.to);
    const sum = (f: (h: AnalyticsSummary) => number) => hotels.reduce((s, h) => s + f(h), 0);
    const inquiries = sum((h) => h.current.inquiries);
    const afterHours = sum((h) => h.current.afterHours);
    const aiResolved = sum((h) => h.current.aiResolved);
    const money = new Map<string, { currency: string; bookingValue: number; revenueRecovered: number; hotels: number }>();
    for (const h of hotels) {
      const m = money.get(h.currency) ?? { currency: h.currency, bookingValue: 0, revenueRecovered: 0, hotels: 0 };
      m.bookingValue = round2(m.bookingValue + h.current.bookingValue);
      m.revenueRecovered = round2(m.revenueRecovered + h.current.revenueRecovered);
      m.hotels++;
      money.set(h.currency, m);
    }
    return {
      period,
      previousPeriod,
      sameDays,
      hotels,
      totals: {
        inquiries,
        afterHours,
        afterHoursShare: share(afterHours, inquiries),
        aiResolved,
        aiResolvedShare: share(aiResolved, inquiries),
        handoffs: sum((h) => h.current.handoffs),
        leads: sum((h) => h.current.leads),
        conversions: sum((h) => h.current.conversions),
        cloudCostUsd: round6(sum((h) => h.current.cloudCostUsd)),
      },
      money: [...money.values()].sort((a, b) => a.currency.localeCompare(b.currency)),
      generatedAt: this.now(),
    };
  }

  // --- drill-down -------------------------------------------------------------------------------

  /** The conversations behind one number of a period. */
  drill(scope: PropertyScope, query: unknown): DrillPage {
    const q = parseInput(DrillQuery, query ?? {}, 'The query string');
    const period = this.period(scope, { ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}) });
    const cursor = decodeCursor(q.cursor);
    const { rows, total } = new ReportRepository(this.fresh(scope)).drill({
      metric: q.metric,
      from: period.from,
      to: period.to,
      channel: q.channel,
      hour: q.hour,
      reason: q.reason,
      intent: q.intent,
      cursor: cursor ? { startedAt: cursor[0], id: cursor[1] } : undefined,
      limit: q.limit,
    });
    const last = rows.at(-1);
    return { metric: q.metric, period, items: rows.map(drillItem), total, nextCursor: rows.length === q.limit && last ? encodeCursor([last.started_at, last.conversation_id]) : null };
  }

  // --- report history ---------------------------------------------------------------------------

  private snapshot(scope: PropertyScope, period: Period): ReportSnapshot {
    return { summary: this.summaryFor(scope, period), analytics: this.analyticsFor(scope, period) };
  }

  private info(scope: PropertyScope, r: ReportRow, snapshot?: ReportSnapshot): ReportInfo {
    const s = snapshot ?? (JSON.parse(r.snapshot) as ReportSnapshot);
    const c = s.summary.current;
    return {
      id: r.id,
      propertyId: scope.property.id,
      kind: r.kind as ReportKind,
      period: { from: r.period_from, to: r.period_to, days: daysBetween(r.period_from, r.period_to) },
      createdAt: r.created_at,
      createdBy: r.created_by,
      headline: {
        inquiries: c.inquiries,
        afterHoursShare: c.afterHoursShare,
        leads: c.leads,
        conversions: c.conversions,
        bookingValue: c.bookingValue,
        revenueRecovered: c.revenueRecovered,
        currency: s.summary.currency,
      },
    };
  }

  /** Stores a report for a period (the scheduler's daily and weekly ones, or one asked for by hand). */
  createReport(scope: PropertyScope, kind: ReportKind, period: Pick<Period, 'from' | 'to'>, actor?: Actor): ReportInfo {
    const p = makePeriod(period.from, period.to, period.to);
    const snapshot = this.snapshot(this.fresh(scope), p);
    const row: ReportRow = {
      id: newId('rpt'),
      kind,
      period_from: p.from,
      period_to: p.to,
      snapshot: JSON.stringify(snapshot),
      created_by: actor?.userId ?? null,
      created_at: this.now(),
    };
    new ReportRepository(scope).insertReport(row);
    return this.info(scope, row, snapshot);
  }

  requestReport(scope: PropertyScope, input: unknown, actor: Actor): ReportInfo {
    const body = parseInput(CreateReport, input, 'The report');
    return this.createReport(scope, 'custom', body, actor);
  }

  listReports(scope: PropertyScope, query: unknown): { items: ReportInfo[]; nextCursor: string | null } {
    const q = parseInput(ReportListQuery, query ?? {}, 'The query string');
    const cursor = decodeCursor(q.cursor);
    const rows = new ReportRepository(scope).listReports({ kind: q.kind, cursor: cursor ? { createdAt: cursor[0], id: cursor[1] } : undefined, limit: q.limit });
    const last = rows.at(-1);
    return { items: rows.map((r) => this.info(scope, r)), nextCursor: rows.length === q.limit && last ? encodeCursor([last.created_at, last.id]) : null };
  }

  private row(scope: PropertyScope, reportId: string): ReportRow {
    const row = new ReportRepository(scope).getReport(reportId);
    if (!row) throw new NotFoundError('No such report');
    return row;
  }

  getReport(scope: PropertyScope, reportId: string): ReportDetail {
    const row = this.row(scope, reportId);
    const snapshot = JSON.parse(row.snapshot) as ReportSnapshot;
    return { ...this.info(scope, row, snapshot), snapshot };
  }

  /** One row per conversation of the report's period; figures only, no guest details. */
  reportCsv(scope: PropertyScope, reportId: string): { filename: string; body: string } {
    const row = this.row(scope, reportId);
    const rows = new ReportRepository(this.fresh(scope)).conversationsOf(row.period_from, row.period_to);
    return { filename: `${scope.property.slug}-${row.kind}-${row.period_from}_${row.period_to}.csv`, body: renderReportCsv(rows, scope.property.currency) };
  }

  async reportPdf(scope: PropertyScope, reportId: string): Promise<{ filename: string; body: Buffer }> {
    const row = this.row(scope, reportId);
    const body = await renderReportPdf({ kind: row.kind as ReportKind, createdAt: row.created_at, snapshot: JSON.parse(row.snapshot) as ReportSnapshot });
    return { filename: `${scope.property.slug}-${row.kind}-${row.period_from}_${row.period_to}.pdf`, body };
  }

  // --- schedule ---------------------------------------------------------------------------------

  /**
   * Makes the latest daily and weekly reports that are due at this hotel's local time and not yet
   * in its history (at most one of each, so an appliance that was off does not flood the history).
   */
  generateDue(scope: PropertyScope, schedule: ReportSchedule): ReportInfo[] {
    const cal = this.calendar(scope.property);
    const now = cal.wallClock(this.deps.clock.now());
    const [h, m] = schedule.dailyTime.split(':').map(Number) as [number, number];
    const reached = now.minutes >= h * 60 + m;
    const repo = new ReportRepository(scope);
    const made: ReportInfo[] = [];
    // Daily: yesterday's, once today's report time has come (else the day before's).
    const dailyDue = reached ? now.date : addDays(now.date, -1);
    const dailyDay = addDays(dailyDue, -1);
    if (!repo.scheduledReportExists('daily', dailyDay)) made.push(this.createScheduled(scope, 'daily', dailyDay, dailyDay));
    // Weekly: the seven days before the latest weekly report day that has come.
    const order = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
    let back = (order.indexOf(now.weekday) - order.indexOf(schedule.weeklyDay) + 7) % 7;
    if (back === 0 && !reached) back = 7;
    const weeklyDue = addDays(now.date, -back);
    const weeklyFrom = addDays(weeklyDue, -7);
    if (!repo.scheduledReportExists('weekly', weeklyFrom)) made.push(this.createScheduled(scope, 'weekly', weeklyFrom, addDays(weeklyDue, -1)));
    return made;
  }

  private createScheduled(scope: PropertyScope, kind: 'daily' | 'weekly', from: string, to: string): ReportInfo {
    const info = this.createReport(scope, kind, { from, to });
    this.deps.log.info({ propertyId: scope.property.id, reportId: info.id, kind, from, to }, 'scheduled report stored');
    return info;
  }
}

/** The period a query asks for, given the hotel's local today. */
function hotelPeriod(q: { from?: string | undefined; to?: string | undefined; last?: RelativePeriod | undefined }, today: string): Period {
  if (q.last === 'today') return makePeriod(today, today, today);
  if (q.last === 'yesterday') return makePeriod(addDays(today, -1), addDays(today, -1), today);
  if (q.last) return makePeriod(addDays(today, 1 - Number(q.last)), today, today);
  return makePeriod(q.from, q.to, today);
}

/** The days several hotels' periods cover together. */
function span(periods: readonly Period[]): Period {
  const from = periods.reduce((m, p) => (p.from < m ? p.from : m), periods[0]!.from);
  const to = periods.reduce((m, p) => (p.to > m ? p.to : m), periods[0]!.to);
  return { from, to, days: daysBetween(from, to) };
}

function makePeriod(from: string | undefined, to: string | undefined, today: string): Period {
  const end = to ?? (from && from > today ? from : today);
  const start = from ?? addDays(end, -6);
  if (start > end) throw new ValidationError('The period starts after it ends', [{ path: 'from', message: 'must not be after "to"' }]);
  const days = daysBetween(start, end);
  if (days > MAX_PERIOD_DAYS) throw new ValidationError(`A period is at most ${MAX_PERIOD_DAYS} days`, [{ path: 'from', message: `at most ${MAX_PERIOD_DAYS} days before "to"` }]);
  return { from: start, to: end, days };
}

function previous(p: Period): Period {
  return { from: addDays(p.from, -p.days), to: addDays(p.from, -1), days: p.days };
}

function drillItem(r: DrillRow): DrillItem {
  return {
    conversationId: r.conversation_id,
    startedAt: r.started_at,
    day: r.day,
    channel: r.channel as DrillItem['channel'],
    status: r.status,
    afterHours: r.after_hours === 1,
    handoffReason: r.handoff_reason as DrillItem['handoffReason'],
    aiResolved: r.ai_resolved === 1,
    messages: r.guest_messages + r.ai_replies + r.staff_replies,
    aiFirstResponseSeconds: r.ai_first_response_s,
    staffFirstResponseSeconds: r.staff_first_response_s,
    lead: r.lead_id
      ? { id: r.lead_id, intent: r.lead_intent as 'room_booking', status: r.lead_status!, bookingValue: r.lead_booking_value, convertedDay: r.lead_converted_day }
      : null,
    transcriptAvailable: r.transcript === 1,
  };
}
