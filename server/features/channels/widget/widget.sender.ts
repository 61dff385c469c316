import type { Clock } from '../../../shared/clock.js';
import { SendError, type ChannelSender, type OutboundMessage } from '../../outbox/channel-sender.port.js';
import type { PropertyScope } from '../../properties/property.service.js';
import type { WidgetHub } from './widget.hub.js';
import { WidgetRepository } from './widget.repository.js';
import { SESSION_ID } from './widget.schemas.js';

/**
 * Delivers replies to website-widget guests: pushed at once to the session's open streams. A guest
 * who is not connected reads the stored conversation when the widget reconnects, so a reply that
 * is stored and retrievable counts as sent either way.
 */
export class WidgetSender implements ChannelSender {
  readonly channel = 'widget' as const;

  constructor(
    private readonly hub: WidgetHub,
    private readonly clock: Clock,
  ) {}

  async send(scope: PropertyScope, m: OutboundMessage): Promise<{ providerMessageId: string }> {
    const sessionId = m.replyTo?.sessionId;
    if (typeof sessionId !== 'string' || !SESSION_ID.test(sessionId)) throw new SendError('this conversation has no widget session to deliver to', false);
    const info = m.messageId ? new WidgetRepository(scope).messageInfo(m.messageId) : undefined;
    const role = info?.role === 'staff' ? 'staff' : 'assistant';
    this.hub.publish(scope.property.id, sessionId, {
      type: 'message',
      message: {
        id: m.messageId ?? m.outboxId,
        role,
        text: m.body,
        createdAt: info?.created_at ?? this.clock.now().toISOString(),
        clientMessageId: null,
        feedback: null,
        rateable: role === 'assistant' && m.messageId !== null,
      },
    });
    return { providerMessageId: `widget:${m.outboxId}` };
  }
}
