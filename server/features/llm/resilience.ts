import type { Clock } from '../../shared/clock.js';
import {
  CircuitOpenError,
  LlmAbortedError,
  LlmError,
  LlmUnavailableError,
  type LlmHealth,
  type LlmProvider,
  type LlmRequest,
  type LlmResult,
  type ProviderName,
} from './llm.port.js';

/** Waits `ms`, or rejects as soon as `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export interface RetryPolicy {
  /** Tries in total, the first one included (1 = no retry). */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** No retry starts once this much time has passed since the first try. */
  maxTotalMs: number;
  /** A retry-after longer than this is not waited for (the router falls back instead). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 500, maxDelayMs: 8_000, maxTotalMs: 30_000, maxRetryAfterMs: 20_000 };

/** Exponential backoff with up to 25% jitter below the cap (attempt 1 is the first retry). */
export function backoffMs(policy: RetryPolicy, retry: number, random: () => number): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(cap * (1 - 0.25 * random()));
}

type BreakerState = 'closed' | 'open' | 'half-open';

interface BreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long the circuit stays open before one trial request is let through. */
  cooldownMs: number;
}

/**
 * closed -> open after N consecutive failures -> half-open once the cooldown has passed (one trial
 * request at a time) -> closed on a success, open again on a failure.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | undefined;
  private trialInFlight = false;

  constructor(
    private readonly opts: BreakerOptions,
    private readonly clock: Clock,
    private readonly onChange?: (state: BreakerState) => void,
  ) {}

  get state(): BreakerState {
    if (this.openedAt === undefined) return 'closed';
    return this.clock.now().getTime() - this.openedAt >= this.opts.cooldownMs ? 'half-open' : 'open';
  }

  /** Milliseconds until a trial request is allowed (0 when it is allowed now). */
  retryInMs(): number {
    if (this.openedAt === undefined) return 0;
    return Math.max(0, this.openedAt + this.opts.cooldownMs - this.clock.now().getTime());
  }

  /** True when a request may go out now; in half-open only one trial request at a time. */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.trialInFlight) return false;
    this.trialInFlight = true;
    this.onChange?.('half-open');
    return true;
  }

  success(): void {
    const wasOpen = this.openedAt !== undefined;
    this.failures = 0;
    this.openedAt = undefined;
    this.trialInFlight = false;
    if (wasOpen) this.onChange?.('closed');
  }

  failure(): void {
    this.trialInFlight = false;
    this.failures += 1;
    if (this.openedAt !== undefined || this.failures >= this.opts.failureThreshold) {
      this.openedAt = this.clock.now().getTime();
      this.onChange?.('open');
    }
  }

  /** The request ended without telling anything about the server (e.g. the caller cancelled). */
  release(): void {
    this.trialInFlight = false;
  }
}

interface ResilienceDeps {
  clock: Clock;
  sleep?: Sleep;
  random?: () => number;
}

function asLlmError(provider: ProviderName, err: unknown): LlmError {
  if (err instanceof LlmError) return err;
  return new LlmUnavailableError(provider, `unexpected ${err instanceof Error ? err.name : 'error'} from ${provider}`);
}

/**
 * Wraps a provider with a circuit breaker and jittered retries. Each try is one observation for the
 * breaker, and no try starts while the circuit is open, so a failing server stops being called.
 */
export class ResilientProvider implements LlmProvider {
  readonly name: ProviderName;
  readonly model: string;
  private readonly sleep: Sleep;
  private readonly random: () => number;

  constructor(
    private readonly inner: LlmProvider,
    readonly breaker: CircuitBreaker,
    private readonly policy: RetryPolicy,
    private readonly deps: ResilienceDeps,
  ) {
    this.name = inner.name;
    this.model = inner.model;
    this.sleep = deps.sleep ?? realSleep;
    this.random = deps.random ?? Math.random;
  }

  async generate(req: LlmRequest): Promise<LlmResult> {
    const started = this.deps.clock.now().getTime();
    let lastError: LlmError | undefined;
    for (let attempt = 1; attempt <= Math.max(1, this.policy.attempts); attempt++) {
      if (req.signal?.aborted) throw new LlmAbortedError(this.name);
      if (!this.breaker.tryAcquire()) throw lastError ?? new CircuitOpenError(this.name, this.breaker.retryInMs());
      try {
        const result = await this.inner.generate(req);
        this.breaker.success();
        return result;
      } catch (raw) {
        const err = asLlmError(this.name, raw);
        if (err.breaker === 'failure') this.breaker.failure();
        else if (err.breaker === 'success') this.breaker.success();
        else this.breaker.release();
        lastError = err;
        if (!err.retryable || attempt >= this.policy.attempts) throw err;
        const waitMs = err.retryAfterMs ?? backoffMs(this.policy, attempt, this.random);
        if (err.retryAfterMs !== undefined && err.retryAfterMs > this.policy.maxRetryAfterMs) throw err;
        const elapsed = this.deps.clock.now().getTime() - started;
        if (elapsed + waitMs > this.policy.maxTotalMs) throw err;
        try {
          await this.sleep(waitMs, req.signal);
        } catch {
          throw new LlmAbortedError(this.name);
        }
      }
    }
    throw lastError ?? new LlmUnavailableError(this.name, 'no attempt was made');
  }

  health(signal?: AbortSignal): Promise<LlmHealth> {
    return this.inner.health(signal);
  }
}
