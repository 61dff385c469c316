import { z } from 'zod';
import { route, type RouteDef } from '../../http/route.js';
import type { TunnelManager } from './tunnel.manager.js';
import { TUNNEL_PROVIDERS } from './tunnel.port.js';

export const TunnelStatusResponse = z.object({
  provider: z.enum(TUNNEL_PROVIDERS),
  state: z.enum(['starting', 'up', 'down', 'disabled']),
  url: z.string().nullable(),
  lastError: z.string().nullable(),
  restarts: z.number().int(),
  since: z.string(),
});

export function tunnelRoutes(tunnel: Pick<TunnelManager, 'status'>): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/api/v1/tunnel',
      summary: 'The tunnel to the public listener: provider, state, public URL, last error, restarts',
      tag: 'channels',
      permission: 'channels.read',
      response: TunnelStatusResponse,
      handler: () => tunnel.status(),
    }),
  ];
}
