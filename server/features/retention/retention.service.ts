import type { Actor } from '../../shared/actor.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { AuditService } from '../audit/audit.service.js';
import { localTime } from '../properties/desk-hours.js';
import type { PropertyScope, PropertyService } from '../properties/property.service.js';

export interface RetentionSettings {
  /** Converted leads (and their conversations) are kept this many days, usually longer than the hotel's retention. */
  convertedDays: number;
  /** Local time (HH:MM, hotel zone) after which the nightly run happens. */
  runAt: string;
  batchSize: number;
}

export interface RetentionResult {
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
    const db = scope.db;
    const expired = db.prepare(
      `select c.id from conversations c left join leads l on l.conversation_id = c.id
       where c.last_message_at < @cutoff
         and (l.id is null or l.status <> 'converted' or coalesce(l.converted_at, l.updated_at) < @convertedCutoff)
       limit @batch`,
    );
    const count = (sql: string, ids: string) => (db.prepare(sql).get(ids) as { n: number }).n;
    const total = { conversations: 0, messages: 0, leads: 0, guests: 0 };
    for (;;) {
      const ids = (expired.all({ cutoff, convertedCutoff, batch: this.settings.batchSize }) as { id: string }[]).map((r) => r.id);
      if (ids.length === 0) break;
      const json = JSON.stringify(ids);
      db.transaction(() => {
        total.messages += count('select count(*) as n from messages where conversation_id in (select value from json_each(?))', json);
        total.leads += count('select count(*) as n from leads where conversation_id in (select value from json_each(?))', json);
        total.conversations += db.prepare('delete from conversations where id in (select value from json_each(?))').run(json).changes;
      })();
    }
    // Guests with nothing left, who have not written since the cut-off.
    total.guests = db
      .prepare(`delete from guests where updated_at < ? and created_at < ? and not exists (select 1 from conversations c where c.guest_id = guests.id)`)
      .run(cutoff, cutoff).changes;
    db.prepare(`insert into meta (key, value) values ('retention_last_run', ?) on conflict (key) do update set value = excluded.value`).run(localTime(scope.property.timezone, now).date);
    db.pragma('wal_checkpoint(TRUNCATE)');
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
      const last = (scope.db.prepare(`select value from meta where key = 'retention_last_run'`).get() as { value: string } | undefined)?.value;
      if (last === t.date) continue;
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
