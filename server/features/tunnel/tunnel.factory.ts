import type { TunnelConfig } from '../../config/config.js';
import type { Logger } from '../../shared/logger.js';
import { CloudflaredProvider } from './cloudflared.adapter.js';
import { CommandProvider } from './command.adapter.js';
import { ManualProvider } from './manual.adapter.js';
import { NgrokProvider } from './ngrok.adapter.js';
import type { TunnelProvider } from './tunnel.port.js';

/** The configured provider, or null for none. Config validation has already checked the combinations. */
export function createTunnelProvider(config: TunnelConfig, log: Logger): TunnelProvider | null {
  const onLine = (line: string) => log.debug({ tunnel: config.provider, line }, 'tunnel output');
  switch (config.provider) {
    case 'none':
      return null;
    case 'cloudflared':
      return new CloudflaredProvider({ onLine });
    case 'ngrok':
      return new NgrokProvider({ onDisconnect: (detail) => log.warn({ tunnel: 'ngrok', detail }, 'ngrok session disconnected; the SDK reconnects') });
    case 'command':
      return new CommandProvider({ commandLine: config.command ?? '', urlPattern: config.urlPattern, onLine });
    case 'manual':
      return new ManualProvider(config.publicUrl ?? '');
  }
}
