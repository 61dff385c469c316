import type { Logger } from '../../shared/logger.js';
import type { ReportInfo } from '../../contract/reports.js';
import type { PropertyScope } from '../properties/property.service.js';
import type { ReportSchedule, ReportScopes, ReportService } from './report.service.js';

/**
 * Makes each hotel's daily and weekly reports at the configured local time (E6: started with the
 * server, stopped on shutdown). A tick every minute is enough: a report is due once a day and each
 * tick is idempotent, so a missed tick (sleep, restart) is caught up by the next one.
 *
 * Each report made is handed to `onMade` (the report e-mails to managers who opted in).
 */
export class ReportScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly reports: ReportService,
    private readonly properties: ReportScopes,
    private readonly schedule: ReportSchedule,
    private readonly log: Logger,
    private readonly tickMs = 60_000,
    private readonly onMade: (scope: PropertyScope, report: ReportInfo) => void = () => undefined,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.tickMs);
    this.timer.unref();
    setImmediate(() => {
      if (this.timer) this.tick();
    });
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One pass over the active hotels; returns the reports it made. */
  tick(): ReportInfo[] {
    if (this.running) return [];
    this.running = true;
    const made: ReportInfo[] = [];
    try {
      for (const property of this.properties.list()) {
        if (!property.active) continue;
        let scope: PropertyScope;
        try {
          scope = this.properties.scope(property.id);
          const fresh = this.reports.generateDue(scope, this.schedule);
          made.push(...fresh);
          for (const report of fresh) this.onMade(scope, report);
        } catch (err) {
          this.log.error({ err, propertyId: property.id }, 'scheduled report failed; will retry on the next tick');
        }
      }
    } finally {
      this.running = false;
    }
    return made;
  }
}
