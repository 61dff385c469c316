import { z } from 'zod';
import { InboundDeadLetter } from '../../contract/conversations.js';
import { route, type RouteDef } from '../../http/route.js';
import { ConflictError } from '../../shared/errors.js';
import type { PropertyService } from '../properties/property.service.js';
import type { InboundQueue } from './inbound-queue.service.js';

/** Staff's view of a hotel's inbound events that failed for good, and the way to send one back. */
export function inboundDeadLetterRoutes(inboundQueue: InboundQueue, properties: PropertyService, pageLimitMax: number): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/api/v1/properties/:id/inbound/dead-letters',
      summary: 'Inbound events (webhooks) that could not be processed, with the reason, newest first',
      tag: 'inbound',
      permission: 'conversations.read',
      query: z.object({ limit: z.coerce.number().int().min(1).max(pageLimitMax).default(50) }),
      response: z.object({ items: z.array(InboundDeadLetter) }),
      handler: ({ params, query }) => ({ items: inboundQueue.deadLetters(properties.get(params.id!).id, (query as { limit: number }).limit) }),
    }),
    route({
      method: 'post',
      path: '/api/v1/properties/:id/inbound/dead-letters/:eventId/retry',
      summary: 'Process a failed inbound event again',
      tag: 'inbound',
      permission: 'conversations.write',
      handler: ({ params }) => {
        const eventId = Number(params.eventId);
        if (!Number.isSafeInteger(eventId) || !inboundQueue.requeue(properties.get(params.id!).id, eventId)) throw new ConflictError('Only a failed event that still holds its payload can be processed again');
        return undefined;
      },
    }),
  ];
}
