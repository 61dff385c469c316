import type { HeroKey } from '@contract/reports';
import { CHANNEL_LABEL, INTENT_LABEL } from '@contract/conversations';
import { useMemo, useState } from 'react';
import { formatDay, formatMoney } from '../../shared/format';
import { LoadProblem } from '../../shared/load-problem';
import { useResource } from '../../shared/use-resource';
import { DrillDownPanel } from './drill-down.panel';
import { KnowledgeGapsPanel } from './knowledge-gaps.panel';
import { ReportChart, type ChartSeries } from './report-chart';
import { ReportHistoryPanel } from './report-history.panel';
import { ReportMailPanel } from './report-mail.panel';
import { change, count, REASON_NAME, seconds, share, usd } from './report-labels';
import { useReportsApi, type Analytics, type AnalyticsSummary, type DrillFilter, type PeriodChoice, type PeriodQuery } from './reports.api';

const DENIED = 'Reports are for managers and admins.';
const DAY_COLOR = '#1f4f8f';
const NIGHT_COLOR = '#b25c00';
const VALUE_COLOR = '#1d6b3a';

interface Hero {
  key: HeroKey;
  label: string;
  value: string;
  detail?: string;
  kind: 'relative' | 'points';
  /** Whether a rise is good news (for the colour of the change). */
  upIsGood: boolean | null;
  drill?: DrillFilter;
}

function heroes(s: AnalyticsSummary): Hero[] {
  const c = s.current;
  const money = (v: number) => formatMoney(v, s.currency);
  return [
    { key: 'inquiries', label: 'Inquiries', value: count(c.inquiries), kind: 'relative', upIsGood: true, drill: { metric: 'inquiries' } },
    { key: 'afterHoursShare', label: 'After hours', value: share(c.afterHoursShare), detail: `${count(c.afterHours)} while the desk was closed`, kind: 'points', upIsGood: null, drill: { metric: 'after_hours' } },
    { key: 'aiResolvedShare', label: 'Resolved by the AI', value: share(c.aiResolvedShare), detail: `${count(c.aiResolved)} with no person needed`, kind: 'points', upIsGood: true, drill: { metric: 'ai_resolved' } },
    { key: 'handoffs', label: 'Handed to staff', value: count(c.handoffs), detail: share(c.handoffShare) + ' of inquiries', kind: 'relative', upIsGood: false, drill: { metric: 'handoffs' } },
    { key: 'leads', label: 'Leads captured', value: count(c.leads), detail: `${count(c.afterHoursLeads)} after hours`, kind: 'relative', upIsGood: true, drill: { metric: 'leads' } },
    { key: 'conversions', label: 'Conversions', value: count(c.conversions), kind: 'relative', upIsGood: true, drill: { metric: 'conversions' } },
    { key: 'bookingValue', label: 'Booking value', value: money(c.bookingValue), kind: 'relative', upIsGood: true, drill: { metric: 'conversions' } },
    { key: 'revenueRecovered', label: 'Revenue recovered after hours', value: money(c.revenueRecovered), kind: 'relative', upIsGood: true, drill: { metric: 'revenue_recovered' } },
    {
      key: 'aiMedianFirstResponse',
      label: 'AI first reply (median)',
      value: seconds(c.firstResponse.ai.medianSeconds),
      detail: `90% within ${seconds(c.firstResponse.ai.p90Seconds)}`,
      kind: 'relative',
      upIsGood: false,
    },
    {
      key: 'staffMedianFirstResponse',
      label: 'Staff first reply (median)',
      value: seconds(c.firstResponse.staff.medianSeconds),
      detail: `90% within ${seconds(c.firstResponse.staff.p90Seconds)}`,
      kind: 'relative',
      upIsGood: false,
    },
    { key: 'cloudCostUsd', label: 'Cloud model cost', value: usd(c.cloudCostUsd), kind: 'relative', upIsGood: false },
  ];
}

function HeroCard({ hero, summary, onDrill }: { hero: Hero; summary: AnalyticsSummary; onDrill: (f: DrillFilter, label: string) => void }) {
  const ch = change(summary.change[hero.key], hero.kind);
  const tone = !ch || ch.direction === 'flat' || hero.upIsGood === null ? 'neutral' : (ch.direction === 'up') === hero.upIsGood ? 'good' : 'bad';
  return (
    <li className="hero-card">
      <p className="hero-label">{hero.label}</p>
      <p className="hero-value" data-hero={hero.key}>
        {hero.value}
      </p>
      {hero.detail ? <p className="hero-detail">{hero.detail}</p> : null}
      <p className={`hero-change hero-change--${tone}`}>
        {ch ? (
          <>
            <span aria-hidden="true">{ch.direction === 'up' ? '▲ ' : ch.direction === 'down' ? '▼ ' : ''}</span>
            {ch.text} <span className="muted">vs previous {summary.period.days === 1 ? 'day' : `${summary.period.days} days`}</span>
          </>
        ) : (
          <span className="muted">No earlier figures to compare</span>
        )}
      </p>
      {hero.drill ? (
        <button type="button" className="button button--small button--quiet" onClick={() => onDrill(hero.drill!, hero.label)}>
          See conversations<span className="visually-hidden"> for {hero.label.toLowerCase()}</span>
        </button>
      ) : null}
    </li>
  );
}

function Charts({ a }: { a: Analytics }) {
  const labels = useMemo(() => a.days.map((d) => formatDay(d.day).replace(/ \d{4}$/, '')), [a]);
  const inquiries = useMemo<ChartSeries[]>(
    () => [
      { label: 'Desk open', values: a.days.map((d) => d.inquiries - d.afterHours), color: DAY_COLOR },
      { label: 'After hours', values: a.days.map((d) => d.afterHours), color: NIGHT_COLOR },
      { label: 'Leads', values: a.days.map((d) => d.leads), color: VALUE_COLOR, line: true },
    ],
    [a],
  );
  const value = useMemo<ChartSeries[]>(
    () => [
      { label: `Booking value (${a.currency})`, values: a.days.map((d) => d.bookingValue), color: VALUE_COLOR },
      { label: `Of it after hours (${a.currency})`, values: a.days.map((d) => d.revenueRecovered), color: NIGHT_COLOR },
    ],
    [a],
  );
  const hourLabels = useMemo(() => a.byHour.map((h) => `${String(h.hour).padStart(2, '0')}:00`), [a]);
  const hours = useMemo<ChartSeries[]>(
    () => [
      { label: 'Desk open', values: a.byHour.map((h) => h.inquiries - h.afterHours), color: DAY_COLOR },
      { label: 'After hours', values: a.byHour.map((h) => h.afterHours), color: NIGHT_COLOR },
    ],
    [a],
  );
  const busiest = [...a.byHour].sort((x, y) => y.inquiries - x.inquiries)[0];
  return (
    <section className="panel" aria-labelledby="report-trends">
      <h2 id="report-trends">Trends</h2>
      <div className="report-charts">
        <ReportChart
          title="Inquiries per day"
          summary={`${count(a.totals.inquiries)} inquiries over ${a.period.days} days, ${count(a.totals.afterHours)} after hours, ${count(a.totals.leads)} leads.`}
          labels={labels}
          series={inquiries}
          stacked
        />
        <ReportChart
          title="Booking value per day"
          summary={`${formatMoney(a.totals.bookingValue, a.currency)} converted, ${formatMoney(a.totals.revenueRecovered, a.currency)} of it from after-hours leads.`}
          labels={labels}
          series={value}
        />
        <ReportChart
          title="Inquiries per hour of day (hotel time)"
          summary={busiest && busiest.inquiries > 0 ? `Busiest hour ${String(busiest.hour).padStart(2, '0')}:00 with ${count(busiest.inquiries)} inquiries.` : 'No inquiries.'}
          labels={hourLabels}
          series={hours}
          stacked
          rowLabel="Hour"
        />
      </div>
    </section>
  );
}

function Breakdowns({ a, s, onDrill }: { a: Analytics; s: AnalyticsSummary; onDrill: (f: DrillFilter, label: string) => void }) {
  const money = (v: number) => formatMoney(v, a.currency);
  const drillButton = (f: DrillFilter, label: string, n: number) =>
    n > 0 ? (
      <button type="button" className="link-button" onClick={() => onDrill(f, label)} aria-label={`${count(n)}: see the conversations (${label})`}>
        {count(n)}
      </button>
    ) : (
      '0'
    );
  return (
    <section className="panel" aria-labelledby="report-breakdowns">
      <h2 id="report-breakdowns">Breakdowns</h2>
      <div className="report-tables">
        <div className="table-wrap">
          <table className="table">
            <caption>By channel</caption>
            <thead>
              <tr>
                <th scope="col">Channel</th>
                <th scope="col">Inquiries</th>
                <th scope="col">After hours</th>
                <th scope="col">AI-resolved</th>
                <th scope="col">Hand-offs</th>
                <th scope="col">Leads</th>
                <th scope="col">Conversions</th>
                <th scope="col">Booking value</th>
              </tr>
            </thead>
            <tbody>
              {a.byChannel.map((r) => {
                const name = CHANNEL_LABEL[r.channel] ?? r.channel;
                return (
                  <tr key={r.channel}>
                    <th scope="row">{name}</th>
                    <td>{drillButton({ metric: 'inquiries', channel: r.channel }, `${name} inquiries`, r.inquiries)}</td>
                    <td>{drillButton({ metric: 'after_hours', channel: r.channel }, `${name} after hours`, r.afterHours)}</td>
                    <td>{drillButton({ metric: 'ai_resolved', channel: r.channel }, `${name} resolved by the AI`, r.aiResolved)}</td>
                    <td>{drillButton({ metric: 'handoffs', channel: r.channel }, `${name} hand-offs`, r.handoffs)}</td>
                    <td>{count(r.leads)}</td>
                    <td>{count(r.conversions)}</td>
                    <td>{money(r.bookingValue)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <div className="table-wrap">
          <table className="table">
            <caption>Leads by intent</caption>
            <thead>
              <tr>
                <th scope="col">Intent</th>
                <th scope="col">Leads</th>
                <th scope="col">After hours</th>
                <th scope="col">Conversions</th>
                <th scope="col">Booking value</th>
                <th scope="col">Recovered after hours</th>
              </tr>
            </thead>
            <tbody>
              {a.byIntent.map((r) => {
                const name = INTENT_LABEL[r.intent] ?? r.intent;
                return (
                  <tr key={r.intent}>
                    <th scope="row">{name}</th>
                    <td>{drillButton({ metric: 'leads', intent: r.intent }, `${name} leads`, r.leads)}</td>
                    <td>{count(r.afterHoursLeads)}</td>
                    <td>{drillButton({ metric: 'conversions', intent: r.intent }, `${name} conversions`, r.conversions)}</td>
                    <td>{money(r.bookingValue)}</td>
                    <td>{money(r.revenueRecovered)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <div className="table-wrap">
          <table className="table">
            <caption>Hand-offs by reason</caption>
            <thead>
              <tr>
                <th scope="col">Reason</th>
                <th scope="col">Conversations</th>
              </tr>
            </thead>
            <tbody>
              {s.current.handoffReasons.length === 0 ? (
                <tr>
                  <td colSpan={2} className="muted">
                    No hand-offs in this period.
                  </td>
                </tr>
              ) : (
                s.current.handoffReasons.map((r) => (
                  <tr key={r.reason}>
                    <th scope="row">{REASON_NAME[r.reason] ?? r.reason}</th>
                    <td>{drillButton({ metric: 'handoffs', reason: r.reason }, `hand-offs: ${REASON_NAME[r.reason] ?? r.reason}`, r.count)}</td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      </div>
      <p className="section-help">
        Guest feedback on AI replies: {count(s.current.feedback.helpful)} helpful, {count(s.current.feedback.notHelpful)} not helpful
        {s.current.feedback.helpfulShare !== null ? ` (${share(s.current.feedback.helpfulShare)} helpful)` : ''}.
      </p>
    </section>
  );
}

/** One hotel's report: hero numbers, trends, breakdowns, drill-down, knowledge gaps and history. */
export function HotelReport({ propertyId, period: choice }: { propertyId: string; period: PeriodChoice }) {
  const api = useReportsApi();
  const [data, { reload }] = useResource(
    async (signal) => {
      const summary = await api.summary(propertyId, choice, signal);
      // The days the server counted: drill-down, history and the trend use exactly these.
      const analytics = await api.analytics(propertyId, { from: summary.period.from, to: summary.period.to }, signal);
      return { summary, analytics };
    },
    [api, propertyId, JSON.stringify(choice)],
  );
  const [drill, setDrill] = useState<{ filter: DrillFilter; label: string } | null>(null);

  if (data.status === 'loading') return <p role="status">Loading the figures…</p>;
  if (data.status === 'error') return <LoadProblem error={data.error} what="the report" denied={DENIED} onRetry={reload} />;
  const { summary, analytics } = data.data;
  const period: PeriodQuery = { from: summary.period.from, to: summary.period.to };
  const open = (filter: DrillFilter, label: string) => setDrill({ filter, label });
  return (
    <>
      <section aria-labelledby="report-hero" className="report-hero">
        <h2 id="report-hero">
          {summary.name}: {formatDay(summary.period.from)}
          {summary.period.to !== summary.period.from ? ` – ${formatDay(summary.period.to)}` : ''}
        </h2>
        <p className="section-help">
          Hotel days in {summary.timezone}; compared with {formatDay(summary.previousPeriod.from)} – {formatDay(summary.previousPeriod.to)}. Money in {summary.currency}.
        </p>
        <ul className="hero-grid">
          {heroes(summary).map((h) => (
            <HeroCard key={h.key} hero={h} summary={summary} onDrill={open} />
          ))}
        </ul>
      </section>
      {drill ? <DrillDownPanel key={JSON.stringify(drill.filter)} propertyId={propertyId} period={period} filter={drill.filter} label={drill.label} onClose={() => setDrill(null)} /> : null}
      <Charts a={analytics} />
      <Breakdowns a={analytics} s={summary} onDrill={open} />
      <KnowledgeGapsPanel propertyId={propertyId} />
      <ReportHistoryPanel propertyId={propertyId} period={period} />
      <ReportMailPanel propertyId={propertyId} hotelName={summary.name} />
    </>
  );
}
