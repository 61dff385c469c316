import { z } from 'zod';
import { LoadProblem } from '../../shared/load-problem';
import { useResource } from '../../shared/use-resource';
import { LlmProviderHealth, useSettingsApi, type Readiness } from './settings.api';

const EmbedderDetail = z.object({ search: z.string().optional(), embedder: z.string().optional(), state: z.string().optional(), reason: z.string().optional() }).partial();

/** Is the local model (Ollama) reachable, which model, is a cloud fallback set up, and how does search work. */
export function ModelStatus() {
  const api = useSettingsApi();
  const [ready, { reload }] = useResource((signal) => api.ready(signal), [api]);
  if (ready.status === 'loading') return <p className="muted">Checking the models…</p>;
  if (ready.status === 'error') return <LoadProblem error={ready.error} what="the model status" denied="" onRetry={reload} />;
  return (
    <>
      <ModelStatusBody ready={ready.data} />
      <button type="button" className="button button--small" onClick={reload}>
        Check again
      </button>
    </>
  );
}

export function ModelStatusBody({ ready }: { ready: Readiness }) {
  const llm = ready.checks.llm;
  const providers = z.object({ providers: z.array(LlmProviderHealth) }).safeParse(llm?.detail);
  const list = providers.success ? providers.data.providers : [];
  const local = list.find((p) => p.provider === 'ollama');
  const cloud = list.filter((p) => p.provider !== 'ollama');
  const embedder = EmbedderDetail.safeParse(ready.checks.embedder?.detail);
  const emb = embedder.success ? embedder.data : {};
  return (
    <dl className="status-list">
      <div>
        <dt>Local AI model (Ollama)</dt>
        <dd>
          {local ? (
            <>
              <span className={local.ok ? 'badge badge--on' : 'badge badge--bad'}>{local.ok ? 'Reachable' : 'Not reachable'}</span> <code>{local.model}</code>
              {!local.ok && local.detail ? <span className="status-detail">{local.detail}</span> : null}
            </>
          ) : (
            <span className="badge badge--off">Not configured</span>
          )}
        </dd>
      </div>
      <div>
        <dt>Cloud fallback</dt>
        <dd>
          {cloud.length === 0 ? (
            <>
              <span className="badge badge--off">Not configured</span>
              <span className="status-detail">Without a reachable model the assistant answers from the knowledge base or hands the guest to staff.</span>
            </>
          ) : (
            cloud.map((c) => (
              <span key={c.provider + c.model} className="status-line">
                <span className={c.ok ? 'badge badge--on' : 'badge badge--bad'}>{c.ok ? 'Configured' : 'Failing'}</span> {c.provider} <code>{c.model}</code>
                {!c.ok && c.detail ? <span className="status-detail">{c.detail}</span> : null}
              </span>
            ))
          )}
        </dd>
      </div>
      <div>
        <dt>Knowledge search</dt>
        <dd>
          <span className={ready.checks.embedder?.ok ? 'badge badge--on' : 'badge badge--warn'}>{emb.search === 'hybrid' ? 'Meaning and keywords' : 'Keywords only'}</span>{' '}
          {emb.embedder ? <code>{emb.embedder}</code> : null} {emb.state && emb.state !== 'ready' ? <span className="status-detail">Embedder {emb.state}{emb.reason ? `: ${emb.reason}` : ''}</span> : null}
        </dd>
      </div>
    </dl>
  );
}
