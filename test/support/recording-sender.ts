import type { ChannelSender } from '../../server/features/outbox/channel-sender.port.js';

/** A `test`-channel sender that keeps what it was asked to send, so a test can see what left. */
export class RecordingSender implements ChannelSender {
  readonly channel = 'test' as const;
  readonly sent: { outboxId: string; body: string }[] = [];

  async send(_scope: unknown, message: { outboxId: string; body: string }): Promise<{ providerMessageId: string }> {
    this.sent.push({ outboxId: message.outboxId, body: message.body });
    return { providerMessageId: `test-${message.outboxId}` };
  }
}
