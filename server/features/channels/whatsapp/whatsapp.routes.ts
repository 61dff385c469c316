import { ChannelSummary } from '../../../contract/channels.js';
import { route, type RouteDef } from '../../../http/route.js';
import { channelSummary, webhookUrl } from '../channel.routes.js';
import { WhatsAppChannelInput } from './whatsapp.schemas.js';
import type { WhatsAppService } from './whatsapp.service.js';
import { WHATSAPP_WEBHOOK_PATH } from './whatsapp.webhook.js';

/** Staff API for WhatsApp: connect a hotel to its Cloud API phone number. */
export function whatsAppRoutes(whatsapp: WhatsAppService, publicUrl: () => string | undefined): RouteDef[] {
  return [
    route({
      method: 'put',
      path: '/api/v1/properties/:id/channels/whatsapp',
      summary: 'Connect the hotel to a WhatsApp Cloud API phone number (secrets left out keep their stored value)',
      tag: 'channels',
      permission: 'channels.write',
      body: WhatsAppChannelInput,
      response: ChannelSummary,
      handler: ({ params, body, actor }) => channelSummary('whatsapp', whatsapp.configure(params.id!, body as WhatsAppChannelInput, actor), webhookUrl(publicUrl(), WHATSAPP_WEBHOOK_PATH)),
    }),
  ];
}
