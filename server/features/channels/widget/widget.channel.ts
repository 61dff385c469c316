import type { Router } from 'express';
import type { Clock } from '../../../shared/clock.js';
import type { EventBus } from '../../../shared/events.js';
import type { ConversationLedger } from '../../conversations/conversation-ledger.js';
import type { InboxService } from '../../inbox/inbox.service.js';
import type { OutboxService } from '../../outbox/outbox.service.js';
import type { PipelineService } from '../../pipeline/pipeline.service.js';
import type { PropertyService } from '../../properties/property.service.js';
import type { ChannelBindingService } from '../channel-binding.service.js';
import { OptOuts } from '../opt-out.js';
import { widgetScript } from './widget.client.js';
import { WidgetHub } from './widget.hub.js';
import { widgetPublicRouter } from './widget.public.routes.js';
import { WidgetSender } from './widget.sender.js';
import { WidgetService, type WidgetLimits } from './widget.service.js';
import { WidgetSettingsService } from './widget-settings.service.js';

/** What the widget channel needs from the composition root. */
export interface WidgetChannelParts {
  channels: ChannelBindingService;
  properties: PropertyService;
  inbox: InboxService;
  outbox: OutboxService;
  pipeline: PipelineService;
  ledger: ConversationLedger;
  events: EventBus;
  clock: Clock;
}

/** The staff side (settings and snippet); stateless. */
export function widgetSettingsService(parts: Pick<WidgetChannelParts, 'channels' | 'properties'>, publicUrl: () => string | undefined): WidgetSettingsService {
  return new WidgetSettingsService(parts.channels, parts.properties, publicUrl);
}

/**
 * Wires the guest side of the widget into the running server once: the inbox step, the outbox
 * sender (live push), and the router for the public listener's /widget/* routes. `close` releases
 * the typing timers.
 */
export function startWidgetChannel(parts: WidgetChannelParts, opts: { limits?: Partial<WidgetLimits>; heartbeatMs?: number } = {}): { router: Router; service: WidgetService; hub: WidgetHub; close(): void } {
  const hub = new WidgetHub();
  const service = new WidgetService({
    channels: parts.channels,
    properties: parts.properties,
    inbox: parts.inbox,
    pipeline: parts.pipeline,
    optOuts: new OptOuts({ ledger: parts.ledger, clock: parts.clock }),
    hub,
    ledger: parts.ledger,
    clock: parts.clock,
    ...(opts.limits ? { limits: opts.limits } : {}),
  });
  parts.inbox.register('widget', service.handleInbound);
  parts.outbox.register(new WidgetSender(hub, parts.clock));
  const router = widgetPublicRouter({
    widget: service,
    hub,
    script: widgetScript(),
    onShutdown: (fn) => parts.events.onShutdown(fn),
    ...(opts.heartbeatMs ? { heartbeatMs: opts.heartbeatMs } : {}),
  });
  return { router, service, hub, close: () => hub.close() };
}
