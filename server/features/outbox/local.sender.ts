import type { ChannelSender } from './channel-sender.port.js';

/**
 * The `test` channel's sender (conversations made by `nocturn demo` and by tests): nothing leaves
 * the machine, and nothing is kept; the reply is already stored with its conversation.
 */
export class LocalChannelSender implements ChannelSender {
  readonly channel = 'test' as const;

  async send(_scope: unknown, message: { outboxId: string }): Promise<{ providerMessageId: string }> {
    return { providerMessageId: `local-${message.outboxId}` };
  }
}
