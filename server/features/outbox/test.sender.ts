import type { ChannelSender } from './channel-sender.port.js';

/** The `test` channel (nocturn ask, the knowledge tester): nothing leaves the machine. */
export class TestChannelSender implements ChannelSender {
  readonly channel = 'test' as const;
  readonly sent: { outboxId: string; body: string }[] = [];

  async send(_scope: unknown, message: { outboxId: string; body: string }): Promise<{ providerMessageId: string }> {
    this.sent.push({ outboxId: message.outboxId, body: message.body });
    return { providerMessageId: `test-${message.outboxId}` };
  }
}
