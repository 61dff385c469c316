import { z } from 'zod';
import {
  AssignRequest,
  Channel,
  ConversationDetail,
  ConversationNote,
  ConversationPage,
  ConversationStatus,
  ConversationSummary,
  HandoffRequest,
  Lead,
  LeadIntent,
  LeadKind,
  LeadPage,
  LeadStatus,
  Message,
  NewConversationNote,
  StaffReply,
  UpdateLead,
} from '../../contract/conversations.js';
import { route, type RouteDef } from '../../http/route.js';
import type { LeadService } from '../leads/lead.service.js';
import type { PropertyService } from '../properties/property.service.js';
import type { ConversationService } from './conversation.service.js';

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

/** Media types a browser plays or shows itself without running anything. */
const INLINE_MEDIA = /^(image\/(jpeg|png|webp|gif)|audio\/(ogg|mpeg|mp4|aac|amr|webm)|video\/(mp4|3gpp|webm))$/;

export function conversationRoutes(
  conversations: ConversationService,
  leads: LeadService,
  properties: PropertyService,
  userExists: (id: string) => boolean,
  pageLimitMax: number,
): RouteDef[] {
  const scope = (params: Record<string, string>) => properties.scope(params.id!);
  const ListQuery = z.object({
    status: z
      .string()
      .transform((s) => s.split(','))
      .pipe(z.array(ConversationStatus))
      .optional(),
    channel: Channel.optional(),
    afterHours: bool.optional(),
    cursor: z.string().max(500).optional(),
    limit: z.coerce.number().int().min(1).max(pageLimitMax).default(50),
  });
  const LeadQuery = z.object({
    status: LeadStatus.optional(),
    intent: LeadIntent.optional(),
    afterHours: bool.optional(),
    kind: LeadKind.optional(),
    from: z.iso.datetime().optional(),
    to: z.iso.datetime().optional(),
    cursor: z.string().max(500).optional(),
    limit: z.coerce.number().int().min(1).max(pageLimitMax).default(50),
  });
  const base = '/api/v1/properties/:id/conversations';
  const one = `${base}/:conversationId`;
  const action = (path: string, summary: string, handler: RouteDef['handler'], body?: z.ZodType) =>
    route({ method: 'post', path: `${one}/${path}`, summary, tag: 'conversations', permission: 'conversations.write', response: ConversationSummary, ...(body ? { body } : {}), handler });
  return [
    route({
      method: 'get',
      path: base,
      summary: "A hotel's conversations: needs a person first, then AI-handled, then staff-held, then resolved",
      tag: 'conversations',
      permission: 'conversations.read',
      query: ListQuery,
      response: ConversationPage,
      handler: ({ params, query }) => conversations.list(scope(params), query as z.infer<typeof ListQuery>),
    }),
    route({
      method: 'get',
      path: one,
      summary: 'One conversation with its transcript (marks it read)',
      tag: 'conversations',
      permission: 'conversations.read',
      response: ConversationDetail,
      handler: ({ params }) => conversations.get(scope(params), params.conversationId!),
    }),
    route({
      method: 'get',
      path: `${one}/messages/:messageId/media`,
      summary: 'The file a guest sent with a message (voice note, photo, video, document), as sent',
      tag: 'conversations',
      permission: 'conversations.read',
      handler: ({ params, res }) => {
        const file = conversations.media(scope(params), params.conversationId!, params.messageId!);
        // Played or shown in the page only for types browsers render safely; anything else downloads.
        const inline = INLINE_MEDIA.test(file.mimeType);
        res.status(200).set({
          'Content-Type': file.mimeType,
          'Content-Length': String(file.bytes.length),
          'Content-Disposition': inline ? 'inline' : 'attachment',
          'Cache-Control': 'private, no-store',
          'X-Content-Type-Options': 'nosniff',
          'Content-Security-Policy': "default-src 'none'; sandbox",
        });
        res.end(file.bytes);
      },
    }),
    route({
      method: 'post',
      path: `${one}/reveal`,
      summary: "Reveal the guest's contact details (audited)",
      tag: 'conversations',
      permission: 'guests.reveal',
      response: z.object({ name: z.string().nullable(), phone: z.string().nullable(), email: z.string().nullable() }),
      handler: ({ params, actor }) => conversations.revealContact(scope(params), params.conversationId!, actor),
    }),
    action('take-over', 'Take the conversation over from the AI; returns the AI suggestion as a draft', ({ params, actor }) =>
      conversations.takeOver(scope(params), params.conversationId!, actor),
    ),
    action('hand-back', 'Hand the conversation back to the AI', ({ params, actor }) => conversations.handBack(scope(params), params.conversationId!, actor)),
    action(
      'hand-off',
      'Mark the conversation as needing a person',
      ({ params, body, actor }) => conversations.handOff(scope(params), params.conversationId!, actor, (body as { reason?: string } | undefined)?.reason),
      HandoffRequest,
    ),
    action('resolve', 'Resolve the conversation', ({ params, actor }) => conversations.resolve(scope(params), params.conversationId!, actor)),
    action(
      'assign',
      'Assign the conversation to a staff member (or nobody)',
      ({ params, body, actor }) => conversations.assign(scope(params), params.conversationId!, (body as { userId: string | null }).userId, actor, userExists),
      AssignRequest,
    ),
    route({
      method: 'post',
      path: `${one}/messages`,
      summary: 'Reply to the guest as staff (takes the conversation over)',
      tag: 'conversations',
      permission: 'conversations.write',
      body: StaffReply,
      response: Message,
      status: 201,
      handler: ({ params, body, actor }) => conversations.reply(scope(params), params.conversationId!, (body as { text: string }).text, actor),
    }),
    route({
      method: 'post',
      path: `${one}/notes`,
      summary: 'Leave an internal note on the conversation for the hotel staff (never sent to the guest)',
      tag: 'conversations',
      permission: 'conversations.write',
      body: NewConversationNote,
      response: ConversationNote,
      status: 201,
      handler: ({ params, body, actor }) => conversations.addNote(scope(params), params.conversationId!, (body as { text: string }).text, actor),
    }),
    route({
      method: 'get',
      path: '/api/v1/properties/:id/leads',
      summary: "A hotel's leads, newest first",
      tag: 'leads',
      permission: 'leads.read',
      query: LeadQuery,
      response: LeadPage,
      handler: ({ params, query }) => leads.list(scope(params), query as z.infer<typeof LeadQuery>),
    }),
    route({
      method: 'get',
      path: '/api/v1/properties/:id/leads/:leadId',
      summary: 'One lead',
      tag: 'leads',
      permission: 'leads.read',
      response: Lead,
      handler: ({ params }) => leads.get(scope(params), params.leadId!),
    }),
    route({
      method: 'patch',
      path: '/api/v1/properties/:id/leads/:leadId',
      summary: 'Update a lead: status (contacted, converted with booking value, lost), intent, notes',
      tag: 'leads',
      permission: 'leads.write',
      body: UpdateLead,
      response: Lead,
      handler: ({ params, body, actor }) => leads.update(scope(params), params.leadId!, body, actor),
    }),
  ];
}
