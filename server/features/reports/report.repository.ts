import { connectionOf, type Transactional } from '../../db/handle.js';
import { prepared, type Db } from '../../db/sqlite.js';

/** What one conversation's raw rows say, read from plain columns only (bodies stay encrypted). */
export interface ConversationSource {
  id: string;
  channel: string;
  status: string;
  handoff_reason: string | null;
  after_hours: number;
  created_at: string;
  first_guest_at: string | null;
  first_ai_at: string | null;
  first_staff_at: string | null;
  guest_messages: number;
  ai_replies: number;
  staff_replies: number;
  cost_usd: number;
  feedback_up: number;
  feedback_down: number;
}

export interface LeadSource {
  id: string;
  conversation_id: string;
  intent: string;
  status: string;
  source_channel: string;
  after_hours: number;
  booking_value: number | null;
  converted_at: string | null;
  is_lead: number;
  created_at: string;
}

export interface ConversationFact {
  conversation_id: string;
  day: string;
  hour: number;
  started_at: string;
  channel: string;
  after_hours: number;
  status: string;
  handoff_reason: string | null;
  handed_off: number;
  ai_resolved: number;
  guest_messages: number;
  ai_replies: number;
  staff_replies: number;
  ai_first_response_s: number | null;
  staff_first_response_s: number | null;
  cost_usd: number;
  feedback_up: number;
  feedback_down: number;
  updated_at: string;
}

export interface LeadFact {
  lead_id: string;
  conversation_id: string;
  day: string;
  converted_day: string | null;
  channel: string;
  intent: string;
  after_hours: number;
  status: string;
  booking_value: number | null;
  /** Counted as a lead (leads.is_lead); other captured inquiries are kept but not summed. */
  is_lead: number;
  updated_at: string;
}

interface DailyTotals {
  inquiries: number;
  after_hours: number;
  ai_resolved: number;
  handoffs: number;
  feedback_up: number;
  feedback_down: number;
}

interface LeadTotals {
  leads: number;
  after_hours_leads: number;
  conversions: number;
  booking_value: number;
  recovered_value: number;
}

export interface DrillRow extends ConversationFact {
  lead_id: string | null;
  lead_intent: string | null;
  lead_status: string | null;
  lead_booking_value: number | null;
  lead_converted_day: string | null;
  transcript: number;
}

export interface DrillFilter {
  metric: string;
  from: string;
  to: string;
  channel?: string | undefined;
  hour?: number | undefined;
  reason?: string | undefined;
  intent?: string | undefined;
  cursor?: { startedAt: string; id: string } | undefined;
  limit: number;
}

export interface ReportRow {
  id: string;
  kind: string;
  period_from: string;
  period_to: string;
  snapshot: string;
  created_by: string | null;
  created_at: string;
}

const FACT_COLUMNS = [
  'conversation_id', 'day', 'hour', 'started_at', 'channel', 'after_hours', 'status', 'handoff_reason', 'handed_off', 'ai_resolved', 'guest_messages',
  'ai_replies', 'staff_replies', 'ai_first_response_s', 'staff_first_response_s', 'cost_usd', 'feedback_up', 'feedback_down', 'updated_at',
] as const;
const LEAD_FACT_COLUMNS = ['lead_id', 'conversation_id', 'day', 'converted_day', 'channel', 'intent', 'after_hours', 'status', 'booking_value', 'is_lead', 'updated_at'] as const;
const LEAD_SOURCE_COLUMNS = 'id, conversation_id, intent, status, source_channel, after_hours, booking_value, converted_at, is_lead, created_at';

/**
 * The queries behind summaries and trends, each bound to (from day, to day). They read the daily
 * rollups (and the facts only for response-time percentiles) through an index range of days; the
 * tests assert the plans with EXPLAIN QUERY PLAN.
 */
export const REPORT_QUERIES = {
  dailyTotals: `select coalesce(sum(inquiries), 0) as inquiries, coalesce(sum(after_hours), 0) as after_hours, coalesce(sum(ai_resolved), 0) as ai_resolved,
      coalesce(sum(handoffs), 0) as handoffs, coalesce(sum(feedback_up), 0) as feedback_up, coalesce(sum(feedback_down), 0) as feedback_down
    from report_daily where day between ? and ?`,
  handoffReasons: 'select reason, sum(handoffs) as count from report_daily_handoffs where day between ? and ? group by reason order by count desc, reason',
  leadTotals: `select coalesce(sum(leads), 0) as leads, coalesce(sum(after_hours_leads), 0) as after_hours_leads, coalesce(sum(conversions), 0) as conversions,
      total(booking_value) as booking_value, total(recovered_value) as recovered_value
    from report_daily_leads where day between ? and ?`,
  aiResponseTimes: 'select ai_first_response_s from report_conversations where day between ? and ? and ai_first_response_s is not null',
  staffResponseTimes: 'select staff_first_response_s from report_conversations where day between ? and ? and staff_first_response_s is not null',
  cloudSpend: 'select total(spent_usd) from cloud_spend where day between ? and ?',
  trendConversations: `select day, sum(inquiries) as inquiries, sum(after_hours) as after_hours, sum(ai_resolved) as ai_resolved, sum(handoffs) as handoffs
    from report_daily where day between ? and ? group by day order by day`,
  trendLeads: `select day, sum(leads) as leads, sum(conversions) as conversions, total(booking_value) as booking_value, total(recovered_value) as recovered_value
    from report_daily_leads where day between ? and ? group by day order by day`,
  trendCloud: 'select day, spent_usd from cloud_spend where day between ? and ? order by day',
  byChannel: `select channel, sum(inquiries) as inquiries, sum(after_hours) as after_hours, sum(ai_resolved) as ai_resolved, sum(handoffs) as handoffs
    from report_daily where day between ? and ? group by channel`,
  leadsByChannel: 'select channel, sum(leads) as leads, sum(conversions) as conversions, total(booking_value) as booking_value from report_daily_leads where day between ? and ? group by channel',
  byIntent: `select intent, sum(leads) as leads, sum(after_hours_leads) as after_hours_leads, sum(conversions) as conversions, total(booking_value) as booking_value,
      total(recovered_value) as recovered_value
    from report_daily_leads where day between ? and ? group by intent`,
  byHour: 'select hour, sum(inquiries) as inquiries, sum(after_hours) as after_hours from report_daily_hours where day between ? and ? group by hour',
} as const;

const DRILL_SELECT = `
  select c.*, l.lead_id, l.intent as lead_intent, l.status as lead_status, l.booking_value as lead_booking_value, l.converted_day as lead_converted_day,
         exists (select 1 from conversations raw where raw.id = c.conversation_id) as transcript
  from report_conversations c
  left join report_leads l on l.lead_id = (select lead_id from report_leads where conversation_id = c.conversation_id and is_lead = 1 limit 1)`;
const CONVERSATIONS_OF = `${DRILL_SELECT} where c.day between ? and ? order by c.started_at, c.conversation_id`;

/** Every query of the reports feature against one hotel's database. */
export class ReportRepository {
  private readonly db: Db;

  /** `store`: the hotel's scope (or any handle bound to its database). */
  constructor(store: Transactional) {
    this.db = connectionOf(store);
  }

  /** Statements are prepared once per database connection: rebuilds run hundreds of thousands. */
  private stmt(sql: string) {
    return prepared(this.db, sql);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  // --- raw sources ----------------------------------------------------------------------------

  private conversationSourceSql(batch: string): string {
    return `
      with batch as (${batch})
      select b.id, b.channel, b.status, b.handoff_reason, b.after_hours, b.created_at,
             m.first_guest_at, m.first_ai_at, m.first_staff_at,
             coalesce(m.guest_messages, 0) as guest_messages, coalesce(m.ai_replies, 0) as ai_replies,
             coalesce(m.staff_replies, 0) as staff_replies, coalesce(m.cost_usd, 0) as cost_usd,
             coalesce(f.up, 0) as feedback_up, coalesce(f.down, 0) as feedback_down
      from batch b
      left join (
        select conversation_id,
               min(case when role = 'guest' then created_at end) as first_guest_at,
               min(case when role = 'assistant' then created_at end) as first_ai_at,
               min(case when role = 'staff' then created_at end) as first_staff_at,
               sum(role = 'guest') as guest_messages, sum(role = 'assistant') as ai_replies, sum(role = 'staff') as staff_replies,
               total(cost_usd) as cost_usd
        from messages where conversation_id in (select id from batch) group by conversation_id
      ) m on m.conversation_id = b.id
      left join (
        select conversation_id, sum(helpful = 1) as up, sum(helpful = 0) as down
        from widget_feedback where conversation_id in (select id from batch) group by conversation_id
      ) f on f.conversation_id = b.id
      order by b.id`;
  }

  conversationSource(id: string): ConversationSource | undefined {
    return this.stmt(this.conversationSourceSql('select * from conversations where id = @id')).get({ id }) as ConversationSource | undefined;
  }

  /** A page of conversations in id order, for rebuilding. */
  conversationSources(afterId: string, limit: number): ConversationSource[] {
    return this.stmt(this.conversationSourceSql('select * from conversations where id > @afterId order by id limit @limit')).all({ afterId, limit }) as ConversationSource[];
  }

  leadSource(where: { leadId: string } | { conversationId: string }): LeadSource | undefined {
    const sql = `select ${LEAD_SOURCE_COLUMNS} from leads where`;
    return ('leadId' in where
      ? this.stmt(`${sql} id = ?`).get(where.leadId)
      : this.stmt(`${sql} conversation_id = ?`).get(where.conversationId)) as LeadSource | undefined;
  }

  leadSources(afterId: string, limit: number): LeadSource[] {
    return this
      .stmt(`select ${LEAD_SOURCE_COLUMNS} from leads where id > ? order by id limit ?`)
      .all(afterId, limit) as LeadSource[];
  }

  /** Conversations whose feedback changed since the figures were last refreshed (set by triggers). */
  dirtyConversations(limit: number): string[] {
    return this.stmt('select conversation_id from report_dirty limit ?').pluck().all(limit) as string[];
  }

  clearAllDirty(): void {
    this.stmt('delete from report_dirty').run();
  }

  clearDirty(conversationId: string): void {
    this.stmt('delete from report_dirty where conversation_id = ?').run(conversationId);
  }

  // --- facts ----------------------------------------------------------------------------------

  conversationFact(id: string): ConversationFact | undefined {
    return this.stmt('select * from report_conversations where conversation_id = ?').get(id) as ConversationFact | undefined;
  }

  leadFact(id: string): LeadFact | undefined {
    return this.stmt('select * from report_leads where lead_id = ?').get(id) as LeadFact | undefined;
  }

  upsertConversationFact(f: ConversationFact): void {
    const cols = FACT_COLUMNS.join(', ');
    const values = FACT_COLUMNS.map((c) => `@${c}`).join(', ');
    const updates = FACT_COLUMNS.filter((c) => c !== 'conversation_id').map((c) => `${c} = excluded.${c}`).join(', ');
    this.stmt(`insert into report_conversations (${cols}) values (${values}) on conflict (conversation_id) do update set ${updates}`).run(f);
  }

  upsertLeadFact(f: LeadFact): void {
    const cols = LEAD_FACT_COLUMNS.join(', ');
    const values = LEAD_FACT_COLUMNS.map((c) => `@${c}`).join(', ');
    const updates = LEAD_FACT_COLUMNS.filter((c) => c !== 'lead_id').map((c) => `${c} = excluded.${c}`).join(', ');
    this.stmt(`insert into report_leads (${cols}) values (${values}) on conflict (lead_id) do update set ${updates}`).run(f);
  }

  // --- daily rollups: the sums of the facts of one day ----------------------------------------

  /** Recomputes the conversation rollups of these days from the facts. */
  rollUpConversationDays(days: readonly string[]): void {
    const del = this.stmt('delete from report_daily where day = ?');
    const delHours = this.stmt('delete from report_daily_hours where day = ?');
    const delHandoffs = this.stmt('delete from report_daily_handoffs where day = ?');
    const ins = this.stmt(`
      insert into report_daily (day, channel, inquiries, after_hours, ai_resolved, handoffs, guest_messages, ai_replies, staff_replies, cost_usd, feedback_up, feedback_down)
      select day, channel, count(*), sum(after_hours), sum(ai_resolved), sum(handed_off), sum(guest_messages), sum(ai_replies), sum(staff_replies),
             total(cost_usd), sum(feedback_up), sum(feedback_down)
      from report_conversations where day = ? group by channel`);
    const insHours = this.stmt(`
      insert into report_daily_hours (day, hour, inquiries, after_hours)
      select day, hour, count(*), sum(after_hours) from report_conversations where day = ? group by hour`);
    const insHandoffs = this.stmt(`
      insert into report_daily_handoffs (day, channel, reason, handoffs)
      select day, channel, handoff_reason, count(*) from report_conversations where day = ? and handed_off = 1 group by channel, handoff_reason`);
    for (const day of new Set(days)) {
      del.run(day);
      delHours.run(day);
      delHandoffs.run(day);
      ins.run(day);
      insHours.run(day);
      insHandoffs.run(day);
    }
  }

  /** Recomputes the lead rollups of these days: leads captured, and leads converted, on each. */
  rollUpLeadDays(days: readonly string[]): void {
    const del = this.stmt('delete from report_daily_leads where day = ?');
    const ins = this.stmt(`
      insert into report_daily_leads (day, channel, intent, leads, after_hours_leads, conversions, booking_value, after_hours_conversions, recovered_value)
      select @day, channel, intent, sum(captured), sum(captured * after_hours), sum(converted), total(converted * coalesce(booking_value, 0)),
             sum(converted * after_hours), total(converted * after_hours * coalesce(booking_value, 0))
      from (
        select channel, intent, after_hours, booking_value, 1 as captured, case when converted_day = @day then 1 else 0 end as converted
          from report_leads where day = @day and is_lead = 1
        union all
        select channel, intent, after_hours, booking_value, 0, 1 from report_leads where converted_day = @day and day <> @day and is_lead = 1
      ) group by channel, intent`);
    for (const day of new Set(days)) {
      del.run(day);
      ins.run({ day });
    }
  }

  // --- test traffic left by earlier versions ---------------------------------------------------

  /**
   * Conversations on the test channel: raw ones still present, and the facts earlier versions of
   * `nocturn ask` and "Test all" left behind after deleting their raw rows.
   */
  testConversationIds(): string[] {
    return this.stmt(
      `select id from conversations where channel = 'test'
       union select conversation_id from report_conversations where channel = 'test'
       union select conversation_id from report_leads where channel = 'test'`,
    ).pluck().all() as string[];
  }

  /** Deletes those conversations (messages and leads go with them), their guests left with none, and their facts. */
  deleteTestConversations(ids: readonly string[]): { conversations: number; guests: number; facts: number; leadFacts: number } {
    const list = JSON.stringify(ids);
    const guestIds = this.stmt("select distinct guest_id from conversations where channel = 'test' and id in (select value from json_each(?))").pluck().all(list) as string[];
    const conversations = this.stmt("delete from conversations where channel = 'test' and id in (select value from json_each(?))").run(list).changes;
    const guests = this.stmt('delete from guests where id in (select value from json_each(?)) and not exists (select 1 from conversations c where c.guest_id = guests.id)')
      .run(JSON.stringify(guestIds)).changes;
    const facts = this.stmt('delete from report_conversations where conversation_id in (select value from json_each(?))').run(list).changes;
    const leadFacts = this.stmt('delete from report_leads where conversation_id in (select value from json_each(?))').run(list).changes;
    this.stmt('delete from report_dirty where conversation_id in (select value from json_each(?))').run(list);
    return { conversations, guests, facts, leadFacts };
  }

  clearDailyRollups(): void {
    this.db.exec('delete from report_daily; delete from report_daily_hours; delete from report_daily_handoffs; delete from report_daily_leads;');
  }

  factDays(): string[] {
    return this.stmt('select distinct day from report_conversations').pluck().all() as string[];
  }

  leadDays(): string[] {
    return this.stmt('select day from report_leads union select converted_day from report_leads where converted_day is not null').pluck().all() as string[];
  }

  // --- report queries: every one reads an index range of days ---------------------------------

  dailyTotals(from: string, to: string): DailyTotals {
    return this.stmt(REPORT_QUERIES.dailyTotals).get(from, to) as DailyTotals;
  }

  handoffReasons(from: string, to: string): { reason: string; count: number }[] {
    return this.stmt(REPORT_QUERIES.handoffReasons).all(from, to) as { reason: string; count: number }[];
  }

  leadTotals(from: string, to: string): LeadTotals {
    return this.stmt(REPORT_QUERIES.leadTotals).get(from, to) as LeadTotals;
  }

  /** Response times of a period in ascending order (seconds); sorted here, faster than a SQL sort. */
  responseTimes(who: 'ai' | 'staff', from: string, to: string): Float64Array {
    const values = this.stmt(who === 'ai' ? REPORT_QUERIES.aiResponseTimes : REPORT_QUERIES.staffResponseTimes).pluck().all(from, to) as number[];
    return Float64Array.from(values).sort();
  }

  cloudSpend(from: string, to: string): number {
    return this.stmt(REPORT_QUERIES.cloudSpend).pluck().get(from, to) as number;
  }

  trendConversations(from: string, to: string): { day: string; inquiries: number; after_hours: number; ai_resolved: number; handoffs: number }[] {
    return this.stmt(REPORT_QUERIES.trendConversations).all(from, to) as { day: string; inquiries: number; after_hours: number; ai_resolved: number; handoffs: number }[];
  }

  trendLeads(from: string, to: string): { day: string; leads: number; conversions: number; booking_value: number; recovered_value: number }[] {
    return this.stmt(REPORT_QUERIES.trendLeads).all(from, to) as { day: string; leads: number; conversions: number; booking_value: number; recovered_value: number }[];
  }

  trendCloud(from: string, to: string): { day: string; spent_usd: number }[] {
    return this.stmt(REPORT_QUERIES.trendCloud).all(from, to) as { day: string; spent_usd: number }[];
  }

  byChannel(from: string, to: string): { channel: string; inquiries: number; after_hours: number; ai_resolved: number; handoffs: number }[] {
    return this.stmt(REPORT_QUERIES.byChannel).all(from, to) as { channel: string; inquiries: number; after_hours: number; ai_resolved: number; handoffs: number }[];
  }

  leadsByChannel(from: string, to: string): { channel: string; leads: number; conversions: number; booking_value: number }[] {
    return this.stmt(REPORT_QUERIES.leadsByChannel).all(from, to) as { channel: string; leads: number; conversions: number; booking_value: number }[];
  }

  byIntent(from: string, to: string): { intent: string; leads: number; after_hours_leads: number; conversions: number; booking_value: number; recovered_value: number }[] {
    return this.stmt(REPORT_QUERIES.byIntent).all(from, to) as { intent: string; leads: number; after_hours_leads: number; conversions: number; booking_value: number; recovered_value: number }[];
  }

  byHour(from: string, to: string): { hour: number; inquiries: number; after_hours: number }[] {
    return this.stmt(REPORT_QUERIES.byHour).all(from, to) as { hour: number; inquiries: number; after_hours: number }[];
  }

  // --- drill-down and CSV ---------------------------------------------------------------------

  private drillStatements(f: DrillFilter): { countSql: string; pageSql: string; params: Record<string, unknown> } {
    const where: string[] = [];
    const params: Record<string, unknown> = { from: f.from, to: f.to, limit: f.limit };
    if (f.metric === 'conversions' || f.metric === 'revenue_recovered') {
      const afterHours = f.metric === 'revenue_recovered' ? ' and after_hours = 1' : '';
      where.push(`c.conversation_id in (select conversation_id from report_leads where converted_day between @from and @to and is_lead = 1${afterHours}${f.intent ? ' and intent = @intent' : ''})`);
    } else if (f.metric === 'leads') {
      where.push(`c.conversation_id in (select conversation_id from report_leads where day between @from and @to and is_lead = 1${f.intent ? ' and intent = @intent' : ''})`);
    } else {
      where.push('c.day between @from and @to');
    }
    if (f.metric === 'after_hours') where.push('c.after_hours = 1');
    if (f.metric === 'ai_resolved') where.push('c.ai_resolved = 1');
    if (f.metric === 'handoffs') where.push('c.handed_off = 1');
    if (f.metric === 'feedback_negative') where.push('c.feedback_down > 0');
    if (f.intent && (f.metric === 'leads' || f.metric === 'conversions' || f.metric === 'revenue_recovered')) params.intent = f.intent;
    if (f.channel) {
      where.push('c.channel = @channel');
      params.channel = f.channel;
    }
    if (f.hour !== undefined) {
      where.push('c.hour = @hour');
      params.hour = f.hour;
    }
    if (f.reason) {
      where.push('c.handoff_reason = @reason');
      params.reason = f.reason;
    }
    const countSql = `select count(*) from report_conversations c where ${where.join(' and ')}`;
    if (f.cursor) {
      where.push('(c.started_at < @cAt or (c.started_at = @cAt and c.conversation_id > @cId))');
      Object.assign(params, { cAt: f.cursor.startedAt, cId: f.cursor.id });
    }
    const pageSql = `${DRILL_SELECT} where ${where.join(' and ')} order by c.started_at desc, c.conversation_id limit @limit`;
    return { countSql, pageSql, params };
  }

  /** The conversations behind one number; conversions are found through the day they converted. */
  drill(f: DrillFilter): { rows: DrillRow[]; total: number } {
    const { countSql, pageSql, params } = this.drillStatements(f);
    const { limit: _limit, cAt: _cAt, cId: _cId, ...countParams } = params;
    const total = this.stmt(countSql).pluck().get(countParams) as number;
    return { rows: this.stmt(pageSql).all(params) as DrillRow[], total };
  }

  /** Every conversation that started in the period, oldest first (one CSV row each). */
  conversationsOf(from: string, to: string): DrillRow[] {
    return this.stmt(CONVERSATIONS_OF).all(from, to) as DrillRow[];
  }

  /** Query plans of the drill-down and CSV statements (EXPLAIN QUERY PLAN details). */
  drillPlans(f: DrillFilter): string[] {
    const { countSql, pageSql, params } = this.drillStatements(f);
    const { limit: _limit, cAt: _cAt, cId: _cId, ...countParams } = params;
    return [...this.explain(countSql, countParams), ...this.explain(pageSql, params), ...this.explain(CONVERSATIONS_OF, f.from, f.to)];
  }

  // --- report history -------------------------------------------------------------------------

  insertReport(r: ReportRow): void {
    this
      .stmt('insert into reports (id, kind, period_from, period_to, snapshot, created_by, created_at) values (@id, @kind, @period_from, @period_to, @snapshot, @created_by, @created_at)')
      .run(r);
  }

  scheduledReportExists(kind: 'daily' | 'weekly', periodFrom: string): boolean {
    return this.stmt("select 1 from reports where kind = ? and period_from = ? and kind <> 'custom'").get(kind, periodFrom) !== undefined;
  }

  listReports(f: { kind?: string | undefined; cursor?: { createdAt: string; id: string } | undefined; limit: number }): ReportRow[] {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: f.limit };
    if (f.kind) {
      where.push('kind = @kind');
      params.kind = f.kind;
    }
    if (f.cursor) {
      where.push('(created_at < @cAt or (created_at = @cAt and id < @cId))');
      Object.assign(params, { cAt: f.cursor.createdAt, cId: f.cursor.id });
    }
    return this
      .stmt(`select * from reports ${where.length ? 'where ' + where.join(' and ') : ''} order by created_at desc, id desc limit @limit`)
      .all(params) as ReportRow[];
  }

  getReport(id: string): ReportRow | undefined {
    return this.stmt('select * from reports where id = ?').get(id) as ReportRow | undefined;
  }

  /** The plan SQLite chooses for a statement (for the index assertions in the tests and the bench). */
  explain(sql: string, ...params: unknown[]): string[] {
    return (this.db.prepare(`explain query plan ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail);
  }
}
