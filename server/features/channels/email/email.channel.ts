import type { ChannelDeps, GuestChannel } from '../channel.js';
import { OptOuts } from '../opt-out.js';
import { emailCredentialProbe } from './email.check.js';
import { emailRoutes } from './email.routes.js';
import { EmailChannelSender } from './email.sender.js';
import { EmailChannelService } from './email.service.js';
import { emailWebhooks } from './email.webhooks.js';

/**
 * Email: the provider webhooks and the one-click unsubscribe link on the public listener
 * (/webhooks/email/*), the inbound queue step that parses stored emails, the sender (provider API or
 * SMTP), the staff settings and the credentials check. The service is stateless: everything lives in the databases.
 */
export function emailChannel(deps: ChannelDeps): GuestChannel {
  const { clock, log, publicUrl } = deps;
  const service = new EmailChannelService({
    channels: deps.channels,
    inboundQueue: deps.inboundQueue,
    pipeline: deps.pipeline,
    optOuts: new OptOuts({ ledger: deps.ledger, clock }),
    scope: (propertyId) => deps.properties.scope(propertyId),
    clock,
    log,
    publicUrl,
  });
  return {
    name: 'email',
    inbound: service.handleInbound,
    sender: new EmailChannelSender({ channels: deps.channels, apiBases: deps.config.emailApis, clock, log, publicUrl }),
    routes: emailRoutes(service, deps.properties),
    publicRouter: emailWebhooks(service),
    check: emailCredentialProbe({ channels: deps.channels, apiBases: deps.config.emailApis }),
  };
}
