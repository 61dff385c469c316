import { useCan } from '../../app/session-gate';
import { ChannelsPanel } from './channels.panel';
import { ModelStatus } from './model-status';
import { TunnelStatusView } from './tunnel-status';

/** Below a hotel's settings: its channels with webhook URLs, the tunnel, and the AI models. */
export function PropertyConnectionsPanel({ propertyId }: { propertyId: string }) {
  const can = useCan();
  return (
    <>
      {can('channels.read') ? (
        <section className="panel" aria-labelledby="settings-channels">
          <h2 id="settings-channels">Channels</h2>
          <p className="section-help">Where guests reach this hotel. Paste each webhook URL into the provider’s settings; secrets are stored encrypted and never shown again.</p>
          <ChannelsPanel propertyId={propertyId} />
        </section>
      ) : null}
      {can('channels.read') ? (
        <section className="panel" aria-labelledby="settings-tunnel">
          <h2 id="settings-tunnel">Tunnel</h2>
          <p className="section-help">How the internet reaches this computer. Only the guest-facing webhooks and the chat widget go through it; the staff app never does.</p>
          <TunnelStatusView />
        </section>
      ) : null}
      <section className="panel" aria-labelledby="settings-models">
        <h2 id="settings-models">AI models</h2>
        <ModelStatus />
      </section>
    </>
  );
}
