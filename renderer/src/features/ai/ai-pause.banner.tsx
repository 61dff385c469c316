import type { Permission } from '@contract/permissions';
import { useState } from 'react';
import { asApiError, type ApiError } from '../../api/client';
import { useCan } from '../../app/session-gate';
import { formatDateTime } from '../../shared/format';
import { useAiApi, type AiScope } from './ai.api';
import { useAiStatus, type PausedScope } from './ai-status';

const scopeKey = (scope: AiScope) => (scope.kind === 'group' ? 'group' : scope.id);

export function permissionFor(scope: AiScope): Permission {
  return scope.kind === 'group' ? 'ai.pause_group' : 'ai.pause';
}

/** Across the top of every screen while the AI is paused anywhere the user can see. */
export function AiPauseBanner() {
  const { paused } = useAiStatus();
  if (paused.length === 0) return null;
  return (
    <section className="ai-banner" aria-label="AI paused">
      <ul>
        {paused.map((p) => (
          <PausedLine key={scopeKey(p.scope)} paused={p} />
        ))}
      </ul>
    </section>
  );
}

function PausedLine({ paused }: { paused: PausedScope }) {
  const ai = useAiApi();
  const { changed } = useAiStatus();
  const can = useCan();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  async function resume() {
    setBusy(true);
    setError(null);
    try {
      await ai.set(paused.scope, false);
      changed();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <li className="ai-banner-line">
      <div className="ai-banner-text">
        <p>
          <strong>AI paused for {paused.name}</strong> — guests’ messages are stored but not answered automatically.
        </p>
        <p className="ai-banner-meta">
          {paused.reason ? <>Reason: {paused.reason}. </> : null}
          {paused.changedAt ? <>Since {formatDateTime(paused.changedAt)}.</> : null}
        </p>
        {error ? (
          <p className="ai-banner-error" role="alert">
            Could not resume: {error.detail ?? error.title}
          </p>
        ) : null}
      </div>
      {can(permissionFor(paused.scope)) ? (
        <button type="button" className="button button--banner" disabled={busy} onClick={() => void resume()}>
          {busy ? 'Resuming…' : 'Resume AI'}
          <span className="visually-hidden"> for {paused.name}</span>
        </button>
      ) : null}
    </li>
  );
}
