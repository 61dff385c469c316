import { IndexStatus } from '@contract/knowledge';
import { useEffect, useState } from 'react';
import { asApiError, type ApiError } from '../../api/client';
import { useCan } from '../../app/session-gate';
import { formatPercent } from '../../shared/format';
import { useKnowledgeApi, type IndexStatus as Status } from './knowledge.api';

/**
 * The hotel's search index: which search runs (meaning and keywords, or keywords only), how much
 * of it is embedded, and a live progress bar while a re-index runs (server-sent events).
 */
export function IndexStatusPanel({ propertyId, bump }: { propertyId: string; bump: number }) {
  const api = useKnowledgeApi();
  const can = useCan();
  const [status, setStatus] = useState<Status | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setStatus(null);
    const controller = new AbortController();
    api.status(propertyId, controller.signal).then(setStatus, (err: unknown) => {
      if (!controller.signal.aborted) setError(asApiError(err));
    });
    if (typeof EventSource === 'undefined') return () => controller.abort();
    const source = new EventSource(api.progressUrl(propertyId));
    source.addEventListener('progress', (e) => {
      try {
        const parsed = IndexStatus.safeParse(JSON.parse((e as MessageEvent<string>).data));
        if (parsed.success) setStatus(parsed.data);
      } catch {
        // A malformed event is skipped; the next one carries the whole status again.
      }
    });
    return () => {
      controller.abort();
      source.close();
    };
  }, [api, propertyId, bump]);

  async function reindex() {
    setBusy(true);
    setError(null);
    try {
      setStatus(await api.reindex(propertyId));
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  if (!status) return error ? <p className="field-error">Could not read the index: {error.detail ?? error.title}</p> : <p className="muted">Reading the index…</p>;
  const indexing = status.state === 'indexing';
  const noVectors = !indexing && (status.configuredEmbedder.state === 'disabled' || status.configuredEmbedder.state === 'missing') && status.embedded === 0;
  return (
    <div className="index-status">
      <div className="index-line">
        <span className={status.mode === 'hybrid' ? 'badge badge--on' : 'badge badge--warn'}>{status.mode === 'hybrid' ? 'Meaning and keywords' : 'Keywords only'}</span>
        <span>
          {status.chunks} passages{noVectors ? '' : `, ${status.embedded} with meaning vectors (${status.configuredEmbedder.name}: ${status.configuredEmbedder.state})`}
        </span>
        {can('knowledge.write') ? (
          <button type="button" className="button button--small" disabled={busy || indexing} onClick={() => void reindex()}>
            {indexing ? 'Re-indexing…' : 'Re-index'}
          </button>
        ) : null}
      </div>
      {noVectors ? (
        <p className="field-hint">No embedder is configured on this computer, so search matches words only. Items are searchable as soon as they are saved.</p>
      ) : (
        <div className="progress-row" aria-live="polite">
          <progress className="progress" max={1} value={status.progress} aria-label="Index progress" />
          <span>{indexing ? `Indexing: ${formatPercent(status.progress)}` : status.state === 'failed' ? 'Indexing failed' : `Up to date (${formatPercent(status.progress)})`}</span>
        </div>
      )}
      {status.error ? <p className="field-error">{status.error}</p> : null}
      {error ? <p className="field-error">Could not re-index: {error.detail ?? error.title}</p> : null}
    </div>
  );
}
