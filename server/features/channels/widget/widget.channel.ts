import type { ChannelDeps, GuestChannel } from '../channel.js';
import { OptOuts } from '../opt-out.js';
import { widgetScript } from './widget.client.js';
import { WidgetHub } from './widget.hub.js';
import { widgetPublicRouter } from './widget.public.routes.js';
import { widgetRoutes } from './widget.routes.js';
import { WidgetSender } from './widget.sender.js';
import { WidgetService, type WidgetLimits } from './widget.service.js';
import { WidgetSettingsService } from './widget-settings.service.js';

/**
 * The website chat widget: the script and guest API on the public listener (/widget/*), the inbound queue
 * step, the sender (live push to the open chat), and the staff settings and snippet. `close`
 * releases the typing timers.
 */
export function widgetChannel(deps: ChannelDeps, opts: { limits?: Partial<WidgetLimits>; heartbeatMs?: number } = {}): GuestChannel {
  const { clock, events } = deps;
  const hub = new WidgetHub();
  const service = new WidgetService({
    channels: deps.channels,
    properties: deps.properties,
    inboundQueue: deps.inboundQueue,
    pipeline: deps.pipeline,
    optOuts: new OptOuts({ ledger: deps.ledger, clock }),
    hub,
    ledger: deps.ledger,
    clock,
    ...(opts.limits ? { limits: opts.limits } : {}),
  });
  return {
    name: 'widget',
    inbound: service.handleInbound,
    sender: new WidgetSender(hub, clock),
    routes: widgetRoutes(new WidgetSettingsService(deps.channels, deps.properties, deps.publicUrl)),
    publicRouter: widgetPublicRouter({
      widget: service,
      hub,
      script: widgetScript(),
      onShutdown: (fn) => events.onShutdown(fn),
      ...(opts.heartbeatMs ? { heartbeatMs: opts.heartbeatMs } : {}),
    }),
    close: () => hub.close(),
  };
}
