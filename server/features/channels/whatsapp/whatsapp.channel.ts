import type { ChannelDeps, GuestChannel } from '../channel.js';
import { whatsAppCredentialProbe } from './whatsapp.check.js';
import { whatsAppRoutes } from './whatsapp.routes.js';
import { WhatsAppSender } from './whatsapp.sender.js';
import { WhatsAppService } from './whatsapp.service.js';
import { WHATSAPP_WEBHOOK_PATH, whatsAppWebhookRouter } from './whatsapp.webhook.js';

/**
 * WhatsApp Cloud API: the signed webhook on the public listener, the inbound queue step that answers stored
 * notifications, the sender (text in the 24-hour window, else the template), the staff settings and the credentials check.
 */
export function whatsappChannel(deps: ChannelDeps): GuestChannel & { service: WhatsAppService } {
  const { config, clock, log } = deps;
  const sender = new WhatsAppSender(deps.channels, clock, log, { apiBase: config.whatsapp.apiBase });
  const service = new WhatsAppService({
    channels: deps.channels,
    properties: deps.properties,
    inboundQueue: deps.inboundQueue,
    pipeline: deps.pipeline,
    outbox: deps.outbox,
    ledger: deps.ledger,
    ai: deps.ai,
    clock,
    log,
    receipts: sender,
    atomic: deps.atomic,
    settings: {
      backlogCutoffMs: config.delivery.backlogCutoffMs,
      rateLimit: config.webhookRateLimit,
      media: { apiBase: config.whatsapp.apiBase, maxBytes: config.whatsapp.mediaMaxBytes, timeoutMs: 30_000 },
    },
  });
  return {
    name: 'whatsapp',
    inbound: (scope, payload, meta) => service.process(scope, payload, meta),
    sender,
    routes: whatsAppRoutes(service, deps.publicUrl),
    publicRouter: whatsAppWebhookRouter(service, { bodyLimitBytes: config.webhookBodyLimitBytes }),
    webhookPath: WHATSAPP_WEBHOOK_PATH,
    check: whatsAppCredentialProbe({ channels: deps.channels, apiBase: config.whatsapp.apiBase }),
    service,
  };
}
