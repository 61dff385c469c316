import { z } from 'zod';
import { DeadLetter } from '../../contract/conversations.js';
import { route, type RouteDef } from '../../http/route.js';
import type { PropertyService } from '../properties/property.service.js';
import type { OutboxService } from './outbox.service.js';

const DeadLetterList = z.object({ items: z.array(DeadLetter) });

export function outboxRoutes(outbox: OutboxService, properties: PropertyService, pageLimitMax: number): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/api/v1/properties/:id/outbox/dead-letters',
      summary: 'Outbound messages that could not be delivered (or were blocked), newest first',
      tag: 'outbox',
      permission: 'conversations.read',
      query: z.object({ limit: z.coerce.number().int().min(1).max(pageLimitMax).default(50) }),
      response: DeadLetterList,
      handler: ({ params, query }) => ({ items: outbox.deadLetters(properties.scope(params.id!), (query as { limit: number }).limit) }),
    }),
    route({
      method: 'post',
      path: '/api/v1/properties/:id/outbox/:outboxId/retry',
      summary: 'Send a dead, blocked or held message again',
      tag: 'outbox',
      permission: 'conversations.write',
      handler: ({ params, actor }) => {
        outbox.retry(properties.scope(params.id!), params.outboxId!, actor);
        return undefined;
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/properties/:id/conversations/:conversationId/follow-up',
      summary: 'Send a proactive follow-up; held in quiet hours and refused to opted-out guests unless overridden (audited)',
      tag: 'outbox',
      permission: 'conversations.write',
      body: z.object({ text: z.string().trim().min(1).max(4000), override: z.boolean().default(false) }).strict(),
      response: z.object({ outboxId: z.string(), status: z.enum(['pending', 'held']) }),
      status: 202,
      handler: ({ params, body, actor }) => {
        const b = body as { text: string; override: boolean };
        return outbox.sendProactive(properties.scope(params.id!), params.conversationId!, b.text, actor, b.override);
      },
    }),
  ];
}
