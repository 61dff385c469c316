import type { DrillItem } from '@contract/reports';
import { CHANNEL_LABEL, INTENT_LABEL } from '@contract/conversations';
import { useEffect, useRef, useState } from 'react';
import { asApiError, type ApiError } from '../../api/client';
import { useHotels } from '../../app/hotels';
import { hrefFor } from '../../app/router';
import { formatFullInZone, formatMoney } from '../../shared/format';
import { LoadProblem } from '../../shared/load-problem';
import { useResource } from '../../shared/use-resource';
import { REASON_NAME, seconds } from './report-labels';
import { useReportsApi, type DrillFilter, type PeriodQuery } from './reports.api';

const STATUS_NAME: Record<string, string> = { ai: 'AI answering', needs_human: 'Needs a person', human: 'With staff', resolved: 'Resolved' };

/** The conversations behind a number, each linking to its transcript. */
export function DrillDownPanel({ propertyId, period, filter, label, onClose }: { propertyId: string; period: PeriodQuery; filter: DrillFilter; label: string; onClose: () => void }) {
  const api = useReportsApi();
  const hotels = useHotels();
  const tz = hotels.byId.get(propertyId)?.timezone;
  const currency = hotels.byId.get(propertyId)?.currency ?? '';
  const heading = useRef<HTMLHeadingElement>(null);
  const [first, { reload }] = useResource((signal) => api.drill(propertyId, period, filter, null, signal), [api, propertyId, period.from, period.to, JSON.stringify(filter)]);
  const [more, setMore] = useState<{ items: DrillItem[]; cursor: string | null } | null>(null);
  const [moreError, setMoreError] = useState<ApiError | null>(null);

  useEffect(() => {
    heading.current?.focus();
  }, []);

  const items = first.status === 'ready' ? [...first.data.items, ...(more?.items ?? [])] : [];
  const cursor = more ? more.cursor : first.status === 'ready' ? first.data.nextCursor : null;

  async function loadMore() {
    setMoreError(null);
    try {
      const page = await api.drill(propertyId, period, filter, cursor);
      setMore((m) => ({ items: [...(m?.items ?? []), ...page.items], cursor: page.nextCursor }));
    } catch (err) {
      setMoreError(asApiError(err));
    }
  }

  return (
    <section className="panel drill-panel" aria-labelledby="drill-heading">
      <div className="drill-head">
        <h2 id="drill-heading" ref={heading} tabIndex={-1}>
          Conversations: {label}
          {first.status === 'ready' ? <span className="muted"> ({first.data.total})</span> : null}
        </h2>
        <button type="button" className="button button--small" onClick={onClose}>
          Close
        </button>
      </div>
      {first.status === 'loading' ? <p role="status">Loading…</p> : null}
      {first.status === 'error' ? <LoadProblem error={first.error} what="the conversations" denied="Reports are for managers and admins." onRetry={reload} /> : null}
      {first.status === 'ready' && items.length === 0 ? <p className="muted">No conversations.</p> : null}
      {items.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Started (hotel time)</th>
                <th scope="col">Channel</th>
                <th scope="col">Status</th>
                <th scope="col">Hand-off</th>
                <th scope="col">First reply: AI / staff</th>
                <th scope="col">Lead</th>
                <th scope="col">Conversation</th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr key={i.conversationId}>
                  <td>
                    {formatFullInZone(i.startedAt, tz)}
                    {i.afterHours ? (
                      <>
                        <br />
                        <span className="tag">After hours</span>
                      </>
                    ) : null}
                  </td>
                  <td>{CHANNEL_LABEL[i.channel] ?? i.channel}</td>
                  <td>{i.aiResolved ? 'Resolved by the AI' : (STATUS_NAME[i.status] ?? i.status)}</td>
                  <td>{i.handoffReason ? (REASON_NAME[i.handoffReason] ?? i.handoffReason) : '–'}</td>
                  <td>
                    {seconds(i.aiFirstResponseSeconds)} / {seconds(i.staffFirstResponseSeconds)}
                  </td>
                  <td>
                    {i.lead ? (
                      <a href={hrefFor({ screen: 'leads', propertyId, leadId: i.lead.id })}>
                        {INTENT_LABEL[i.lead.intent] ?? i.lead.intent}, {i.lead.status}
                        {i.lead.bookingValue !== null ? ` (${formatMoney(i.lead.bookingValue, currency)})` : ''}
                      </a>
                    ) : (
                      '–'
                    )}
                  </td>
                  <td>
                    {i.transcriptAvailable ? (
                      <a href={hrefFor({ screen: 'inbox', propertyId, conversationId: i.conversationId })}>Open conversation</a>
                    ) : (
                      <span className="muted">Removed (figures kept)</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {cursor ? (
        <button type="button" className="button load-older" onClick={() => void loadMore()}>
          Show more
        </button>
      ) : null}
      {moreError ? <p className="field-error">Could not load more: {moreError.detail ?? moreError.title}</p> : null}
    </section>
  );
}
