import { useState } from 'react';
import { asApiError, type ApiError } from '../../api/client';
import { DayRange } from '../../shared/day-range';
import { formatDateTime, formatMoney } from '../../shared/format';
import { LoadProblem } from '../../shared/load-problem';
import { useResource } from '../../shared/use-resource';
import { count, share } from './report-labels';
import { useReportsApi, type PeriodQuery } from './reports.api';

const KIND_NAME = { daily: 'Daily', weekly: 'Weekly', custom: 'On request' } as const;

/** Stored reports, newest first, each as CSV (one row per conversation) and PDF. */
export function ReportHistoryPanel({ propertyId, period }: { propertyId: string; period: PeriodQuery }) {
  const api = useReportsApi();
  const [history, { reload }] = useResource((signal) => api.history(propertyId, signal), [api, propertyId]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  async function make() {
    setBusy(true);
    setError(null);
    try {
      await api.makeReport(propertyId, period);
      reload();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel" aria-labelledby="report-history">
      <div className="drill-head">
        <div>
          <h2 id="report-history">Report history</h2>
          <p className="section-help">A daily report is made every morning and a weekly one each week. Exports hold figures only, never guest contact details.</p>
        </div>
        <button type="button" className="button" disabled={busy} onClick={() => void make()}>
          {busy ? 'Making the report…' : 'Save a report for this period'}
        </button>
      </div>
      {error ? <p className="field-error">Could not make the report: {error.detail ?? error.title}</p> : null}
      {history.status === 'loading' ? <p>Loading…</p> : null}
      {history.status === 'error' ? <LoadProblem error={history.error} what="the report history" denied="Reports are for managers and admins." onRetry={reload} /> : null}
      {history.status === 'ready' && history.data.items.length === 0 ? <p className="muted">No reports yet. The first daily report appears tomorrow morning.</p> : null}
      {history.status === 'ready' && history.data.items.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Report</th>
                <th scope="col">Period</th>
                <th scope="col">Inquiries</th>
                <th scope="col">After hours</th>
                <th scope="col">Leads</th>
                <th scope="col">Booking value</th>
                <th scope="col">Made</th>
                <th scope="col">Download</th>
              </tr>
            </thead>
            <tbody>
              {history.data.items.map((r) => (
                <tr key={r.id}>
                  <th scope="row">{KIND_NAME[r.kind]}</th>
                  <td>
                    <DayRange from={r.period.from} to={r.period.to === r.period.from ? null : r.period.to} />
                  </td>
                  <td>{count(r.headline.inquiries)}</td>
                  <td>{share(r.headline.afterHoursShare)}</td>
                  <td>{count(r.headline.leads)}</td>
                  <td>{formatMoney(r.headline.bookingValue, r.headline.currency)}</td>
                  <td>{formatDateTime(r.createdAt)}</td>
                  <td className="nowrap">
                    <a href={api.fileUrl(propertyId, r.id, 'pdf')} download>
                      PDF<span className="visually-hidden"> of the {KIND_NAME[r.kind].toLowerCase()} report {r.period.from}</span>
                    </a>{' '}
                    ·{' '}
                    <a href={api.fileUrl(propertyId, r.id, 'csv')} download>
                      CSV<span className="visually-hidden"> of the {KIND_NAME[r.kind].toLowerCase()} report {r.period.from}</span>
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
