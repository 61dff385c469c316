import type { Channel } from '../../contract/conversations.js';
import type { PropertyScope } from '../properties/property.service.js';

/** What a channel needs to deliver one outbound message. */
export interface OutboundMessage {
  outboxId: string;
  conversationId: string | null;
  messageId: string | null;
  channel: Channel;
  kind: 'reply' | 'proactive';
  body: string;
  /** Channel-specific address stored with the conversation (WhatsApp id, email thread, widget session). */
  replyTo: Record<string, unknown> | null;
  /** When the guest last wrote (WhatsApp's 24-hour window). */
  lastGuestMessageAt: string | null;
  /** Whose conversation it is (an email's one-click unsubscribe link names the guest). */
  guestId?: string | null;
}

/** A delivery failure: retryable ones back off and try again; permanent ones become dead letters. */
export class SendError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'SendError';
  }
}

export interface ChannelSender {
  readonly channel: Channel;
  send(scope: PropertyScope, message: OutboundMessage): Promise<{ providerMessageId?: string | undefined }>;
}
