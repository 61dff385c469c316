import { randomBytes } from 'node:crypto';
import type { Actor } from '../../../shared/actor.js';
import type { PropertyService } from '../../properties/property.service.js';
import type { Binding, ChannelBindingService } from '../channel-binding.service.js';
import type { PutWidgetChannel, WidgetChannelView, WidgetSettings } from './widget.schemas.js';

function newWidgetKey(): string {
  return `wk_${randomBytes(24).toString('base64url')}`;
}

/** Staff side of the website widget: a hotel's key, allowed origins and texts, and the snippet to paste. */
/** How long a rotated widget key keeps working. */
const WIDGET_KEY_OVERLAP_MS = 72 * 3_600_000;

export class WidgetSettingsService {
  constructor(
    private readonly channels: ChannelBindingService,
    private readonly properties: PropertyService,
    /** Where the public listener is reached from the internet (tunnel URL, NOCTURN_PUBLIC_URL, else loopback). */
    private readonly publicUrl: () => string | undefined,
  ) {}

  private view(binding: Binding<Record<string, string>, WidgetSettings>): WidgetChannelView {
    const s = binding.settings;
    const base = (this.publicUrl() ?? '').replace(/\/+$/, '');
    return {
      widgetKey: binding.routingKey,
      snippet: `<script src="${base}/widget/widget.js" data-key="${binding.routingKey}"></script>`,
      allowedOrigins: s.allowedOrigins,
      title: s.title ?? null,
      greeting: s.greeting ?? null,
      color: s.color ?? null,
      askContactBefore: s.askContactBefore ?? false,
    };
  }

  /** Sets up or replaces the hotel's widget (after a rotation the old key works for WIDGET_KEY_OVERLAP_MS); the key stays (pasted snippets keep working) unless rotated. */
  configure(propertyIdOrSlug: string, input: PutWidgetChannel, actor: Actor): WidgetChannelView {
    const property = this.properties.get(propertyIdOrSlug);
    const existing = this.channels.get<Record<string, string>, WidgetSettings>(property.id, 'widget');
    const routingKey = !existing || input.rotateKey ? newWidgetKey() : existing.routingKey;
    const settings: WidgetSettings = {
      allowedOrigins: input.allowedOrigins,
      ...(input.title ? { title: input.title } : {}),
      ...(input.greeting ? { greeting: input.greeting } : {}),
      ...(input.color ? { color: input.color } : {}),
      askContactBefore: input.askContactBefore ?? false,
    };
    // After a rotation the old key keeps working for an overlap window, so a site can swap its snippet.
    const overlap =
      existing && input.rotateKey
        ? { previousKey: existing.routingKey, previousKeyValidUntil: new Date(Date.now() + WIDGET_KEY_OVERLAP_MS).toISOString() }
        : existing?.settings.previousKey
          ? { previousKey: existing.settings.previousKey, previousKeyValidUntil: existing.settings.previousKeyValidUntil }
          : {};
    this.channels.put(property.id, 'widget', { routingKey, secrets: {}, settings: { ...settings, ...overlap } }, actor);
    return this.view(this.channels.require<Record<string, string>, WidgetSettings>(property.id, 'widget'));
  }

  describe(propertyIdOrSlug: string): WidgetChannelView {
    const property = this.properties.get(propertyIdOrSlug);
    return this.view(this.channels.require<Record<string, string>, WidgetSettings>(property.id, 'widget'));
  }
}
