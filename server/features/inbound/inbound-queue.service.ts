import type { Clock } from '../../shared/clock.js';
import { nextTurn } from '../../shared/event-loop.js';
import type { Logger } from '../../shared/logger.js';
import type { PropertyScope, PropertyService } from '../properties/property.service.js';
import { InboundQueueRepository, type InboundProvider } from './inbound-queue.repository.js';

export interface InboundMeta {
  eventId: number;
  receivedAt: Date;
  /** Received longer ago than the backlog cut-off: store and show, but do not answer automatically. */
  backlog: boolean;
}

/** Turns one stored raw event into pipeline calls. Must be idempotent: a crash can repeat it. */
export type InboundHandler = (scope: PropertyScope, payload: string, meta: InboundMeta) => Promise<void>;

interface InboundQueueSettings {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  pollMs: number;
  backlogCutoffMs: number;
  /** Longest one event may take: past it, the event goes to the dead letters and its lane goes on. */
  eventBudgetMs: number;
  /** Restarts that may interrupt one event before it goes to the dead letters instead of being replayed. */
  maxInterruptions: number;
}

/** An event that ran past its time budget: not retried (it would take as long again). */
class OverBudgetError extends Error {
  constructor(budgetMs: number) {
    super(`took longer than its time budget of ${Math.round(budgetMs / 1000)} s; moved to the dead letters`);
    this.name = 'OverBudgetError';
  }
}

interface InboundQueueDeadLetter {
  id: number;
  provider: InboundProvider;
  eventType: string;
  attempts: number;
  interruptions: number;
  reason: string | null;
  receivedAt: string;
  failedAt: string | null;
}

/**
 * The durable inbound queue of webhook events (D4, D5). `accept` commits the encrypted raw event with its
 * idempotency receipt before the webhook is answered; workers process it afterwards with retries
 * and backoff, so a crash or restart loses nothing and repeats nothing.
 */
export class InboundQueue {
  private readonly handlers = new Map<InboundProvider, InboundHandler>();
  private timer: NodeJS.Timeout | undefined;
  /** The hotels being worked on, each by its own lane. */
  private readonly lanes = new Map<string, Promise<void>>();
  private kickPending = false;
  private stopped = false;

  constructor(
    private readonly repo: InboundQueueRepository,
    private readonly properties: PropertyService,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly settings: InboundQueueSettings,
  ) {}

  register(provider: InboundProvider, handler: InboundHandler): void {
    this.handlers.set(provider, handler);
  }

  /** Stores one event; a repeat delivery of the same event is recognised and stored once. */
  accept(e: { propertyId: string; provider: InboundProvider; externalId: string; eventType: string; payload: string }): { id: number; duplicate: boolean } {
    const scope = this.properties.scope(e.propertyId);
    const result = this.repo.insert({ ...e, receivedAt: this.clock.now().toISOString() }, scope);
    if (!result.duplicate) this.kick();
    return result;
  }

  private async processOne(row: { id: number; property_id: string; provider: InboundProvider; attempts: number; received_at: string }): Promise<void> {
    const handler = this.handlers.get(row.provider);
    const now = this.clock.now();
    if (!handler) {
      this.repo.finish(row.id, 'failed', `no handler for ${row.provider}`, now.toISOString());
      return;
    }
    try {
      const scope = this.properties.scope(row.property_id);
      const payload = this.repo.payload(row.id, scope.cipher)!;
      await nextTurn();
      const receivedAt = new Date(row.received_at);
      await this.withinBudget(handler(scope, payload, { eventId: row.id, receivedAt, backlog: now.getTime() - receivedAt.getTime() > this.settings.backlogCutoffMs }));
      await nextTurn();
      this.repo.finish(row.id, 'done', null, this.clock.now().toISOString());
    } catch (err) {
      const message = (err as Error).message;
      if (err instanceof OverBudgetError || row.attempts >= this.settings.maxAttempts) {
        this.repo.finish(row.id, 'failed', message, this.clock.now().toISOString());
        this.log.error({ eventId: row.id, propertyId: row.property_id, provider: row.provider, err }, 'inbound event failed for good');
      } else {
        const delay = Math.min(this.settings.maxDelayMs, this.settings.baseDelayMs * 2 ** (row.attempts - 1)) * (0.5 + Math.random() / 2);
        this.repo.retryLater(row.id, message, new Date(this.clock.now().getTime() + delay).toISOString());
        this.log.warn({ eventId: row.id, propertyId: row.property_id, provider: row.provider, attempts: row.attempts, err }, 'inbound event will be retried');
      }
    }
  }

  /**
   * Resolves or rejects with the handler, or rejects with OverBudgetError once the event's budget
   * is spent. The handler's own work may still finish later; it is idempotent, and the lane goes on.
   */
  private withinBudget(work: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new OverBudgetError(this.settings.eventBudgetMs)), this.settings.eventBudgetMs);
    });
    return Promise.race([work, budget]).finally(() => clearTimeout(timer));
  }

  /** A hotel's inbound events that failed for good, with the reason, for staff. */
  deadLetters(propertyId: string, limit: number): InboundQueueDeadLetter[] {
    return this.repo.deadLetters(propertyId, limit).map((r) => ({
      id: r.id,
      provider: r.provider,
      eventType: r.event_type,
      attempts: r.attempts,
      interruptions: r.interruptions,
      reason: r.last_error,
      receivedAt: r.received_at,
      failedAt: r.processed_at,
    }));
  }

  /** How many of a hotel's inbound events failed for good (the system screen's count). */
  failedCount(propertyId: string): number {
    return this.repo.failedCount(propertyId);
  }

  /** Staff send a dead letter back to the queue (after fixing what made it fail). */
  requeue(propertyId: string, id: number): boolean {
    const done = this.repo.requeue(propertyId, id, this.clock.now().toISOString());
    if (done) this.kick();
    return done;
  }

  /**
   * Starts a lane for every hotel with due events and none running: each hotel's events are worked
   * in order, the hotels side by side, so a hotel waiting on its model does not hold up another
   * hotel's guests.
   */
  kick(): void {
    // Webhooks arrive in bursts: one look for work per turn of the event loop serves them all.
    if (this.stopped || this.kickPending) return;
    this.kickPending = true;
    setImmediate(() => {
      this.kickPending = false;
      this.startLanes();
    });
  }

  private startLanes(): void {
    if (this.stopped) return;
    for (;;) {
      const rows = this.repo.claimDue(this.clock.now().toISOString(), 20, { busy: [...this.lanes.keys()] });
      if (rows.length === 0) return;
      const byHotel = new Map<string, typeof rows>();
      for (const row of rows) byHotel.set(row.property_id, [...(byHotel.get(row.property_id) ?? []), row]);
      for (const [propertyId, first] of byHotel) {
        const lane = this.lane(propertyId, first)
          .catch((err: unknown) => this.log.error({ err, propertyId }, 'inbound queue lane failed'))
          .finally(() => {
            this.lanes.delete(propertyId);
            this.kick();
          });
        this.lanes.set(propertyId, lane);
      }
    }
  }

  private async lane(propertyId: string, first: Awaited<ReturnType<InboundQueueRepository['claimDue']>>): Promise<void> {
    let rows = first;
    while (rows.length > 0) {
      for (const row of rows) {
        // A turn of the event loop between events, and between the request that stored an event
        // and its processing: waiting requests are served in between (a large event's steps are not small).
        await nextTurn();
        if (this.stopped) return;
        await this.processOne(row);
      }
      rows = this.stopped ? [] : this.repo.claimDue(this.clock.now().toISOString(), 20, { only: propertyId });
    }
  }

  start(): void {
    const { released, dead } = this.repo.releaseStuck({ now: this.clock.now().toISOString(), budgetMs: this.settings.eventBudgetMs, maxInterruptions: this.settings.maxInterruptions });
    if (released) this.log.warn({ events: released }, 'inbound events interrupted by a restart are queued again');
    if (dead) this.log.error({ events: dead }, 'inbound events interrupted past their time budget or too often moved to the dead letters');
    this.timer = setInterval(() => this.kick(), this.settings.pollMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await Promise.all(this.lanes.values());
  }

  /** Waits until nothing is due (tests, benchmarks). */
  async settle(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.lanes.size === 0 && !this.repo.hasDue(this.clock.now().toISOString())) return;
      this.kick();
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  counts() {
    return this.repo.counts();
  }

  /** Deletes every event of a hotel that is being offboarded. */
  forgetProperty(propertyId: string): number {
    return this.repo.deleteForProperty(propertyId);
  }
}
