import type { Channel } from '../../contract/conversations.js';
import type { Actor } from '../../shared/actor.js';
import type { Clock } from '../../shared/clock.js';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { AuditService } from '../audit/audit.service.js';
import type { ConversationLedger, ReplySink, ConversationRow } from '../conversations/conversation-ledger.js';
import { inQuietHours, quietHoursEnd } from '../properties/desk-hours.js';
import type { PropertyScope, PropertyService } from '../properties/property.service.js';
import { SendError, type ChannelSender } from './channel-sender.port.js';
import { OutboxRepository, type OutboxRow } from './outbox.repository.js';
import type { Message } from '../../contract/conversations.js';

interface OutboxSettings {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  pollMs: number;
}

const DEFAULT_OUTBOX_SETTINGS: OutboxSettings = { maxAttempts: 8, baseDelayMs: 2_000, maxDelayMs: 10 * 60_000, pollMs: 500 };

export interface DeadLetter {
  id: string;
  conversationId: string | null;
  channel: Channel;
  kind: 'reply' | 'proactive';
  status: string;
  attempts: number;
  lastError: string | null;
  preview: string;
  createdAt: string;
}

/**
 * Sends every reply and proactive message through the channel senders with retries, backoff and
 * dead letters (D5). Proactive messages respect quiet hours and opt-outs unless a person
 * explicitly overrides, which is audited (D6, B7). Messages and their delivery statuses are the
 * conversation ledger's; the outbox owns only its queue.
 */
export class OutboxService implements ReplySink {
  private readonly senders = new Map<Channel, ChannelSender>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly properties: PropertyService,
    private readonly audit: AuditService,
    private readonly ledger: ConversationLedger,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly settings: OutboxSettings = DEFAULT_OUTBOX_SETTINGS,
  ) {}

  register(sender: ChannelSender): void {
    this.senders.set(sender.channel, sender);
  }

  /** ReplySink: every reply the ledger stores lands here, inside the transaction that stores the message. */
  enqueue(scope: PropertyScope, conversation: ConversationRow, message: Message): void {
    const at = this.clock.now().toISOString();
    new OutboxRepository(scope).insert({ conversationId: conversation.id, messageId: message.id, channel: conversation.channel, kind: 'reply', payload: { body: message.body }, nextAttemptAt: at, at });
    // Usually called inside the caller's transaction: send once it has committed.
    setImmediate(() => this.kick());
  }

  /**
   * A message the hotel starts (a follow-up): held in quiet hours, refused for an opted-out guest,
   * unless `override` is set by a person, which is audited.
   */
  sendProactive(scope: PropertyScope, conversationId: string, text: string, actor: Actor, override = false): { outboxId: string; status: 'pending' | 'held' } {
    const conversation = this.ledger.conversation(scope, conversationId);
    if (!conversation) throw new NotFoundError('No such conversation');
    if (!text.trim()) throw new ValidationError('The message is empty');
    const now = this.clock.now();
    const at = now.toISOString();
    const optedOut = this.ledger.isOptedOut(scope, conversation.guest_id);
    if (optedOut && !override) throw new ConflictError('This guest has opted out of messages; only an explicit override can send to them');
    const quiet = inQuietHours(scope.property, now);
    const held = quiet && !override;
    let outboxId = '';
    // The message, its own outbox row (held or not) and the audit entry: one transaction.
    this.ledger.recordReply(
      scope,
      conversationId,
      { role: 'staff', body: text, authorId: actor.userId },
      {
        at,
        deliveryStatus: held ? 'held' : 'pending',
        queue: (_conversation, message) => {
          outboxId = new OutboxRepository(scope).insert({
            conversationId,
            messageId: message.id,
            channel: conversation.channel,
            kind: 'proactive',
            payload: { body: text },
            status: held ? 'held' : 'pending',
            nextAttemptAt: held ? quietHoursEnd(scope.property, now).toISOString() : at,
            overrideBy: override ? actor.userId : null,
            at,
          });
          this.audit.record(actor, {
            action: override && (quiet || optedOut) ? 'outbox.override' : 'outbox.proactive',
            target: `conversation:${conversationId}`,
            propertyId: scope.property.id,
            after: { outboxId, held, override, quietHours: quiet, optedOut },
          });
        },
      },
    );
    if (!held) setImmediate(() => this.kick());
    return { outboxId, status: held ? 'held' : 'pending' };
  }

  /** A message the channel reports it could not deliver: parked as a dead letter with the reason. */
  park(scope: PropertyScope, outboxId: string, reason: string): void {
    new OutboxRepository(scope).markStatus(outboxId, 'dead', reason);
  }

  deadLetters(scope: PropertyScope, limit: number): DeadLetter[] {
    const repo = new OutboxRepository(scope);
    return repo.list(['dead', 'blocked'], limit).map((r) => ({
      id: r.id,
      conversationId: r.conversation_id,
      channel: r.channel,
      kind: r.kind,
      status: r.status,
      attempts: r.attempts,
      lastError: r.last_error,
      preview: repo.payload(r).body.slice(0, 120),
      createdAt: r.created_at,
    }));
  }

  retry(scope: PropertyScope, id: string, actor: Actor): void {
    const repo = new OutboxRepository(scope);
    if (!repo.get(id)) throw new NotFoundError('No such outbound message');
    if (!repo.retry(id, this.clock.now().toISOString())) throw new ConflictError('Only dead, blocked or held messages can be retried');
    this.audit.record(actor, { action: 'outbox.retry', target: `outbox:${id}`, propertyId: scope.property.id });
    this.kick();
  }

  counts(scope: PropertyScope) {
    return new OutboxRepository(scope).counts();
  }

  backoff(attempts: number, retryAfterMs?: number): number {
    const exp = Math.min(this.settings.maxDelayMs, this.settings.baseDelayMs * 2 ** Math.max(0, attempts - 1));
    const jittered = exp / 2 + Math.random() * (exp / 2);
    return Math.max(jittered, retryAfterMs ?? 0);
  }

  private async deliver(scope: PropertyScope, row: OutboxRow): Promise<void> {
    const repo = new OutboxRepository(scope);
    const { ledger } = this;
    const setDelivery = (status: string) => row.message_id && ledger.setDelivery(scope, row.message_id, status);
    const now = this.clock.now();
    const conversation = row.conversation_id ? ledger.conversation(scope, row.conversation_id) : undefined;
    if (row.kind === 'proactive' && !row.override_by) {
      if (conversation && ledger.isOptedOut(scope, conversation.guest_id)) {
        repo.markStatus(row.id, 'blocked', 'guest opted out');
        setDelivery('failed');
        return;
      }
      if (inQuietHours(scope.property, now)) {
        repo.markStatus(row.id, 'held', null, quietHoursEnd(scope.property, now).toISOString());
        setDelivery('held');
        return;
      }
    }
    const sender = this.senders.get(row.channel);
    if (!sender) {
      repo.markStatus(row.id, 'dead', `no sender for channel ${row.channel}`);
      setDelivery('failed');
      return;
    }
    repo.markSending(row.id);
    row = { ...row, status: 'sending', attempts: row.attempts + 1 };
    try {
      const result = await sender.send(scope, {
        outboxId: row.id,
        conversationId: row.conversation_id,
        messageId: row.message_id,
        channel: row.channel,
        kind: row.kind,
        body: repo.payload(row).body,
        replyTo: row.conversation_id ? ledger.replyTo(scope, row.conversation_id) : null,
        guestId: conversation?.guest_id ?? null,
        lastGuestMessageAt: conversation?.last_guest_message_at ?? null,
      });
      repo.markSent(row.id, result.providerMessageId ?? null, this.clock.now().toISOString());
      setDelivery('sent');
    } catch (err) {
      const e = err instanceof SendError ? err : new SendError((err as Error).message, true);
      if (!e.retryable || row.attempts >= this.settings.maxAttempts) {
        repo.markStatus(row.id, 'dead', e.message);
        setDelivery('failed');
        this.log.warn({ propertyId: scope.property.id, outboxId: row.id, channel: row.channel, attempts: row.attempts, error: e.message }, 'outbound message parked as a dead letter');
      } else {
        repo.markRetry(row.id, e.message, new Date(this.clock.now().getTime() + this.backoff(row.attempts, e.retryAfterMs)).toISOString());
      }
    }
    if (row.conversation_id && row.message_id) {
      const status = repo.get(row.id)?.status ?? 'pending';
      ledger.announceDelivery(scope, row.conversation_id, row.message_id, status);
    }
  }

  /** One pass over every hotel's due messages. */
  async drain(): Promise<number> {
    let sent = 0;
    for (const property of this.properties.list()) {
      const scope = this.properties.scope(property.id);
      const repo = new OutboxRepository(scope);
      for (;;) {
        const rows = repo.due(this.clock.now().toISOString(), 20);
        if (rows.length === 0) break;
        for (const row of rows) {
          await this.deliver(scope, row);
          sent++;
        }
        if (this.stopped) return sent;
      }
    }
    return sent;
  }

  /** Runs a pass soon; passes never overlap. */
  kick(): void {
    if (this.stopped) return;
    this.running ??= this.drain()
      .catch((err: unknown) => this.log.error({ err }, 'outbox pass failed'))
      .then(() => {
        this.running = undefined;
      });
  }

  start(): void {
    for (const property of this.properties.list()) {
      const maybeSent = new OutboxRepository(this.properties.scope(property.id)).releaseStuck();
      if (Object.keys(maybeSent).length) this.log.warn({ propertyId: property.id, byChannel: maybeSent }, 'replies whose send a restart interrupted are sent again (maybe sent: on WhatsApp the guest may see one twice)');
    }
    this.timer = setInterval(() => this.kick(), this.settings.pollMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Waits until no message is due now (for tests and the CLI). */
  async settle(timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      await this.running;
      const due = this.properties.list().some((p) => new OutboxRepository(this.properties.scope(p.id)).hasDue(this.clock.now().toISOString()));
      if (!due && !this.running) return;
      this.kick();
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}
