import { formatDateTime } from '../../shared/format';
import { LoadProblem } from '../../shared/load-problem';
import { useResource } from '../../shared/use-resource';
import type { TunnelStatus as Tunnel } from '@contract/channels';
import { useSettingsApi } from './settings.api';

const STATE_LABEL: Record<Tunnel['state'], string> = { up: 'Connected', starting: 'Starting', down: 'Down', disabled: 'Not set up' };
const STATE_BADGE: Record<Tunnel['state'], string> = { up: 'badge badge--on', starting: 'badge badge--warn', down: 'badge badge--bad', disabled: 'badge badge--off' };

/** The tunnel that brings WhatsApp, email and widget traffic to this computer. */
export function TunnelStatusView() {
  const api = useSettingsApi();
  const [tunnel, { reload }] = useResource((signal) => api.tunnel(signal), [api]);
  if (tunnel.status === 'loading') return <p className="muted">Checking the tunnel…</p>;
  if (tunnel.status === 'error') {
    if (tunnel.error.status === 404) return <p className="muted">This version has no tunnel manager; set the public address with NOCTURN_PUBLIC_URL.</p>;
    return <LoadProblem error={tunnel.error} what="the tunnel status" denied="Managers and admins can see the tunnel." onRetry={reload} />;
  }
  const t = tunnel.data;
  return (
    <div className="tunnel">
      <dl className="status-list">
        <div>
          <dt>Tunnel</dt>
          <dd>
            <span className={STATE_BADGE[t.state]}>{STATE_LABEL[t.state]}</span> {t.provider !== 'none' ? <span>via {t.provider}</span> : null}{' '}
            <span className="muted">since {formatDateTime(t.since)}</span>
          </dd>
        </div>
        <div>
          <dt>Public address</dt>
          <dd>{t.url ? <code>{t.url}</code> : <span className="muted">None yet: guests’ messages cannot reach this computer from the internet.</span>}</dd>
        </div>
        {t.lastError ? (
          <div>
            <dt>Last error</dt>
            <dd className="status-detail">{t.lastError}</dd>
          </div>
        ) : null}
        {t.restarts > 0 ? (
          <div>
            <dt>Restarts</dt>
            <dd>{t.restarts}</dd>
          </div>
        ) : null}
      </dl>
      {t.state === 'disabled' ? (
        <p className="field-hint">
          Choose a tunnel with <code>NOCTURN_TUNNEL_PROVIDER</code> (cloudflared, ngrok, a custom command, or manual for your own reverse proxy) and restart Nocturn.
        </p>
      ) : null}
      <button type="button" className="button button--small" onClick={reload}>
        Check again
      </button>
    </div>
  );
}
