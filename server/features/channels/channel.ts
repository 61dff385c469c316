import type { Router } from 'express';
import type { Config } from '../../config/config.js';
import type { RouteDef } from '../../http/route.js';
import type { Clock } from '../../shared/clock.js';
import type { EventBus } from '../../shared/events.js';
import type { Logger } from '../../shared/logger.js';
import type { AiSwitchService } from '../ai-switch/ai-switch.service.js';
import type { ConversationLedger } from '../conversations/conversation-ledger.js';
import type { InboundHandler, InboundQueue } from '../inbound/inbound-queue.service.js';
import type { Channel } from '../../contract/conversations.js';
import type { ChannelSender } from '../outbox/channel-sender.port.js';
import type { OutboxService } from '../outbox/outbox.service.js';
import type { PipelineService } from '../pipeline/pipeline.service.js';
import type { PropertyService } from '../properties/property.service.js';
import type { ChannelBindingService } from './channel-binding.service.js';
import type { CredentialProbe } from './channel-check.service.js';

/**
 * One guest channel as the composition root wires it: every channel gives the same parts,
 * and the root registers them the same way (see README.md in this folder).
 */
export interface GuestChannel {
  readonly name: Channel;
  /** Processes one stored inbound event from the durable webhook queue. */
  readonly inbound: InboundHandler;
  /** Delivers outbox messages of this channel. */
  readonly sender: ChannelSender;
  /** Staff API routes (settings, snippet), mounted on the staff listener. */
  readonly routes: readonly RouteDef[];
  /** Guest-facing routes (webhooks, widget API), mounted on the public listener. */
  readonly publicRouter: Router;
  /** The webhook path shown on the channels screen, when staff paste a URL into the provider's settings. */
  readonly webhookPath?: string;
  /** Asks the provider whether a hotel's stored credentials work ("Check again" on the channels screen). */
  readonly check?: CredentialProbe;
  /** Releases timers or live connections on shutdown. */
  close?(): void;
}

/** What every channel factory may use; each takes only what it needs. */
export interface ChannelDeps {
  config: Pick<Config, 'whatsapp' | 'emailApis' | 'delivery' | 'webhookRateLimit' | 'webhookBodyLimitBytes'>;
  channels: ChannelBindingService;
  properties: PropertyService;
  inboundQueue: InboundQueue;
  outbox: OutboxService;
  pipeline: PipelineService;
  /** The one writer of conversations, guests and leads. */
  ledger: ConversationLedger;
  ai: AiSwitchService;
  events: EventBus;
  clock: Clock;
  log: Logger;
  /** Runs `fn` in one group.db transaction. */
  atomic: <T>(fn: () => T) => T;
  /** The public base URL (tunnel or NOCTURN_PUBLIC_URL, else the public listener's own address). */
  publicUrl: () => string | undefined;
}
