import { createHash } from 'node:crypto';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { maskPii } from '../../shared/redact.js';
import type { ErrorGroupRepository, ErrorGroup } from './error-group.repository.js';
import type { HttpMetrics } from './metrics.js';

/** Groups unexpected errors by fingerprint (name + top frames + route) with counts. */
export class ErrorRecorder {
  constructor(
    private readonly repo: ErrorGroupRepository,
    private readonly metrics: HttpMetrics,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  static fingerprint(err: Error, route: string | undefined): string {
    const frames = (err.stack ?? '')
      .split('\n')
      .slice(1, 4)
      .map((l) => l.trim().replace(/:\d+:\d+\)?$/, ''))
      .join('|');
    return createHash('sha256').update(`${err.name}|${frames}|${route ?? ''}`).digest('hex').slice(0, 16);
  }

  record(err: Error, route: string | undefined): void {
    this.metrics.unexpected.inc();
    try {
      this.repo.bump(
        { fingerprint: ErrorRecorder.fingerprint(err, route), name: err.name, message: maskPii(err.message).slice(0, 500), route: route ?? null },
        this.clock.now().toISOString(),
      );
    } catch (recordErr) {
      this.log.error({ err: recordErr }, 'could not record an unexpected error');
    }
  }

  list(limit: number): ErrorGroup[] {
    return this.repo.list(limit);
  }
}

export interface ReadinessCheck {
  name: string;
  /** A failing critical check makes /ready answer 503. */
  critical: boolean;
  /** `warning`: working, but an admin must act (for example the trial master key); it never makes /ready fail. */
  check(): Promise<{ ok: boolean; detail?: string | Record<string, unknown>; warning?: string }>;
}

interface ReadinessReport {
  ready: boolean;
  checks: Record<string, { ok: boolean; critical: boolean; detail?: string | Record<string, unknown>; warning?: string }>;
  /** Every check's warning, in plain words, for an operator reading /ready. */
  warnings: string[];
}

/** Runs every registered readiness check with a timeout. Later features register theirs. */
export class Readiness {
  private readonly checks: ReadinessCheck[] = [];

  register(check: ReadinessCheck): void {
    this.checks.push(check);
  }

  async report(timeoutMs = 2000): Promise<ReadinessReport> {
    const entries = await Promise.all(
      this.checks.map(async (c) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          const result = await Promise.race([
            c.check(),
            new Promise<{ ok: boolean; detail: string }>((resolve) => {
              timer = setTimeout(() => resolve({ ok: false, detail: 'timed out' }), timeoutMs);
            }),
          ]);
          return [c.name, { ...result, critical: c.critical }] as const;
        } catch (err) {
          return [c.name, { ok: false, critical: c.critical, detail: (err as Error).message }] as const;
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    const warnings = entries.flatMap(([, r]) => ('warning' in r && r.warning ? [r.warning] : []));
    return { ready: entries.every(([, r]) => r.ok || !r.critical), checks, warnings };
  }
}
