import type { Clock } from '../../shared/clock.js';
import { systemClock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { ReadinessCheck } from '../system/system.service.js';
import { TunnelUnavailableError, type TunnelProvider, type TunnelProviderName, type TunnelSession, type TunnelStatus } from './tunnel.port.js';

export interface TunnelManagerSettings {
  /** First wait before starting again after the tunnel ended or failed; doubles each time. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A tunnel that stayed up this long starts the backoff from the beginning again. */
  stableMs: number;
  /** How often to check health while up (0 = only watch the process). */
  probeIntervalMs: number;
  probeTimeoutMs: number;
  /** Consecutive failed checks before the tunnel counts as down. */
  probeFailures: number;
}

const DEFAULT_TUNNEL_SETTINGS: TunnelManagerSettings = {
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  stableMs: 60_000,
  probeIntervalMs: 60_000,
  probeTimeoutMs: 10_000,
  probeFailures: 3,
};

/** Checks the public URL end to end: the tunnel's edge must reach our /health. */
async function probeHealth(url: string, timeoutMs: number): Promise<{ ok: boolean; detail?: string }> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    await res.body?.cancel();
    return res.status === 200 ? { ok: true } : { ok: false, detail: `${url}/health answered ${res.status}` };
  } catch (err) {
    return { ok: false, detail: `${url}/health unreachable: ${(err as Error).message}` };
  }
}

/**
 * Supervises the tunnel to the public listener (D7): starts it, learns its public URL, watches
 * it (process exit, health checks), and starts it again with exponential backoff when it ends.
 * A provider that cannot work here (not installed) is reported once and left alone.
 */
export class TunnelManager {
  private current: TunnelStatus;
  private session: TunnelSession | undefined;
  private loop: Promise<void> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  private readonly changeListeners = new Set<(s: TunnelStatus) => void>();
  private readonly settings: TunnelManagerSettings;

  constructor(
    private readonly provider: TunnelProvider | null,
    private readonly deps: { log: Logger; clock?: Clock },
    settings: Partial<TunnelManagerSettings> = {},
  ) {
    this.settings = { ...DEFAULT_TUNNEL_SETTINGS, ...settings };
    const name: TunnelProviderName = provider?.name ?? 'none';
    this.current = { provider: name, state: provider ? 'starting' : 'disabled', url: null, lastError: null, restarts: 0, since: this.now() };
  }

  private now(): string {
    return (this.deps.clock ?? systemClock).now().toISOString();
  }

  status(): TunnelStatus {
    return { ...this.current };
  }

  /** The public URL while the tunnel has one. */
  url(): string | null {
    return this.current.url;
  }

  onChange(fn: (s: TunnelStatus) => void): () => void {
    this.changeListeners.add(fn);
    return () => this.changeListeners.delete(fn);
  }

  private set(patch: Partial<TunnelStatus>): void {
    const stateChanged = patch.state !== undefined && patch.state !== this.current.state;
    this.current = { ...this.current, ...patch, ...(stateChanged ? { since: this.now() } : {}) };
    const snapshot = this.status();
    for (const fn of this.changeListeners) fn(snapshot);
  }

  /** Begins supervising a tunnel to the public listener's port; returns at once. */
  start(target: { port: number }): void {
    if (!this.provider || this.loop || this.stopped) return;
    this.loop = this.supervise(this.provider, target).catch((err: unknown) => {
      this.set({ state: 'down', lastError: (err as Error).message });
      this.deps.log.error({ err }, 'tunnel supervisor failed');
    });
  }

  /** Sleeps, but wakes early when stopped or asked to restart. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private backoff(attempt: number): number {
    const exp = Math.min(this.settings.maxDelayMs, this.settings.baseDelayMs * 2 ** attempt);
    return exp / 2 + Math.random() * (exp / 2);
  }

  private async supervise(provider: TunnelProvider, target: { port: number }): Promise<void> {
    const { log } = this.deps;
    let attempt = 0;
    let first = true;
    while (!this.stopped) {
      this.set({ state: 'starting', url: null, restarts: this.current.restarts + (first ? 0 : 1) });
      first = false;
      let session: TunnelSession;
      try {
        session = await provider.open(target);
      } catch (err) {
        if (this.stopped) return;
        const message = (err as Error).message;
        this.set({ state: 'down', url: null, lastError: message });
        if (err instanceof TunnelUnavailableError) {
          log.error({ provider: provider.name, error: message }, 'tunnel unavailable; not retrying');
          return;
        }
        const delay = this.backoff(attempt++);
        log.warn({ provider: provider.name, error: message, retryInMs: Math.round(delay) }, 'tunnel failed to start; retrying');
        await this.pause(delay);
        continue;
      }
      if (this.stopped) {
        await session.stop();
        return;
      }
      const upAt = Date.now();
      this.session = session;
      this.set({ state: 'up', url: session.url });
      log.info({ provider: provider.name, url: session.url }, 'tunnel up');

      const reason = await this.watch(provider, session);
      this.session = undefined;
      if (this.stopped) return;
      await session.stop();
      this.set({ state: 'down', url: null, lastError: reason });
      if (Date.now() - upAt >= this.settings.stableMs) attempt = 0;
      const delay = this.backoff(attempt++);
      log.warn({ provider: provider.name, reason, retryInMs: Math.round(delay) }, 'tunnel ended; starting it again');
      await this.pause(delay);
    }
  }

  /** Resolves with why the session should end: it ended by itself, or failed its health checks. */
  private watch(provider: TunnelProvider, session: TunnelSession): Promise<string> {
    return new Promise((resolve) => {
      let finished = false;
      let failures = 0;
      let timer: NodeJS.Timeout | undefined;
      const finish = (reason: string) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        resolve(reason);
      };
      this.wake = () => finish('stopped');
      void session.ended.then(finish);
      const { probeIntervalMs, probeTimeoutMs, probeFailures } = this.settings;
      if (probeIntervalMs <= 0) return;
      const check = async () => {
        const result = session.health ? await session.health() : await probeHealth(session.url, probeTimeoutMs);
        if (finished) return;
        if (result.ok) {
          failures = 0;
          if (this.current.state !== 'up') this.set({ state: 'up', lastError: null });
        } else if (++failures >= probeFailures) {
          const reason = `health check failed ${failures} times: ${result.detail ?? 'unhealthy'}`;
          if (provider.restartWhenUnhealthy) return finish(reason);
          this.set({ state: 'down', lastError: reason });
        }
        timer = setTimeout(() => void check(), probeIntervalMs);
      };
      timer = setTimeout(() => void check(), probeIntervalMs);
    });
  }

  /** Stops supervising and ends the tunnel. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.wake?.();
    await this.session?.stop();
    await this.loop;
    if (this.provider) this.set({ state: 'down', url: null });
  }

  /** /ready: the tunnel matters for guests but not for staff, so it is not critical. */
  readinessCheck(): ReadinessCheck {
    return {
      name: 'tunnel',
      critical: false,
      check: async () => {
        const s = this.status();
        return { ok: s.state === 'up' || s.state === 'disabled', detail: { ...s } };
      },
    };
  }
}
