import type { Actor } from '../../shared/actor.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { AuditService } from '../audit/audit.service.js';
import { ConversationRepository } from '../conversations/conversation.repository.js';
import { GuestRepository } from '../guests/guest.repository.js';
import { LeadRepository } from '../leads/lead.repository.js';
import { hotelDay, localTime } from '../properties/desk-hours.js';
import type { PropertyScope, PropertyService } from '../properties/property.service.js';
import { RetentionRepository } from './retention.repository.js';

interface RetentionSettings {
  /** Converted leads (and their conversations) are kept this many days, usually longer than the hotel's retention. */
  convertedDays: number;
  /** Local time (HH:MM, hotel zone) after which the nightly run happens. */
  runAt: string;
  batchSize: number;
}

interface RetentionResult {
  propertyId: string;
  cutoff: string;
  conversations: number;
  messages: number;
  leads: number;
  guests: number;
}

const SYSTEM: Actor = { userId: null, role: 'system', label: 'retention', propertyIds: null };

/**
 * The nightly purge (B5): conversations, messages, unconverted leads and guest records older than
 * the hotel's retention period are deleted in small batches (safe to interrupt and run again);
 * converted leads keep a longer period; report rollups are separate tables and stay. What was
 * deleted is audited as counts only.
 */
export class RetentionService {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly properties: PropertyService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly settings: RetentionSettings,
  ) {}

  run(scope: PropertyScope, actor: Actor = SYSTEM): RetentionResult {
    const now = this.clock.now();
    const cutoff = new Date(now.getTime() - scope.property.retentionDays * 86_400_000).toISOString();
    const convertedCutoff = new Date(now.getTime() - Math.max(this.settings.convertedDays, scope.property.retentionDays) * 86_400_000).toISOString();
    const conversations = new ConversationRepository(scope);
    const leads = new LeadRepository(scope);
    const total = { conversations: 0, messages: 0, leads: 0, guests: 0 };
    for (;;) {
      const ids = conversations.expiredIds({ cutoff, convertedCutoff, limit: this.settings.batchSize });
      if (ids.length === 0) break;
      scope.transaction(() => {
        total.messages += conversations.messageCount(ids);
        total.leads += leads.countForConversations(ids);
        total.conversations += conversations.deleteMany(ids);
      });
    }
    // Guests with nothing left, who have not written since the cut-off.
    total.guests = new GuestRepository(scope).deleteInactive(cutoff);
    new RetentionRepository(scope).markRun(hotelDay(now, scope.property.timezone));
    scope.checkpoint();
    const result = { propertyId: scope.property.id, cutoff, ...total };
    this.audit.record(actor, { action: 'retention.purge', target: `property:${scope.property.id}`, propertyId: scope.property.id, after: { ...total, cutoff, retentionDays: scope.property.retentionDays } });
    this.log.info({ propertyId: scope.property.id, ...total }, 'retention purge done');
    return result;
  }

  /** Runs each hotel once per local day, after the configured local time. */
  runDue(): RetentionResult[] {
    const results: RetentionResult[] = [];
    for (const p of this.properties.list()) {
      const scope = this.properties.scope(p.id);
      const t = localTime(p.timezone, this.clock.now());
      const [h, m] = this.settings.runAt.split(':').map(Number) as [number, number];
      if (t.minutes < h * 60 + m) continue;
      if (new RetentionRepository(scope).lastRun() === t.date) continue;
      try {
        results.push(this.run(scope));
      } catch (err) {
        this.log.error({ err, propertyId: p.id }, 'retention purge failed; it will be tried again');
      }
    }
    return results;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= Promise.resolve()
        .then(() => this.runDue())
        .finally(() => (this.running = undefined));
    }, 10 * 60_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
