import { useRef, useState } from 'react';
import { z } from 'zod';
import { InboundDeadLetter } from '@contract/conversations';
import { useApi } from '../../api/api-context';
import { asApiError, type ApiError } from '../../api/client';
import { hrefFor } from '../../app/router';
import { formatBytes, formatDateTime, formatDuration } from '../../shared/format';
import { LoadProblem } from '../../shared/load-problem';
import { Screen } from '../../shared/screen';
import { useResource } from '../../shared/use-resource';
import { useConversationsApi } from '../conversations/conversations.api';
import { ModelStatusBody } from '../settings/model-status';
import { TunnelStatusView } from '../settings/tunnel-status';

/** `GET /api/v1/system/status` (server/features/system/system-status.ts), read loosely: parts are added over time. */
const SystemStatus = z.object({
  ready: z.boolean(),
  checks: z.record(z.string(), z.object({ ok: z.boolean(), critical: z.boolean().optional(), detail: z.unknown().optional(), warning: z.string().optional() })),
  version: z.string(),
  uptimeSeconds: z.number(),
  inboundQueue: z.record(z.string(), z.number()),
  hotels: z.array(z.object({ id: z.string(), name: z.string(), aiPaused: z.boolean(), outbox: z.record(z.string(), z.number()), inboundFailed: z.number().optional(), databaseBytes: z.number() })),
  errors: z.array(z.object({ fingerprint: z.string(), name: z.string(), message: z.string(), route: z.string().nullable(), count: z.number(), firstSeen: z.string(), lastSeen: z.string() })),
  disk: z.object({ dataDir: z.string(), groupDatabaseBytes: z.number(), freeBytes: z.number(), totalBytes: z.number() }),
  lastBackup: z.object({ file: z.string(), at: z.string() }).nullable(),
});
type SystemStatus = z.infer<typeof SystemStatus>;

const CHECK_LABEL: Record<string, string> = {
  database: 'Databases',
  keys: 'Encryption keys',
  embedder: 'Embedder (meaning search)',
  llm: 'AI models',
  ai: 'AI switch',
  tunnel: 'Tunnel',
  scheduler: 'Scheduler',
  backup: 'Backups',
};

/** For admins: is every part healthy, what is queued or stuck, which errors recur, how full is the disk. */
export function SystemScreen() {
  const api = useApi();
  const [status, { reload }] = useResource((signal) => api.get('/system/status', SystemStatus, { signal, timeoutMs: 20_000 }), [api]);
  return (
    <Screen
      title="System"
      subtitle="The health of this appliance. Nothing here is guest data."
      actions={
        <button type="button" className="button" onClick={reload} disabled={status.status === 'loading'}>
          Check again
        </button>
      }
    >
      {status.status === 'loading' ? <p className="muted">Checking every part…</p> : null}
      {status.status === 'error' ? <LoadProblem error={status.error} what="the system status" denied="The system screen is for administrators." onRetry={reload} /> : null}
      {status.status === 'ready' ? <SystemBody status={status.data} /> : null}
    </Screen>
  );
}

function detailText(detail: unknown): string {
  if (detail === undefined || detail === null) return '';
  if (typeof detail === 'string') return detail;
  if (typeof detail !== 'object') return String(detail);
  return Object.entries(detail as Record<string, unknown>)
    .filter(([k]) => k !== 'providers')
    .map(([k, v]) => `${k}: ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`)
    .join(' · ');
}

function SystemBody({ status: s }: { status: SystemStatus }) {
  const used = s.disk.totalBytes - s.disk.freeBytes;
  const lowDisk = s.disk.totalBytes > 0 && s.disk.freeBytes / s.disk.totalBytes < 0.1;
  const warnings = Object.entries(s.checks).filter(([, c]) => c.warning);
  return (
    <>
      {warnings.map(([name, c]) => (
        <div key={name} className="alert alert--warn" role="alert">
          <p className="alert-title">{name === 'keys' ? 'Action needed: set a real master key' : `${CHECK_LABEL[name] ?? name}: action needed`}</p>
          <p>{c.warning}</p>
        </div>
      ))}
      <section className="panel" aria-labelledby="sys-health">
        <h2 id="sys-health">
          Health <span className={s.ready ? 'badge badge--on' : 'badge badge--bad'}>{s.ready ? 'Ready' : 'Not ready'}</span>
        </h2>
        <p className="section-help">
          Version {s.version}, running for {formatDuration(s.uptimeSeconds * 1000)}.
        </p>
        <table className="table">
          <caption className="visually-hidden">Health of each part</caption>
          <thead>
            <tr>
              <th scope="col">Part</th>
              <th scope="col">State</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(s.checks).map(([name, c]) => (
              <tr key={name}>
                <th scope="row">{CHECK_LABEL[name] ?? name}</th>
                <td>
                  <span className={c.ok && !c.warning ? 'badge badge--on' : c.ok || !c.critical ? 'badge badge--warn' : 'badge badge--bad'}>
                    {c.ok ? (c.warning ? 'Needs action' : 'OK') : c.critical ? 'Failing' : 'Degraded'}
                  </span>
                </td>
                <td className="cell-wrap">{detailText(c.detail)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <h3 className="wizard-sub">AI models</h3>
        <ModelStatusBody ready={{ ready: s.ready, checks: s.checks }} />
      </section>

      <section className="panel" aria-labelledby="sys-tunnel">
        <h2 id="sys-tunnel">Tunnel</h2>
        <TunnelStatusView />
      </section>

      <section className="panel" aria-labelledby="sys-queues">
        <h2 id="sys-queues">Queues</h2>
        <p className="section-help">
          Incoming events: {Object.keys(s.inboundQueue).length === 0 ? 'none stored' : Object.entries(s.inboundQueue).map(([k, v]) => `${v} ${k}`).join(', ')}.
        </p>
        {s.hotels.length === 0 ? (
          <p className="muted">No hotels yet.</p>
        ) : (
          <table className="table">
            <caption className="visually-hidden">Outgoing messages per hotel</caption>
            <thead>
              <tr>
                <th scope="col">Hotel</th>
                <th scope="col">Waiting to send</th>
                <th scope="col">Held (quiet hours)</th>
                <th scope="col">Not delivered</th>
                <th scope="col">Not processed</th>
                <th scope="col">Sent</th>
                <th scope="col">Database</th>
              </tr>
            </thead>
            <tbody>
              {s.hotels.map((h) => {
                const dead = (h.outbox.dead ?? 0) + (h.outbox.blocked ?? 0);
                return (
                  <tr key={h.id}>
                    <th scope="row">
                      <a href={hrefFor({ screen: 'property', id: h.id })}>{h.name}</a>
                      {h.aiPaused ? <span className="badge badge--paused"> AI paused</span> : null}
                    </th>
                    <td>{(h.outbox.pending ?? 0) + (h.outbox.sending ?? 0)}</td>
                    <td>{h.outbox.held ?? 0}</td>
                    <td>{dead > 0 ? <DeadLetters propertyId={h.id} count={dead} hotelName={h.name} /> : 0}</td>
                    <td>{h.inboundFailed ? <InboundDeadLetters propertyId={h.id} count={h.inboundFailed} hotelName={h.name} /> : 0}</td>
                    <td>{h.outbox.sent ?? 0}</td>
                    <td>{formatBytes(h.databaseBytes)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>

      <section className="panel" aria-labelledby="sys-errors">
        <h2 id="sys-errors">Unexpected errors</h2>
        {s.errors.length === 0 ? (
          <p className="muted">None recorded.</p>
        ) : (
          <table className="table">
            <caption className="visually-hidden">Unexpected errors, grouped</caption>
            <thead>
              <tr>
                <th scope="col">Error</th>
                <th scope="col">Where</th>
                <th scope="col">Times</th>
                <th scope="col">Last seen</th>
              </tr>
            </thead>
            <tbody>
              {s.errors.map((e) => (
                <tr key={e.fingerprint}>
                  <td className="cell-wrap">
                    <strong>{e.name}</strong>: {e.message}
                  </td>
                  <td>{e.route ?? '—'}</td>
                  <td>{e.count}</td>
                  <td className="nowrap">{formatDateTime(e.lastSeen)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="panel" aria-labelledby="sys-disk">
        <h2 id="sys-disk">Disk and backups</h2>
        <dl className="status-list">
          <div>
            <dt>Data folder</dt>
            <dd>
              <code>{s.disk.dataDir}</code>
            </dd>
          </div>
          <div>
            <dt>Disk</dt>
            <dd>
              {formatBytes(used)} used of {formatBytes(s.disk.totalBytes)}, {formatBytes(s.disk.freeBytes)} free
              {lowDisk ? <span className="badge badge--bad"> Low</span> : null}
            </dd>
          </div>
          <div>
            <dt>Group database</dt>
            <dd>{formatBytes(s.disk.groupDatabaseBytes)}</dd>
          </div>
          <div>
            <dt>Last backup</dt>
            <dd>{s.lastBackup ? `${formatDateTime(s.lastBackup.at)} (${s.lastBackup.file})` : <span className="badge badge--warn">No backup yet</span>}</dd>
          </div>
        </dl>
      </section>
    </>
  );
}

const InboundDeadLetterList = z.object({ items: z.array(InboundDeadLetter) });

/** One message that could not be processed or delivered, as the dead-letter list shows it. */
interface DeadLetterRow {
  id: string | number;
  at: string;
  source: string;
  attempts: number;
  reason: string;
}

/**
 * A hotel's dead letters behind a Show button, each with its reason and a Retry. `what` names them
 * ("undelivered messages", "incoming messages not processed"); `load` and `retry` reach the server.
 */
function DeadLetterList({ hotelId, count, hotelName, what, load, retry }: { hotelId: string; count: number; hotelName: string; what: string; load: (signal: AbortSignal) => Promise<DeadLetterRow[]>; retry: (id: DeadLetterRow['id']) => Promise<unknown> }) {
  const [open, setOpen] = useState(false);
  const loadRef = useRef(load);
  loadRef.current = load;
  const [letters, { reload }] = useResource((signal) => (open ? loadRef.current(signal) : Promise.resolve([])), [hotelId, open]);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<ReadonlySet<DeadLetterRow['id']>>(new Set());
  return (
    <div className="dead-letters">
      <button type="button" className="button button--small" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        {count}
        <span className="visually-hidden">
          {' '}
          {what} at {hotelName}
        </span>{' '}
        {open ? 'Hide' : 'Show'}
      </button>
      {open && letters.status === 'ready' ? (
        <ul className="dead-list">
          {letters.data.map((l) => (
            <li key={l.id}>
              <span className="muted">
                {formatDateTime(l.at)} · {l.source} · {l.attempts} attempts
              </span>
              <span className="cell-wrap">{l.reason}</span>
              {done.has(l.id) ? (
                <span className="muted">Queued again</span>
              ) : (
                <button
                  type="button"
                  className="button button--small"
                  onClick={() => {
                    setError(null);
                    retry(l.id).then(
                      () => setDone((d) => new Set([...d, l.id])),
                      (err: unknown) => setError(asApiError(err)),
                    );
                  }}
                >
                  Retry
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : null}
      {open && letters.status === 'error' ? <LoadProblem error={letters.error} what={`the ${what}`} denied="" onRetry={reload} /> : null}
      {error ? <p className="field-error">{error.detail ?? error.title}</p> : null}
    </div>
  );
}

/** Incoming webhooks that could not be processed (over their time budget, out of attempts, cut short by restarts), with the reason. */
function InboundDeadLetters({ propertyId, count, hotelName }: { propertyId: string; count: number; hotelName: string }) {
  const api = useApi();
  const base = `/properties/${encodeURIComponent(propertyId)}/inbound/dead-letters`;
  return (
    <DeadLetterList
      hotelId={propertyId}
      count={count}
      hotelName={hotelName}
      what="incoming messages not processed"
      load={async (signal) =>
        (await api.get(`${base}?limit=50`, InboundDeadLetterList, { signal })).items.map((l) => ({ id: l.id, at: l.receivedAt, source: l.provider, attempts: l.attempts, reason: l.reason ?? 'failed' }))
      }
      retry={(id) => api.postEmpty(`${base}/${id}/retry`)}
    />
  );
}

/** Replies the outbox could not deliver, with the last error. */
function DeadLetters({ propertyId, count, hotelName }: { propertyId: string; count: number; hotelName: string }) {
  const api = useConversationsApi();
  return (
    <DeadLetterList
      hotelId={propertyId}
      count={count}
      hotelName={hotelName}
      what="undelivered messages"
      load={async (signal) => (await api.deadLetters(propertyId, signal)).map((l) => ({ id: l.id, at: l.createdAt, source: l.channel, attempts: l.attempts, reason: l.lastError ?? l.status }))}
      retry={(id) => api.retry(propertyId, String(id))}
    />
  );
}
