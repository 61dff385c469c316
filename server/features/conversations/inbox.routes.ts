import { z } from 'zod';
import { Channel, ConversationStatus, ConversationSummary } from '../../contract/conversations.js';
import { route, type RouteDef } from '../../http/route.js';
import type { PropertyService } from '../properties/property.service.js';
import type { ConversationService } from './conversation.service.js';

const RANK: Record<string, number> = { needs_human: 0, ai: 1, human: 2, resolved: 3 };

/** The staff inbox across every hotel the user may see: needs a person first, newest first. */
export function inboxRoutes(conversations: ConversationService, properties: PropertyService, pageLimitMax: number): RouteDef[] {
  const Query = z.object({
    status: z
      .string()
      .transform((s) => s.split(','))
      .pipe(z.array(ConversationStatus))
      .optional(),
    channel: Channel.optional(),
    afterHours: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    propertyId: z.string().max(64).optional(),
    limit: z.coerce.number().int().min(1).max(pageLimitMax).default(50),
  });
  return [
    route({
      method: 'get',
      path: '/api/v1/inbox',
      summary: 'Conversations across the hotels you may see: needs a person first, then AI-handled, then staff-held, then resolved',
      tag: 'conversations',
      permission: 'conversations.read',
      query: Query,
      response: z.object({ items: z.array(ConversationSummary), unread: z.number().int(), needsHuman: z.number().int() }),
      handler: ({ query, actor }) => {
        const q = query as z.infer<typeof Query>;
        const hotels = properties.list(actor).filter((p) => !q.propertyId || p.id === q.propertyId || p.slug === q.propertyId);
        const all = hotels.flatMap((p) => conversations.list(properties.scope(p.id), { status: q.status, channel: q.channel, afterHours: q.afterHours, limit: q.limit }).items);
        all.sort((a, b) => RANK[a.status]! - RANK[b.status]! || b.lastMessageAt.localeCompare(a.lastMessageAt) || a.id.localeCompare(b.id));
        const items = all.slice(0, q.limit);
        return {
          items,
          unread: all.reduce((n, c) => n + c.unreadCount, 0),
          needsHuman: all.filter((c) => c.status === 'needs_human').length,
        };
      },
    }),
  ];
}
