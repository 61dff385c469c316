import type { AuditEntry } from '@contract/auth';
import { Fragment, useCallback, useEffect, useMemo, useState } from 'react';
import { asApiError, type ApiError } from '../../api/client';
import { useCan } from '../../app/session-gate';
import { SelectField, TextField } from '../../shared/field';
import { FilterForm, useFilters, wholeDays } from '../../shared/filter-form';
import { formatDateTime } from '../../shared/format';
import { LoadProblem } from '../../shared/load-problem';
import { Screen } from '../../shared/screen';
import { useResource } from '../../shared/use-resource';
import { usePropertiesApi } from '../properties/properties.api';
import { actionLabel, actionOptions } from './audit-actions';
import { useAuditApi, type AuditQuery, type AuditVerification } from './audit.api';

const PAGE_SIZE = 25;
const DENIED = 'The audit log is for managers (their hotels) and admins.';

interface Filters {
  action: string;
  propertyId: string;
  /** yyyy-mm-dd from the date inputs, in the browser's time zone. */
  from: string;
  to: string;
}

const NO_FILTERS: Filters = { action: '', propertyId: '', from: '', to: '' };

function queryFor(f: Filters): Omit<AuditQuery, 'limit'> {
  return {
    action: f.action || undefined,
    propertyId: f.propertyId || undefined,
    ...wholeDays(f.from, f.to),
  };
}

export function AuditScreen() {
  const can = useCan();
  const properties = usePropertiesApi();
  const [hotels] = useResource((signal) => properties.list(signal), [properties]);
  const names = useMemo(() => new Map(hotels.status === 'ready' ? hotels.data.map((h) => [h.id, h.name]) : []), [hotels]);
  const { draft, applied, filtered, edit, actions } = useFilters(NO_FILTERS);
  const [seenActions, setSeenActions] = useState<ReadonlySet<string>>(new Set());
  const [denied, setDenied] = useState(false);

  const onLoaded = useCallback((items: readonly AuditEntry[]) => {
    setSeenActions((prev) => (items.every((i) => prev.has(i.action)) ? prev : new Set([...prev, ...items.map((i) => i.action)])));
  }, []);

  const onDenied = useCallback(() => setDenied(true), []);

  const hotelOptions = [{ value: '', label: 'All hotels' }, ...(hotels.status === 'ready' ? hotels.data.map((h) => ({ value: h.id, label: h.name })) : [])];

  return (
    <Screen
      title="Audit log"
      subtitle={
        can('audit.verify')
          ? 'Who did what, where, and what changed: every sign-in, account, hotel, knowledge, lead and privacy action in the group, newest first.'
          : 'Who did what in your hotels and what changed, newest first.'
      }
    >
      {can('audit.verify') && !denied ? <VerifyPanel /> : null}
      {!denied ? (
        <FilterForm id="audit-filters" actions={actions}>
          <SelectField label="Action" value={draft.action} options={actionOptions(seenActions)} onChange={(action) => edit({ action })} />
          <SelectField label="Hotel" value={draft.propertyId} options={hotelOptions} onChange={(propertyId) => edit({ propertyId })} />
          <TextField label="From" type="date" value={draft.from} onChange={(from) => edit({ from })} />
          <TextField label="To" type="date" value={draft.to} min={draft.from || undefined} onChange={(to) => edit({ to })} />
        </FilterForm>
      ) : null}
      <AuditResults key={JSON.stringify(applied)} filters={applied} filtered={filtered} names={names} onLoaded={onLoaded} onDenied={onDenied} />
    </Screen>
  );
}

function VerifyPanel() {
  const api = useAuditApi();
  const [result, setResult] = useState<AuditVerification | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function verify() {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await api.verify());
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel verify" aria-labelledby="audit-verify">
      <div className="verify-row">
        <div>
          <h2 id="audit-verify">Integrity</h2>
          <p className="section-help">Each entry carries a hash of the one before it, so an edited or deleted entry breaks the chain.</p>
        </div>
        <button type="button" className="button" disabled={busy} onClick={() => void verify()}>
          {busy ? 'Verifying…' : 'Verify integrity'}
        </button>
      </div>
      <div role="status">
        {result?.ok ? (
          <p className="verify-result verify-result--ok">Intact: all {result.checked} entries check out and are chained in order.</p>
        ) : null}
        {result && !result.ok ? (
          <p className="verify-result verify-result--broken">
            Broken at entry #{result.firstBrokenSeq}: {result.reason ?? 'it does not match'}. The {result.checked} entries before it are intact.
          </p>
        ) : null}
        {error ? <p className="field-error">Could not verify: {error.detail ?? error.title}</p> : null}
      </div>
    </section>
  );
}

interface AuditResultsProps {
  filters: Filters;
  filtered: boolean;
  names: ReadonlyMap<string, string>;
  onLoaded: (items: readonly AuditEntry[]) => void;
  onDenied: () => void;
}

/** One filter's results: the newest page, then older pages appended on request. */
function AuditResults({ filters, filtered, names, onLoaded, onDenied }: AuditResultsProps) {
  const api = useAuditApi();
  const query = useMemo(() => queryFor(filters), [filters]);
  const [first, { reload }] = useResource(async (signal) => {
    const page = await api.page({ ...query, limit: PAGE_SIZE }, signal);
    onLoaded(page.items);
    return page;
  }, [api, query]);
  const [older, setOlder] = useState<AuditEntry[]>([]);
  const [nextBefore, setNextBefore] = useState<number | null | undefined>(undefined);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [olderError, setOlderError] = useState<ApiError | null>(null);
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  // The filters and the verify button are pointless without access; the screen hides them on a 403.
  const denied = first.status === 'error' && first.error.status === 403;
  useEffect(() => {
    if (denied) onDenied();
  }, [denied, onDenied]);

  if (first.status === 'loading') return <p className="muted">Loading the audit log…</p>;
  if (first.status === 'error') return <LoadProblem error={first.error} what="the audit log" denied={DENIED} onRetry={reload} />;

  const items = [...first.data.items, ...older];
  const next = nextBefore === undefined ? first.data.nextBefore : nextBefore;

  async function loadOlder() {
    if (next === null) return;
    setLoadingOlder(true);
    setOlderError(null);
    try {
      const page = await api.page({ ...query, before: next, limit: PAGE_SIZE });
      onLoaded(page.items);
      setOlder((o) => [...o, ...page.items]);
      setNextBefore(page.nextBefore);
    } catch (err) {
      setOlderError(asApiError(err));
    } finally {
      setLoadingOlder(false);
    }
  }

  const toggle = (seq: number) =>
    setOpen((prev) => {
      const nextOpen = new Set(prev);
      if (!nextOpen.delete(seq)) nextOpen.add(seq);
      return nextOpen;
    });

  if (items.length === 0) {
    return (
      <div className="empty-state">
        <p className="empty-title">{filtered ? 'No entries match these filters' : 'The audit log is empty'}</p>
        <p className="muted">{filtered ? 'Widen the dates or choose “Any action”.' : 'Sign-ins and changes appear here as they happen.'}</p>
      </div>
    );
  }

  return (
    <>
      <div className="table-wrap">
        <table className="table audit-table">
          <caption className="visually-hidden">Audit entries, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col">Who</th>
              <th scope="col">Where</th>
              <th scope="col">
                <span className="visually-hidden">Details</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((entry) => {
              const expanded = open.has(entry.seq);
              const detailId = `audit-entry-${entry.seq}`;
              return (
                <Fragment key={entry.seq}>
                  <tr className={expanded ? 'audit-row audit-row--open' : 'audit-row'}>
                    <td className="nowrap">
                      <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
                    </td>
                    <td className="cell-wrap">
                      {entry.summary}
                      {entry.changes.length > 0 ? <span className="muted"> ({entry.changes.map((c) => c.field.toLowerCase()).join(', ')})</span> : null}
                      <code className="audit-code">{entry.action}</code>
                    </td>
                    <td className="cell-wrap">
                      {entry.actorName ?? 'Someone not signed in'}
                      {entry.actorRole ? <span className="audit-role">{entry.actorRole}</span> : null}
                    </td>
                    <td>{entry.hotel ?? (entry.propertyId ? (names.get(entry.propertyId) ?? 'A removed hotel') : 'All hotels')}</td>
                    <td>
                      <button type="button" className="button button--small" aria-expanded={expanded} aria-controls={detailId} onClick={() => toggle(entry.seq)}>
                        {expanded ? 'Hide' : 'Details'}
                        <span className="visually-hidden"> of entry {entry.seq}</span>
                      </button>
                    </td>
                  </tr>
                  <tr id={detailId} className="audit-detail-row" hidden={!expanded}>
                    <td colSpan={5}>{expanded ? <EntryDetail entry={entry} /> : null}</td>
                  </tr>
                </Fragment>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="load-older">
        <p className="muted" role="status">
          Showing {items.length} {items.length === 1 ? 'entry' : 'entries'}
          {next === null ? ', the oldest included.' : ', newest first.'}
        </p>
        {next !== null ? (
          <button type="button" className="button" disabled={loadingOlder} onClick={() => void loadOlder()}>
            {loadingOlder ? 'Loading…' : 'Load older'}
          </button>
        ) : null}
        {olderError ? (
          <p className="field-error" role="alert">
            Could not load older entries: {olderError.detail ?? olderError.title}
          </p>
        ) : null}
      </div>
    </>
  );
}

function EntryDetail({ entry }: { entry: AuditEntry }) {
  return (
    <div className="audit-detail">
      <dl className="audit-meta">
        <div>
          <dt>Entry</dt>
          <dd>#{entry.seq}</dd>
        </div>
        <div>
          <dt>Request</dt>
          <dd>{entry.requestId ? <code>{entry.requestId}</code> : '—'}</dd>
        </div>
        <div>
          <dt>Address</dt>
          <dd>{entry.address ?? '—'}</dd>
        </div>
        <div>
          <dt>Action</dt>
          <dd>{actionLabel(entry.action)}</dd>
        </div>
        <div>
          <dt>Target</dt>
          <dd>{entry.target ? <code>{entry.target}</code> : '—'}</dd>
        </div>
      </dl>
      {entry.changes.length > 0 ? (
        <table className="table audit-changes">
          <caption>What changed</caption>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Before</th>
              <th scope="col">After</th>
            </tr>
          </thead>
          <tbody>
            {entry.changes.map((c) => (
              <tr key={c.field}>
                <th scope="row">{c.field}</th>
                <td className="cell-wrap">{shown(c.before)}</td>
                <td className="cell-wrap">{shown(c.after)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <div className="json-pair">
        <Snapshot title="Before" value={entry.before} />
        <Snapshot title="After" value={entry.after} />
      </div>
    </div>
  );
}

/** A changed value as text: plain values as they are, anything else as compact JSON. */
function shown(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
}

function Snapshot({ title, value }: { title: string; value: unknown }) {
  return (
    <figure className="snapshot">
      <figcaption>{title}</figcaption>
      {value === null || value === undefined ? <p className="muted">Nothing recorded.</p> : <pre tabIndex={0}>{JSON.stringify(value, null, 2)}</pre>}
    </figure>
  );
}
