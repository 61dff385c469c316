import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../server/config/config.js';
import type { BudgetEvent } from '../../server/features/llm/cloud-budget.js';
import { MemoryBudgetStore } from '../support/memory-budget-store.js';
import { createLlmStack, type LlmStackDeps } from '../../server/features/llm/llm.factory.js';
import { InvalidModelOutputError, NoModelAvailableError } from '../../server/features/llm/llm.port.js';
import type { LlmCallEvent, RouteContext } from '../../server/features/llm/llm.router.js';
import { generateStructured } from '../../server/features/llm/structured.js';
import { createLogger } from '../../server/shared/logger.js';
import { lastUserText, startCloudStub, type CloudStub } from '../support/cloud-stub.js';
import { startOllamaStub, type OllamaStub } from '../support/ollama-stub.js';

const Reply = z.object({ reply: z.string(), confidence: z.number().min(0).max(1) });
const okReply = '{"reply":"Check-in is from 3 pm.","confidence":0.92}';
const ctx: RouteContext = { propertyId: 'prop_seaview', timeZone: 'Asia/Kuala_Lumpur' };
const ask = (text: string) => ({ system: 'You answer guests of Seaview Hotel.', messages: [{ role: 'user' as const, content: text }], context: ctx });

let ollama: OllamaStub;
let cloud: CloudStub;

beforeAll(async () => {
  [ollama, cloud] = await Promise.all([startOllamaStub(), startCloudStub()]);
});
afterAll(async () => {
  await Promise.all([ollama.close(), cloud.close()]);
});
beforeEach(() => {
  ollama.requests.length = 0;
  cloud.requests.length = 0;
  ollama.behave({ kind: 'reply', content: okReply });
  cloud.behave({ kind: 'reply', content: okReply });
});

function fakeClock(iso = '2026-03-10T12:00:00Z') {
  let t = Date.parse(iso);
  return { now: () => new Date(t), advance: (ms: number) => void (t += ms) };
}

/** The real factory, configured through the real config loader, against the two stubs. */
function setup(env: Record<string, string> = {}, deps: Partial<LlmStackDeps> = {}) {
  const config = loadConfig({
    NOCTURN_OLLAMA_HOST: ollama.url,
    NOCTURN_OLLAMA_TIMEOUT_MS: '300',
    NOCTURN_CLOUD_PROVIDER: 'openai',
    NOCTURN_CLOUD_BASE_URL: cloud.url,
    NOCTURN_CLOUD_MODEL: 'cloud-model',
    NOCTURN_CLOUD_API_KEY: 'test-cloud-key-not-real',
    NOCTURN_CLOUD_TIMEOUT_MS: '300',
    NOCTURN_LLM_RETRIES: '1',
    NOCTURN_BREAKER_FAILURES: '3',
    NOCTURN_BREAKER_COOLDOWN_MS: '1000',
    ...env,
  });
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  const log = createLogger({ level: 'info', destination: sink as unknown as Parameters<typeof createLogger>[0]['destination'] });
  const calls: LlmCallEvent[] = [];
  const budgetEvents: BudgetEvent[] = [];
  const clock = fakeClock();
  const budget = new MemoryBudgetStore();
  const stack = createLlmStack(config.llm, {
    clock,
    log,
    budget,
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    onCall: (e) => calls.push(e),
    onBudget: (e) => budgetEvents.push(e),
    ...deps,
  });
  return { ...stack, clock, budget, calls, budgetEvents, logs: () => lines.join('') };
}

describe('LLM router: local first, cloud on failure (C6, C8)', () => {
  it('answers from Ollama and records provider, tokens, latency and zero cost', async () => {
    const { router, calls } = setup();
    const r = await router.generate({ ...ask('When is check-in?'), schema: { type: 'object' } });
    expect(r).toMatchObject({ route: 'local', provider: 'ollama', text: okReply, inputTokens: 42, outputTokens: 17, costUsd: 0 });
    expect(cloud.requests).toHaveLength(0);
    expect(calls).toEqual([expect.objectContaining({ provider: 'ollama', route: 'local', outcome: 'ok', inputTokens: 42, outputTokens: 17 })]);
  });

  it('falls back to the cloud when Ollama fails with 500s (after one retry), and charges the budget', async () => {
    const { router, budget, calls } = setup();
    ollama.behave({ kind: 'status', status: 500 });
    const r = await router.generate(ask('When is check-in?'));
    expect(r).toMatchObject({ route: 'cloud', provider: 'openai', inputTokens: 120, outputTokens: 30 });
    expect(r.costUsd).toBeCloseTo(0.00027, 10);
    expect(ollama.chatCalls()).toBeGreaterThanOrEqual(2);
    expect(r.attempts.map((a) => [a.provider, a.outcome])).toEqual([
      ['ollama', 'unavailable'],
      ['openai', 'ok'],
    ]);
    expect(budget.spentUsd('prop_seaview', '2026-03-10')).toBeCloseTo(0.00027, 10);
    expect(calls.map((c) => c.outcome)).toEqual(['unavailable', 'ok']);
  });

  it('passes the local model\'s answer on piece by piece as it streams, a new try starting afresh, and the cloud fallback\'s not at all', async () => {
    const { router } = setup();
    const pieces: { soFar: string; chunk: string }[] = [];
    const onDelta = (soFar: string, chunk: string) => pieces.push({ soFar, chunk });
    ollama.once({ kind: 'reply', content: '{"reply":"3pm","confidence":7}', chunkSize: 5 });
    const r = await generateStructured(router, Reply, { ...ask('When is check-in?'), onDelta });
    expect(r.tries).toBe(2);
    const starts = pieces.filter((p) => p.soFar === p.chunk).map((p) => p.chunk);
    // One first piece per try (5 characters, then the default 4).
    expect(starts).toEqual(['{"rep', '{"re']);
    expect(pieces.at(-1)!.soFar).toBe(okReply);
    for (const p of pieces) expect(p.soFar.endsWith(p.chunk)).toBe(true);

    pieces.length = 0;
    ollama.behave({ kind: 'status', status: 500 });
    const fallback = await router.generate({ ...ask('When is check-in?'), onDelta });
    expect(fallback.route).toBe('cloud');
    expect(pieces).toEqual([]);
  });

  it('falls back when Ollama is slower than its timeout, without retrying the timeout', async () => {
    const { router } = setup();
    ollama.behave({ kind: 'reply', content: okReply, delayMs: 5_000 });
    const before = ollama.chatCalls();
    const started = Date.now();
    const r = await router.generate(ask('Is there parking?'));
    expect(r.route).toBe('cloud');
    expect(r.attempts[0]).toMatchObject({ provider: 'ollama', outcome: 'timeout' });
    expect(ollama.chatCalls() - before).toBe(1);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('throws NoModelAvailable, bounded by the timeouts, when both are down', async () => {
    const { router } = setup();
    ollama.behave({ kind: 'hang' });
    cloud.behave({ kind: 'hang' });
    const started = Date.now();
    const err = await router.generate(ask('Hello?')).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(err).toBeInstanceOf(NoModelAvailableError);
    expect((err as NoModelAvailableError).attempts.map((a) => a.outcome)).toEqual(['timeout', 'timeout']);

    const offline = setup({ NOCTURN_OLLAMA_HOST: 'http://127.0.0.1:9', NOCTURN_CLOUD_PROVIDER: 'none' });
    const err2 = await offline.router.generate(ask('Hello?')).catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(NoModelAvailableError);
    expect((err2 as NoModelAvailableError).attempts).toEqual([expect.objectContaining({ provider: 'ollama', outcome: 'unavailable' })]);
  });

  it('stops at once, without trying the cloud, when the caller cancels', async () => {
    const { router } = setup({ NOCTURN_OLLAMA_TIMEOUT_MS: '5000' });
    ollama.behave({ kind: 'hang' });
    const cancel = new AbortController();
    setTimeout(() => cancel.abort(), 50);
    const started = Date.now();
    await expect(router.generate({ ...ask('Hi'), signal: cancel.signal })).rejects.toMatchObject({ outcome: 'aborted' });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(cloud.requests).toHaveLength(0);
  });

  it('reports a missing local model and still answers from the cloud', async () => {
    const { router, logs } = setup({ NOCTURN_OLLAMA_MODEL: 'not-installed:1b' });
    const r = await router.generate(ask('Hi'));
    expect(r.route).toBe('cloud');
    expect(r.attempts[0]).toMatchObject({ outcome: 'model_missing', detail: expect.stringContaining('ollama pull not-installed:1b') });
    expect(logs()).toContain('ollama pull not-installed:1b');
  });

  it('opens the circuit after repeated failures (Ollama is no longer called) and closes it after the cooldown', async () => {
    const { router, clock, local } = setup({ NOCTURN_LLM_RETRIES: '0' });
    ollama.behave({ kind: 'status', status: 503 });
    const start = ollama.chatCalls();
    for (let i = 0; i < 3; i++) expect((await router.generate(ask('Hi'))).route).toBe('cloud');
    expect(ollama.chatCalls() - start).toBe(3);
    expect(local.breaker.state).toBe('open');

    const r = await router.generate(ask('Hi'));
    expect(r.route).toBe('cloud');
    expect(r.attempts[0]!.outcome).toBe('circuit_open');
    expect(ollama.chatCalls() - start).toBe(3);

    ollama.behave({ kind: 'reply', content: okReply });
    clock.advance(1_000);
    expect(local.breaker.state).toBe('half-open');
    expect((await router.generate(ask('Hi'))).route).toBe('local');
    expect(local.breaker.state).toBe('closed');
    expect((await router.generate(ask('Hi'))).route).toBe('local');
    expect(ollama.chatCalls() - start).toBe(5);
  });
});

describe('guest PII never reaches the cloud (B3)', () => {
  const message =
    "Hi, I'm Siti Aminah. Please call me on +60 12-345 6789 or 012-987 6543, or email siti.aminah@example.com. " +
    'My card is 4111 1111 1111 1111. Do you have a sea-view room on 2026-12-24?';
  // The stand-in model writes back every placeholder it received.
  const echoPlaceholders = (q: Parameters<typeof lastUserText>[0]) =>
    JSON.stringify({ reply: `Noted: ${[...new Set(lastUserText(q).match(/⟦[A-Z]+_\d+⟧/g) ?? [])].join(' ')}`, confidence: 0.9 });

  for (const provider of ['openai', 'anthropic'] as const) {
    it(`masks names, phones, emails and cards for ${provider} and restores them in the reply`, async () => {
      const { router, logs } = setup({ NOCTURN_CLOUD_PROVIDER: provider });
      ollama.behave({ kind: 'status', status: 500 });
      cloud.behave({ kind: 'reply', content: echoPlaceholders });
      const { data, result } = await generateStructured(router, Reply, {
        system: 'You answer guests of Seaview Hotel. Reservations: +60 3-2222 8888.',
        messages: [{ role: 'user', content: message }],
        context: { ...ctx, guestNames: ['Siti Aminah'], phoneCountry: 'MY' },
      });
      expect(result.route).toBe('cloud');
      const sent = cloud.requests.map((q) => q.raw).join('\n');
      expect(sent.length).toBeGreaterThan(0);
      for (const leak of ['Siti', 'Aminah', '345 6789', '987 6543', 'siti.aminah@example.com', '4111', '2222 8888']) expect(sent).not.toContain(leak);
      expect(sent).toContain('2026-12-24');
      expect(data.reply).toContain('Siti Aminah');
      expect(data.reply).toContain('+60 12-345 6789');
      expect(data.reply).toContain('012-987 6543');
      expect(data.reply).toContain('siti.aminah@example.com');
      expect(data.reply).toContain('4111 1111 1111 1111');
      expect(logs()).not.toContain('6789');
      expect(logs()).not.toContain('siti.aminah');
      expect(logs()).not.toContain('test-cloud-key-not-real');
    });
  }
});

describe('daily cloud budget per hotel (C8)', () => {
  it('warns at 80%, stops calling the cloud at 100%, and resets at the hotel’s midnight', async () => {
    const { router, clock, budgetEvents } = setup({ NOCTURN_BREAKER_FAILURES: '100' });
    ollama.behave({ kind: 'status', status: 500 });
    // 1,000 + 1,000 tokens at 0.001 / 0.005 USD per 1k = 0.006 USD a call; budget 0.007 USD.
    cloud.behave({ kind: 'reply', content: okReply, inputTokens: 1_000, outputTokens: 1_000 });
    const withBudget = { ...ask('Hi'), context: { ...ctx, dailyCloudBudgetUsd: 0.007 } };

    await router.generate(withBudget);
    expect(budgetEvents).toEqual([expect.objectContaining({ type: 'llm.budget.warning', propertyId: 'prop_seaview', day: '2026-03-10', limitUsd: 0.007 })]);
    await router.generate(withBudget);
    expect(budgetEvents.map((e) => e.type)).toEqual(['llm.budget.warning', 'llm.budget.exhausted']);
    expect(cloud.requests).toHaveLength(2);

    const err = await router.generate(withBudget).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoModelAvailableError);
    expect((err as NoModelAvailableError).attempts.map((a) => a.outcome)).toEqual(['unavailable', 'budget_exhausted']);
    expect(cloud.requests).toHaveLength(2);

    // 12:00Z is 20:00 in Kuala Lumpur; four hours later it is a new day there (still the 10th in UTC).
    clock.advance(4 * 3_600_000);
    await expect(router.generate(withBudget)).resolves.toMatchObject({ route: 'cloud' });
    expect(cloud.requests).toHaveLength(3);
  });

  it('sends nothing to the cloud for a hotel already at 100%, or with a zero budget', async () => {
    const { router, budget } = setup();
    ollama.behave({ kind: 'status', status: 500 });
    budget.addUsd('prop_seaview', '2026-03-10', 2);
    await expect(router.generate(ask('Hi'))).rejects.toBeInstanceOf(NoModelAvailableError);
    await expect(router.generate({ ...ask('Hi'), context: { ...ctx, propertyId: 'prop_other', dailyCloudBudgetUsd: 0 } })).rejects.toBeInstanceOf(NoModelAvailableError);
    expect(cloud.requests).toHaveLength(0);
  });
});

describe('structured output and do-not-retry errors (C5, C6)', () => {
  it('retries invalid JSON once with the problems spelled out, then throws InvalidModelOutput', async () => {
    const { router } = setup();
    ollama.behave({ kind: 'reply', content: 'Sure! Check-in is at 3pm.' });
    const before = ollama.chatCalls();
    const err = await generateStructured(router, Reply, ask('When is check-in?')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidModelOutputError);
    expect(ollama.chatCalls() - before).toBe(2);
    const retry = ollama.requests.filter((q) => q.path === '/api/chat').at(-1)!.body as { messages: { role: string; content: string }[]; format: unknown };
    expect(retry.messages.at(-2)).toEqual({ role: 'assistant', content: 'Sure! Check-in is at 3pm.' });
    expect(retry.messages.at(-1)!.content).toMatch(/not valid JSON/);
    expect(retry.format).toMatchObject({ type: 'object', required: ['reply', 'confidence'] });
    expect(cloud.requests).toHaveLength(0);
  });

  it('accepts the retried reply when it is valid', async () => {
    const { router } = setup();
    ollama.once({ kind: 'reply', content: '{"reply":"3pm","confidence":7}' });
    const r = await generateStructured(router, Reply, ask('When is check-in?'));
    expect(r).toMatchObject({ tries: 2, data: { reply: 'Check-in is from 3 pm.', confidence: 0.92 } });
    expect(r.result.inputTokens).toBe(84);
  });

  it('does not retry insufficient_quota (OpenAI) or enforced_spend_limit_reached (Anthropic), but retries a 429 with retry-after', async () => {
    for (const provider of ['openai', 'anthropic'] as const) {
      const { router } = setup({ NOCTURN_CLOUD_PROVIDER: provider });
      ollama.behave({ kind: 'status', status: 500 });
      cloud.requests.length = 0;
      cloud.behave({ kind: 'quota' });
      const err = await router.generate(ask('Hi')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NoModelAvailableError);
      expect((err as NoModelAvailableError).attempts.at(-1)!.outcome).toBe('quota_exhausted');
      expect(cloud.requests).toHaveLength(1);
    }
    const { router } = setup();
    cloud.requests.length = 0;
    cloud.behave({ kind: 'reply', content: okReply });
    cloud.once({ kind: 'rate-limit', retryAfter: '0' });
    await expect(router.generate(ask('Hi'))).resolves.toMatchObject({ route: 'cloud' });
    expect(cloud.requests).toHaveLength(2);
  });
});
