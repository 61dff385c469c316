import { route, type RouteDef } from '../../../http/route.js';
import { PutWidgetChannel, WidgetChannelView } from './widget.schemas.js';
import type { WidgetSettingsService } from './widget-settings.service.js';

/** Staff API for the website widget: allowed origins, texts, and the snippet to paste into the hotel's site. */
export function widgetRoutes(widget: WidgetSettingsService): RouteDef[] {
  return [
    route({
      method: 'put',
      path: '/api/v1/properties/:id/channels/widget',
      summary: "Set up the hotel's website chat widget: allowed origins (https, exact, no wildcards), texts; answers with the widget key and the script snippet",
      tag: 'channels',
      permission: 'channels.write',
      body: PutWidgetChannel,
      response: WidgetChannelView,
      handler: ({ params, body, actor }) => widget.configure(params.id!, body as PutWidgetChannel, actor),
    }),
    route({
      method: 'get',
      path: '/api/v1/properties/:id/channels/widget',
      summary: "The hotel's website chat widget: key, allowed origins and the script snippet",
      tag: 'channels',
      permission: 'channels.read',
      response: WidgetChannelView,
      handler: ({ params }) => widget.describe(params.id!),
    }),
  ];
}
