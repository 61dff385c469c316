import { describe, expect, it } from 'vitest';
import type { Clock } from '../../shared/clock.js';
import { LlmQuotaError, LlmRateLimitedError, LlmUnavailableError, type LlmProvider, type LlmRequest, type LlmResult } from './llm.port.js';
import { CircuitBreaker, ResilientProvider, backoffMs, type RetryPolicy } from './resilience.js';

function fakeClock(start = Date.parse('2026-03-10T12:00:00Z')): Clock & { advance(ms: number): void } {
  let t = start;
  return { now: () => new Date(t), advance: (ms) => (t += ms) };
}

const ok: LlmResult = { text: 'ok', provider: 'ollama', model: 'm', inputTokens: 1, outputTokens: 1, latencyMs: 1, costUsd: 0 };

/** A provider that fails with the queued errors, then answers. */
function scripted(errors: Error[]): LlmProvider & { calls: number } {
  const p = {
    name: 'ollama' as const,
    model: 'm',
    calls: 0,
    async generate(_req: LlmRequest) {
      p.calls += 1;
      const e = errors.shift();
      if (e) throw e;
      return ok;
    },
    async health() {
      return { provider: 'ollama' as const, model: 'm', ok: true, detail: '', latencyMs: 0 };
    },
  };
  return p;
}

const policy: RetryPolicy = { attempts: 3, baseDelayMs: 100, maxDelayMs: 1_000, maxTotalMs: 10_000, maxRetryAfterMs: 5_000 };
const req: LlmRequest = { system: 's', messages: [{ role: 'user', content: 'hi' }] };

describe('circuit breaker', () => {
  it('opens after N consecutive failures, lets one trial through after the cooldown, closes on success', () => {
    const clock = fakeClock();
    const changes: string[] = [];
    const b = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 1_000 }, clock, (s) => changes.push(s));
    b.failure();
    b.success();
    b.failure();
    b.failure();
    expect(b.state).toBe('closed');
    b.failure();
    expect(b.state).toBe('open');
    expect(b.tryAcquire()).toBe(false);
    clock.advance(999);
    expect(b.tryAcquire()).toBe(false);
    clock.advance(1);
    expect(b.state).toBe('half-open');
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false); // only one trial at a time
    b.success();
    expect(b.state).toBe('closed');
    expect(changes).toEqual(['open', 'half-open', 'closed']);
  });

  it('goes straight back to open when the trial fails', () => {
    const clock = fakeClock();
    const b = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 500 }, clock);
    b.failure();
    clock.advance(500);
    expect(b.tryAcquire()).toBe(true);
    b.failure();
    expect(b.state).toBe('open');
    expect(b.retryInMs()).toBe(500);
  });
});

describe('retries', () => {
  it('backs off exponentially with at most 25% jitter, capped', () => {
    expect(backoffMs(policy, 1, () => 0)).toBe(100);
    expect(backoffMs(policy, 2, () => 0)).toBe(200);
    expect(backoffMs(policy, 3, () => 1)).toBe(300);
    expect(backoffMs(policy, 10, () => 0)).toBe(1_000);
  });

  it('retries retryable errors up to the attempt limit, waiting retry-after when given', async () => {
    const clock = fakeClock();
    const waits: number[] = [];
    const inner = scripted([new LlmUnavailableError('ollama', '500'), new LlmRateLimitedError('ollama', 1_500)]);
    const breaker = new CircuitBreaker({ failureThreshold: 10, cooldownMs: 1_000 }, clock);
    const p = new ResilientProvider(inner, breaker, policy, { clock, sleep: async (ms) => void waits.push(ms), random: () => 0 });
    await expect(p.generate(req)).resolves.toEqual(ok);
    expect(inner.calls).toBe(3);
    expect(waits).toEqual([100, 1_500]);
  });

  it('never retries a do-not-retry error such as insufficient_quota', async () => {
    const clock = fakeClock();
    const inner = scripted([new LlmQuotaError('ollama', 'insufficient_quota')]);
    const p = new ResilientProvider(inner, new CircuitBreaker({ failureThreshold: 10, cooldownMs: 1 }, clock), policy, { clock, sleep: async () => {} });
    await expect(p.generate(req)).rejects.toBeInstanceOf(LlmQuotaError);
    expect(inner.calls).toBe(1);
  });

  it('gives up instead of waiting past the total time bound or a long retry-after', async () => {
    const clock = fakeClock();
    const slow = scripted([new LlmRateLimitedError('ollama', 60_000)]);
    const p1 = new ResilientProvider(slow, new CircuitBreaker({ failureThreshold: 10, cooldownMs: 1 }, clock), policy, { clock, sleep: async () => {} });
    await expect(p1.generate(req)).rejects.toBeInstanceOf(LlmRateLimitedError);
    expect(slow.calls).toBe(1);

    const failing = scripted([new LlmUnavailableError('ollama', 'a'), new LlmUnavailableError('ollama', 'b'), new LlmUnavailableError('ollama', 'c')]);
    const p2 = new ResilientProvider(failing, new CircuitBreaker({ failureThreshold: 10, cooldownMs: 1 }, clock), { ...policy, maxTotalMs: 150 }, {
      clock,
      sleep: async (ms) => clock.advance(ms),
      random: () => 0,
    });
    await expect(p2.generate(req)).rejects.toThrow('b');
    expect(failing.calls).toBe(2);
  });

  it('stops retrying as soon as the circuit opens', async () => {
    const clock = fakeClock();
    const inner = scripted([new LlmUnavailableError('ollama', 'a'), new LlmUnavailableError('ollama', 'b'), new LlmUnavailableError('ollama', 'c')]);
    const breaker = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 1_000 }, clock);
    const p = new ResilientProvider(inner, breaker, policy, { clock, sleep: async () => {} });
    await expect(p.generate(req)).rejects.toThrow('b');
    expect(inner.calls).toBe(2);
    await expect(p.generate(req)).rejects.toMatchObject({ outcome: 'circuit_open' });
    expect(inner.calls).toBe(2);
  });
});
