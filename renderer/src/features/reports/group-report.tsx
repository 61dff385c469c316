import { useMemo } from 'react';
import { hrefFor } from '../../app/router';
import { formatDay, formatMoney } from '../../shared/format';
import { LoadProblem } from '../../shared/load-problem';
import { useResource } from '../../shared/use-resource';
import { ReportChart, type ChartSeries } from './report-chart';
import { change, count, seconds, share } from './report-labels';
import { useReportsApi, type PeriodChoice } from './reports.api';

/** The group: every visible hotel side by side; counts summed, money per currency only. */
export function GroupReport({ period }: { period: PeriodChoice }) {
  const api = useReportsApi();
  const [data, { reload }] = useResource((signal) => api.group(period, signal), [api, JSON.stringify(period)]);
  const chart = useMemo(() => {
    if (data.status !== 'ready') return null;
    const hotels = data.data.hotels;
    return {
      labels: hotels.map((h) => h.name),
      series: [
        { label: 'Desk open', values: hotels.map((h) => h.current.inquiries - h.current.afterHours), color: '#1f4f8f' },
        { label: 'After hours', values: hotels.map((h) => h.current.afterHours), color: '#b25c00' },
      ] satisfies ChartSeries[],
    };
  }, [data]);

  if (data.status === 'loading') return <p role="status">Loading the group’s figures…</p>;
  if (data.status === 'error') return <LoadProblem error={data.error} what="the group report" denied="Reports are for managers and admins." onRetry={reload} />;
  const g = data.data;
  return (
    <>
      <section aria-labelledby="group-hero" className="report-hero">
        <h2 id="group-hero">
          All hotels: {formatDay(g.period.from)}
          {g.period.to !== g.period.from ? ` – ${formatDay(g.period.to)}` : ''}
        </h2>
        <p className="section-help">
          Each hotel counts whole days in its own time zone{'last' in period ? ', ending on its own local today' : ''}, the same days as its own report.
          {g.sameDays ? '' : ' Some hotels’ dates differ (their local today is another date): each hotel’s days are shown beside it.'} Amounts in different
          currencies are shown separately, never added together.
        </p>
        <ul className="hero-grid">
          <li className="hero-card">
            <p className="hero-label">Inquiries</p>
            <p className="hero-value">{count(g.totals.inquiries)}</p>
          </li>
          <li className="hero-card">
            <p className="hero-label">After hours</p>
            <p className="hero-value">{share(g.totals.afterHoursShare)}</p>
            <p className="hero-detail">{count(g.totals.afterHours)} while desks were closed</p>
          </li>
          <li className="hero-card">
            <p className="hero-label">Resolved by the AI</p>
            <p className="hero-value">{share(g.totals.aiResolvedShare)}</p>
          </li>
          <li className="hero-card">
            <p className="hero-label">Handed to staff</p>
            <p className="hero-value">{count(g.totals.handoffs)}</p>
          </li>
          <li className="hero-card">
            <p className="hero-label">Leads / conversions</p>
            <p className="hero-value">
              {count(g.totals.leads)} / {count(g.totals.conversions)}
            </p>
          </li>
          {g.money.map((m) => (
            <li className="hero-card" key={m.currency}>
              <p className="hero-label">Booking value in {m.currency}</p>
              <p className="hero-value">{formatMoney(m.bookingValue, m.currency)}</p>
              <p className="hero-detail">
                {formatMoney(m.revenueRecovered, m.currency)} recovered after hours ({m.hotels} {m.hotels === 1 ? 'hotel' : 'hotels'})
              </p>
            </li>
          ))}
        </ul>
      </section>
      <section className="panel" aria-labelledby="group-compare">
        <h2 id="group-compare">Hotel comparison</h2>
        {chart && g.hotels.length > 0 ? (
          <ReportChart
            title="Inquiries per hotel"
            summary={g.hotels.map((h) => `${h.name} ${count(h.current.inquiries)}`).join(', ')}
            labels={chart.labels}
            series={chart.series}
            stacked
            height={200}
            rowLabel="Hotel"
          />
        ) : null}
        <div className="table-wrap">
          <table className="table table--compact">
            <thead>
              <tr>
                <th scope="col">Hotel</th>
                <th scope="col">Inquiries</th>
                <th scope="col">After hours</th>
                <th scope="col">AI-resolved</th>
                <th scope="col">Hand-offs</th>
                <th scope="col">Leads</th>
                <th scope="col">Conversions</th>
                <th scope="col">Booking value</th>
                <th scope="col">Recovered after hours</th>
                <th scope="col">Staff first reply</th>
              </tr>
            </thead>
            <tbody>
              {g.hotels.map((h) => (
                <tr key={h.propertyId}>
                  <th scope="row">
                    <a className="cell-truncate cell-truncate--narrow" title={h.name} href={hrefFor({ screen: 'reports', propertyId: h.propertyId })}>
                      {h.name}
                    </a>
                    {g.sameDays ? null : (
                      <span className="muted stack">
                        {formatDay(h.period.from)}
                        {h.period.to !== h.period.from ? ` – ${formatDay(h.period.to)}` : ''}
                      </span>
                    )}
                  </th>
                  <td>
                    {count(h.current.inquiries)}
                    <span className="muted stack" title="Change on the previous period">
                      {change(h.change.inquiries, 'relative')?.text ?? '–'}
                    </span>
                  </td>
                  <td>{share(h.current.afterHoursShare)}</td>
                  <td>{share(h.current.aiResolvedShare)}</td>
                  <td>{count(h.current.handoffs)}</td>
                  <td>{count(h.current.leads)}</td>
                  <td>{count(h.current.conversions)}</td>
                  <td className="money-cell">{wrappable(formatMoney(h.current.bookingValue, h.currency))}</td>
                  <td className="money-cell">{wrappable(formatMoney(h.current.revenueRecovered, h.currency))}</td>
                  <td>{seconds(h.current.firstResponse.staff.medianSeconds)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}

/** An amount that may break between its currency code and its figure (Intl joins them with a no-break space). */
function wrappable(amount: string): string {
  return amount.replace(/\u00a0/g, ' ');
}
