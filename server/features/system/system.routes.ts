import { z } from 'zod';
import { route, type RouteDef } from '../../http/route.js';
import type { ErrorRecorder } from './system.service.js';

const ErrorGroupList = z.object({
  items: z.array(
    z.object({
      fingerprint: z.string(),
      name: z.string(),
      message: z.string(),
      route: z.string().nullable(),
      count: z.number().int(),
      firstSeen: z.string(),
      lastSeen: z.string(),
    }),
  ),
});

export function systemRoutes(errors: ErrorRecorder, pageLimitMax: number, status?: () => Promise<unknown>): RouteDef[] {
  return [
    ...(status
      ? [
          route({
            method: 'get',
            path: '/api/v1/system/status',
            summary: 'Health of every part, queue depths, dead letters, grouped errors, disk use and the last backup',
            tag: 'system',
            permission: 'system.read',
            handler: () => status(),
          }),
        ]
      : []),
    route({
      method: 'get',
      path: '/api/v1/system/errors',
      summary: 'Unexpected errors grouped by fingerprint, newest first',
      tag: 'system',
      permission: 'system.read',
      query: z.object({ limit: z.coerce.number().int().min(1).max(pageLimitMax).default(50) }),
      response: ErrorGroupList,
      handler: ({ query }) => ({ items: errors.list((query as { limit: number }).limit) }),
    }),
  ];
}
