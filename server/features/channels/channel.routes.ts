import { z } from 'zod';
import { CHANNELS, ChannelCheck, ChannelSummary, CheckableChannel, type ChannelName } from '../../contract/channels.js';
import { NotFoundError } from '../../shared/errors.js';
import type { ChannelCheckService } from './channel-check.service.js';
import { route, type RouteDef } from '../../http/route.js';
import type { PropertyService } from '../properties/property.service.js';
import type { Binding, ChannelBindingService } from './channel-binding.service.js';

export { CHANNELS, ChannelSummary, type ChannelName } from '../../contract/channels.js';

/** Where a provider posts (pasted into its settings): the public URL and the channel's webhook path. */
export function webhookUrl(publicUrl: string | undefined, path: string | undefined): string | null {
  return path && publicUrl ? `${publicUrl.replace(/\/+$/, '')}${path}` : null;
}

type AnyBinding = Pick<Binding<object, object>, 'active' | 'routingKey' | 'settings' | 'secrets' | 'updatedAt'>;

export function channelSummary(channel: ChannelName, binding: AnyBinding | undefined, webhookUrl: string | null, check: ChannelCheck | null = null): ChannelSummary {
  return {
    channel,
    configured: binding !== undefined,
    active: binding?.active ?? false,
    routingKey: binding?.routingKey ?? null,
    settings: { ...(binding?.settings ?? {}) },
    secretsSet: binding ? Object.entries(binding.secrets).filter(([, v]) => Boolean(v)).map(([k]) => k).sort() : [],
    webhookUrl,
    updatedAt: binding?.updatedAt ?? null,
    check: binding ? check : null,
  };
}

export function channelRoutes(deps: {
  channels: ChannelBindingService;
  properties: PropertyService;
  checks: ChannelCheckService;
  /** The public base URL (tunnel or NOCTURN_PUBLIC_URL, else the public listener's own address). */
  publicUrl: () => string | undefined;
  /** Each channel's webhook path on the public listener, for channels whose provider needs one pasted. */
  webhookPaths: ReadonlyMap<string, string>;
}): RouteDef[] {
  const { channels, properties, checks, publicUrl, webhookPaths } = deps;
  const lastCheck = (propertyId: string, c: ChannelName, changedAt: string | null | undefined) => (c === 'widget' ? null : checks.last(propertyId, c, changedAt ?? null));
  return [
    route({
      method: 'get',
      path: '/api/v1/properties/:id/channels',
      summary: "A hotel's channels: settings, which secrets are set (never their values) and the webhook URL to paste into each provider",
      tag: 'channels',
      permission: 'channels.read',
      response: z.object({ items: z.array(ChannelSummary) }),
      handler: ({ params }) => {
        const property = properties.get(params.id!);
        const bound = new Map(channels.listForProperty(property.id).map((b) => [b.channel, b]));
        return { items: CHANNELS.map((c) => channelSummary(c, bound.get(c), webhookUrl(publicUrl(), webhookPaths.get(c)), lastCheck(property.id, c, bound.get(c)?.updatedAt))) };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/properties/:id/channels/:channel/check',
      summary: 'Check the stored WhatsApp or email credentials with the provider now (nothing is sent to a guest): Connected, Credentials rejected or Unreachable',
      tag: 'channels',
      permission: 'channels.read',
      response: ChannelCheck,
      handler: async ({ params }) => {
        const channel = CheckableChannel.safeParse(params.channel);
        if (!channel.success) throw new NotFoundError('Only WhatsApp and email credentials can be checked');
        return checks.check(properties.get(params.id!).id, channel.data);
      },
    }),
  ];
}
