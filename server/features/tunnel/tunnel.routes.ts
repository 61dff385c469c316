import { route, type RouteDef } from '../../http/route.js';
import type { TunnelManager } from './tunnel.manager.js';
import { TunnelStatus } from '../../contract/channels.js';

export function tunnelRoutes(tunnel: Pick<TunnelManager, 'status'>): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/api/v1/tunnel',
      summary: 'The tunnel to the public listener: provider, state, public URL, last error, restarts',
      tag: 'channels',
      permission: 'channels.read',
      response: TunnelStatus,
      handler: () => tunnel.status(),
    }),
  ];
}
