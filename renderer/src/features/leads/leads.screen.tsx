import { CHANNEL_LABEL, INTENT_LABEL, type Lead, type LeadKind, type LeadStatus } from '@contract/conversations';
import type { Property } from '@contract/properties';
import { hotelOptions, useHotels } from '../../app/hotels';
import { useLiveEvents } from '../../app/live-events';
import { hrefFor, navigate } from '../../app/router';
import { SelectField, TextField } from '../../shared/field';
import { FilterForm, useFilters, wholeDays } from '../../shared/filter-form';
import { DayRange } from '../../shared/day-range';
import { formatAge, formatFullInZone, formatMoney } from '../../shared/format';
import { LoadProblem } from '../../shared/load-problem';
import { Screen } from '../../shared/screen';
import { useLiveResource } from '../../shared/use-live-resource';
import { LeadDialog } from './lead.dialog';
import { LEAD_STATUS_LABEL } from './lead-labels';
import { download, leadsCsv } from './leads-csv';
import { useLeadsApi, type LeadIntent, type LeadQuery } from './leads.api';

interface Filters {
  propertyId: string;
  kind: LeadKind;
  status: LeadStatus | '';
  intent: LeadIntent | '';
  afterHours: '' | 'true' | 'false';
  /** yyyy-mm-dd, in the browser's zone. */
  from: string;
  to: string;
}

const NO_FILTERS: Filters = { propertyId: '', kind: 'leads', status: '', intent: '', afterHours: '', from: '', to: '' };
const LIMIT = 200;

const STATUS_OPTIONS = [{ value: '' as const, label: 'Any status' }, ...(Object.keys(LEAD_STATUS_LABEL) as LeadStatus[]).map((s) => ({ value: s, label: LEAD_STATUS_LABEL[s] }))];
const INTENT_OPTIONS = [{ value: '' as const, label: 'Any intent' }, ...(Object.keys(INTENT_LABEL) as LeadIntent[]).map((s) => ({ value: s, label: INTENT_LABEL[s] }))];
const KIND_OPTIONS: { value: LeadKind; label: string }[] = [
  { value: 'leads', label: 'Leads' },
  { value: 'inquiries', label: 'Other inquiries' },
  { value: 'all', label: 'Leads and inquiries' },
];
const AFTER_OPTIONS = [
  { value: '' as const, label: 'Any time' },
  { value: 'true' as const, label: 'After hours' },
  { value: 'false' as const, label: 'During desk hours' },
];

function queryFor(f: Filters): LeadQuery {
  return {
    status: f.status || undefined,
    intent: f.intent || undefined,
    afterHours: f.afterHours === '' ? undefined : f.afterHours === 'true',
    kind: f.kind === 'all' ? undefined : f.kind,
    ...wholeDays(f.from, f.to),
    limit: LIMIT,
  };
}

/** Leads (and, on request, the other inquiries), newest first, across the hotels the user may see. */
export function LeadsScreen({ propertyId, leadId }: { propertyId?: string | undefined; leadId?: string | undefined }) {
  const api = useLeadsApi();
  const hotels = useHotels();
  const { draft, applied, filtered, edit, actions } = useFilters(NO_FILTERS);
  const hotelIds = hotels.list.status === 'ready' ? hotels.list.data.map((h) => h.id) : null;
  const targets = applied.propertyId ? [applied.propertyId] : (hotelIds ?? []);
  const [leads, { reload, refresh, set }] = useLiveResource(async (signal) => {
    if (!hotelIds) return null;
    const q = queryFor(applied);
    const pages = await Promise.all(targets.map((id) => api.list(id, q, signal)));
    return pages
      .flatMap((p) => p.items)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id))
      .slice(0, LIMIT);
  }, [api, JSON.stringify(applied), hotelIds?.join(',')]);

  useLiveEvents((s) => {
    if (s.type === 'lead.updated' || s.type === 'resync' || (s.type === 'message.created' && s.role === 'guest')) refresh();
  });

  const data = leads.status === 'ready' ? leads.data : null;
  const multi = (hotelIds?.length ?? 0) > 1;
  return (
    <Screen
      title="Leads"
      subtitle="Guests who asked to book a room, an event or a table, or left contact details for a follow-up, newest first. Mark them contacted, converted (with the booking value) or lost. Other questions are under “Other inquiries”."
      actions={
        <button
          type="button"
          className="button"
          disabled={!data || data.length === 0}
          onClick={() => data && download(`nocturn-leads-${new Date().toISOString().slice(0, 10)}.csv`, leadsCsv(data, hotels.byId))}
        >
          Export CSV
        </button>
      }
    >
      <FilterForm id="lead-filters" actions={actions} gridClassName="filter-grid filter-grid--leads" note="The CSV holds the leads shown below, without guests’ names or contact details.">
        {multi ? <SelectField label="Hotel" value={draft.propertyId} options={hotelOptions(hotels.list)} onChange={(propertyId) => edit({ propertyId })} /> : null}
        <SelectField label="Show" value={draft.kind} options={KIND_OPTIONS} onChange={(kind) => edit({ kind })} />
        <SelectField label="Status" value={draft.status} options={STATUS_OPTIONS} onChange={(status) => edit({ status })} />
        <SelectField label="Intent" value={draft.intent} options={INTENT_OPTIONS} onChange={(intent) => edit({ intent })} />
        <SelectField label="When" value={draft.afterHours} options={AFTER_OPTIONS} onChange={(afterHours) => edit({ afterHours })} />
        <TextField label="From" type="date" value={draft.from} onChange={(from) => edit({ from })} />
        <TextField label="To" type="date" value={draft.to} min={draft.from || undefined} onChange={(to) => edit({ to })} />
      </FilterForm>
      {leads.status === 'loading' || (hotels.list.status === 'loading' && !data) ? <p className="muted">Loading leads…</p> : null}
      {leads.status === 'error' ? <LoadProblem error={leads.error} what="the leads" denied="You have not been granted any hotel’s leads." onRetry={reload} /> : null}
      {hotels.list.status === 'error' ? <LoadProblem error={hotels.list.error} what="the hotels" denied="You cannot see any hotel." onRetry={hotels.reload} /> : null}
      {data ? <LeadTable leads={data} hotels={hotels.byId} multi={multi} filtered={filtered} /> : null}
      {propertyId && leadId ? (
        <LeadDialog
          key={`${propertyId}/${leadId}`}
          propertyId={propertyId}
          leadId={leadId}
          onSaved={(lead) => {
            if (data) set(data.map((l) => (l.id === lead.id ? lead : l)));
          }}
          onClose={() => navigate({ screen: 'leads' })}
        />
      ) : null}
    </Screen>
  );
}

function LeadTable({ leads, hotels, multi, filtered }: { leads: Lead[]; hotels: ReadonlyMap<string, Property>; multi: boolean; filtered: boolean }) {
  if (leads.length === 0) {
    return (
      <div className="empty-state">
        <p className="empty-title">{filtered ? 'No leads match these filters' : 'No leads yet'}</p>
        <p className="muted">
          {filtered ? 'Clear the filters to see every lead.' : 'A guest who asks to book or leaves contact details for a follow-up becomes a lead here, with the dates and party size they gave.'}
        </p>
      </div>
    );
  }
  const now = new Date();
  return (
    <div className="table-wrap">
      <table className="table leads-table">
        <caption className="visually-hidden">Leads, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Guest</th>
            <th scope="col">Received</th>
            {multi ? <th scope="col">Hotel</th> : null}
            <th scope="col">Intent</th>
            <th scope="col">Stay</th>
            <th scope="col">Channel</th>
            <th scope="col">Status</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {leads.map((l) => {
            const hotel = hotels.get(l.propertyId);
            const href = hrefFor({ screen: 'leads', propertyId: l.propertyId, leadId: l.id });
            return (
              <tr key={l.id} className="row-link" onClick={() => navigate({ screen: 'leads', propertyId: l.propertyId, leadId: l.id })}>
                <th scope="row" className="nowrap">
                  <a href={href} title={l.details.name ?? undefined} onClick={(e) => e.stopPropagation()}>
                    {l.details.name ?? 'Unnamed guest'}
                  </a>
                </th>
                <td>
                  <time className="nowrap" dateTime={l.createdAt} title={formatFullInZone(l.createdAt, hotel?.timezone)}>
                    {formatAge(l.createdAt, now)}
                  </time>
                  {l.afterHours ? <span className="tag tag--small">after hours</span> : null}
                </td>
                {multi ? (
                  <td>
                    <span className="cell-truncate cell-truncate--narrow" title={hotel?.name}>
                      {hotel?.name ?? '—'}
                    </span>
                  </td>
                ) : null}
                <td>
                  {INTENT_LABEL[l.intent]}
                  {l.isLead ? null : <span className="tag tag--small">inquiry</span>}
                </td>
                <td>
                  {l.details.checkIn ? <DayRange from={l.details.checkIn} to={l.details.checkOut} /> : '—'}
                  {l.details.guests ? <span className="muted stack">{l.details.guests} guests</span> : null}
                </td>
                <td>{CHANNEL_LABEL[l.sourceChannel]}</td>
                <td>
                  <span className={`lead-status lead-status--${l.status}`}>{LEAD_STATUS_LABEL[l.status]}</span>
                </td>
                <td className="nowrap">{l.bookingValue !== null ? formatMoney(l.bookingValue, hotel?.currency ?? 'USD') : ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {leads.length >= LIMIT ? <p className="muted table-note">Showing the newest {LIMIT}. Narrow the dates to see older leads.</p> : null}
    </div>
  );
}
