import { route, type RouteDef } from '../../../http/route.js';
import type { PropertyService } from '../../properties/property.service.js';
import { EmailChannelInput, EmailChannelView } from './email.schemas.js';
import type { EmailChannelService } from './email.service.js';

export function emailRoutes(email: EmailChannelService, properties: PropertyService): RouteDef[] {
  return [
    route({
      method: 'put',
      path: '/api/v1/properties/:id/channels/email',
      summary: "Set up the hotel's email channel: provider, inbound address, webhook secrets and how replies are sent (secrets are never returned)",
      tag: 'channels',
      permission: 'channels.write',
      body: EmailChannelInput,
      response: EmailChannelView,
      handler: ({ params, body, actor }) => email.configure(properties.get(params.id!).id, body as EmailChannelInput, actor),
    }),
    route({
      method: 'get',
      path: '/api/v1/properties/:id/channels/email',
      summary: "The hotel's email channel settings and the webhook URL to paste into the provider (no secrets)",
      tag: 'channels',
      permission: 'channels.read',
      response: EmailChannelView,
      handler: ({ params }) => email.view(properties.get(params.id!).id),
    }),
  ];
}
