import type { Router } from 'express';
import type { Config } from '../../../config/config.js';
import type { Clock } from '../../../shared/clock.js';
import type { EventBus } from '../../../shared/events.js';
import type { Logger } from '../../../shared/logger.js';
import type { ConversationLedger } from '../../conversations/conversation-ledger.js';
import type { InboxService } from '../../inbox/inbox.service.js';
import type { OutboxService } from '../../outbox/outbox.service.js';
import type { PipelineService } from '../../pipeline/pipeline.service.js';
import type { PropertyService } from '../../properties/property.service.js';
import type { ChannelBindingService } from '../channel-binding.service.js';
import { OptOuts } from '../opt-out.js';
import { EmailChannelSender } from './email.sender.js';
import { EmailChannelService } from './email.service.js';
import { emailWebhooks } from './email.webhooks.js';

/** What the email channel needs from the composition root. */
export interface EmailChannelParts {
  config: Pick<Config, 'emailApis'>;
  channels: ChannelBindingService;
  inbox: InboxService;
  outbox: OutboxService;
  pipeline: PipelineService;
  ledger: ConversationLedger;
  properties: PropertyService;
  events: EventBus;
  clock: Clock;
  log: Logger;
}

/** The email channel service (stateless: everything lives in the databases). */
export function emailChannelService(parts: EmailChannelParts, publicUrl: () => string | undefined): EmailChannelService {
  return new EmailChannelService({
    channels: parts.channels,
    inbox: parts.inbox,
    pipeline: parts.pipeline,
    optOuts: new OptOuts({ ledger: parts.ledger, clock: parts.clock }),
    scope: (propertyId) => parts.properties.scope(propertyId),
    clock: parts.clock,
    log: parts.log,
    publicUrl,
  });
}

/**
 * Wires the email channel into the running server once: the inbox step that parses stored emails,
 * the outbox sender, and the router for the public listener's /webhooks/email/* routes (the
 * provider webhooks and the one-click unsubscribe link that proactive emails carry).
 */
export function startEmailChannel(parts: EmailChannelParts, publicUrl: () => string | undefined): Router {
  const service = emailChannelService(parts, publicUrl);
  parts.inbox.register('email', service.handleInbound);
  parts.outbox.register(new EmailChannelSender({ channels: parts.channels, apiBases: parts.config.emailApis, clock: parts.clock, log: parts.log, publicUrl }));
  return emailWebhooks(service);
}
