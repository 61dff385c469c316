import { z } from 'zod';
import type { SupervisorStatus } from './server-supervisor.js';

/**
 * What the tray shows: the server's state from the supervisor, and the health of its parts from the
 * staff listener's `/ready` report (AI paused, tunnel down, model down).
 */

const readyReport = z.object({
  ready: z.boolean(),
  checks: z.record(z.string(), z.object({ ok: z.boolean(), critical: z.boolean(), detail: z.unknown().optional() })),
});

export type ReadyReport = z.infer<typeof readyReport>;

/** The last poll: a parsed report, or why there is none. */
export type Readiness = { kind: 'report'; report: ReadyReport } | { kind: 'unreachable'; reason: string } | { kind: 'unknown' };

export type TrayLevel = 'ok' | 'warning' | 'error';

export interface TrayView {
  level: TrayLevel;
  /** One line for the tooltip. */
  tooltip: string;
  /** Status lines shown (disabled) at the top of the tray menu. */
  lines: string[];
  /** Whether "Open Nocturn" can show the staff app. */
  canOpen: boolean;
  /** After a give-up: offer "Restart server". */
  canRetry: boolean;
}

const TUNNEL = /tunnel/i;
const MODEL = /model|llm|ollama|embedding/i;

function failing(report: ReadyReport, name: RegExp): string[] {
  return Object.entries(report.checks)
    .filter(([n, c]) => name.test(n) && !c.ok)
    .map(([n]) => n);
}

export function trayView(status: SupervisorStatus, readiness: Readiness): TrayView {
  switch (status.state) {
    case 'idle':
    case 'starting':
      return { level: 'warning', tooltip: 'Nocturn is starting', lines: ['Starting the server…'], canOpen: false, canRetry: false };
    case 'restarting':
      return {
        level: 'error',
        tooltip: 'Nocturn server stopped; restarting',
        lines: [`Server stopped; restarting in ${Math.ceil(status.delayMs / 1000)} s`, status.reason.slice(0, 120)],
        canOpen: false,
        canRetry: false,
      };
    case 'failed':
      return { level: 'error', tooltip: 'Nocturn server is not running', lines: ['Server not running', status.error.slice(0, 160)], canOpen: false, canRetry: true };
    case 'stopping':
    case 'stopped':
      return { level: 'warning', tooltip: 'Nocturn is stopping', lines: ['Stopping…'], canOpen: false, canRetry: false };
    case 'running':
      break;
  }

  if (readiness.kind === 'unreachable') {
    return { level: 'error', tooltip: 'Nocturn server is not answering', lines: ['Server not answering', readiness.reason.slice(0, 120)], canOpen: true, canRetry: false };
  }
  if (readiness.kind === 'unknown') {
    return { level: 'ok', tooltip: 'Nocturn is running', lines: ['Running'], canOpen: true, canRetry: false };
  }
  const { report } = readiness;
  const problems: string[] = [];
  let level: TrayLevel = 'ok';
  if (!report.ready) {
    level = 'error';
    const critical = Object.entries(report.checks)
      .filter(([, c]) => c.critical && !c.ok)
      .map(([n]) => n);
    problems.push(`Not ready: ${critical.join(', ') || 'unknown'}`);
  }
  if (report.checks.ai && !report.checks.ai.ok) problems.push('AI paused');
  if (failing(report, TUNNEL).length > 0) problems.push('Tunnel down');
  if (failing(report, MODEL).length > 0) problems.push('Model down');
  if (problems.length > 0 && level === 'ok') level = 'warning';
  const lines = ['Running', ...problems];
  return { level, tooltip: problems.length ? `Nocturn: ${problems.join(', ')}` : 'Nocturn is running', lines, canOpen: true, canRetry: false };
}

export interface ReadinessPollerOptions {
  /** The staff URL of the running server, or undefined while there is none. */
  staffUrl: () => string | undefined;
  fetch: (url: string, init: { signal: AbortSignal }) => Promise<{ status: number; json(): Promise<unknown> }>;
  onReadiness: (readiness: Readiness) => void;
  intervalMs?: number;
  timeoutMs?: number;
}

/** Polls `/ready` (200 ready, 503 not ready: both carry a report) with a timeout per request. */
export class ReadinessPoller {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = true;

  constructor(private readonly opts: ReadinessPollerOptions) {}

  async pollOnce(): Promise<Readiness> {
    const base = this.opts.staffUrl();
    if (!base) return { kind: 'unknown' };
    try {
      const res = await this.opts.fetch(`${base}/ready`, { signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5_000) });
      if (res.status !== 200 && res.status !== 503) return { kind: 'unreachable', reason: `/ready answered ${res.status}` };
      const parsed = readyReport.safeParse(await res.json());
      return parsed.success ? { kind: 'report', report: parsed.data } : { kind: 'unreachable', reason: '/ready answered an unexpected body' };
    } catch (err) {
      return { kind: 'unreachable', reason: (err as Error).message };
    }
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = async () => {
      const readiness = await this.pollOnce();
      if (this.stopped) return;
      this.opts.onReadiness(readiness);
      this.timer = setTimeout(() => void tick(), this.opts.intervalMs ?? 15_000);
    };
    void tick();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
