import { NewSavedReply, SavedReply, SavedReplyList, UpdateSavedReply } from '../../contract/saved-replies.js';
import { route, type RouteDef } from '../../http/route.js';
import type { PropertyService } from '../properties/property.service.js';
import type { SavedReplyService } from './saved-reply.service.js';

export function savedReplyRoutes(replies: SavedReplyService, properties: PropertyService): RouteDef[] {
  const scope = (params: Record<string, string>) => properties.scope(params.id!);
  const base = '/api/v1/properties/:id/saved-replies';
  return [
    route({
      method: 'get',
      path: base,
      summary: "The hotel's saved replies, by shortcut (with {placeholders} to fill from the conversation)",
      tag: 'conversations',
      permission: 'conversations.read',
      response: SavedReplyList,
      handler: ({ params }) => ({ items: replies.list(scope(params)) }),
    }),
    route({
      method: 'post',
      path: base,
      summary: 'Add a saved reply for the whole hotel team',
      tag: 'conversations',
      permission: 'saved_replies.write',
      body: NewSavedReply,
      response: SavedReply,
      status: 201,
      handler: ({ params, body, actor }) => replies.create(scope(params), body as { shortcut: string; text: string }, actor),
    }),
    route({
      method: 'patch',
      path: `${base}/:replyId`,
      summary: "Change a saved reply's shortcut or text",
      tag: 'conversations',
      permission: 'saved_replies.write',
      body: UpdateSavedReply,
      response: SavedReply,
      handler: ({ params, body, actor }) => replies.update(scope(params), params.replyId!, body as { shortcut?: string; text?: string }, actor),
    }),
    route({
      method: 'delete',
      path: `${base}/:replyId`,
      summary: 'Remove a saved reply',
      tag: 'conversations',
      permission: 'saved_replies.write',
      handler: ({ params, actor }) => {
        replies.delete(scope(params), params.replyId!, actor);
        return undefined;
      },
    }),
  ];
}
