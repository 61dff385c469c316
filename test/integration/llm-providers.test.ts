import { Ollama } from 'ollama';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { AnthropicAdapter } from '../../server/features/llm/anthropic.adapter.js';
import { retryAfterMs } from '../../server/features/llm/cloud-http.js';
import { LlmQuotaError, LlmRateLimitedError, LlmTimeoutError, LlmUnavailableError, ModelMissingError } from '../../server/features/llm/llm.port.js';
import { OllamaAdapter } from '../../server/features/llm/ollama.adapter.js';
import { OpenAiAdapter } from '../../server/features/llm/openai.adapter.js';
import { systemClock } from '../../server/shared/clock.js';
import { startCloudStub, type CloudStub } from '../support/cloud-stub.js';
import { startOllamaStub, type OllamaStub } from '../support/ollama-stub.js';

const schema = { type: 'object', properties: { reply: { type: 'string' } }, required: ['reply'] };
const secrets = { get: async () => 'test-cloud-key-not-real' };
const price = { inputPer1kUsd: 0.001, outputPer1kUsd: 0.005 };

let ollama: OllamaStub;
let cloud: CloudStub;

beforeAll(async () => {
  [ollama, cloud] = await Promise.all([startOllamaStub({ models: ['qwen2.5:7b-instruct'] }), startCloudStub()]);
});
afterAll(async () => {
  await Promise.all([ollama.close(), cloud.close()]);
});
beforeEach(() => {
  ollama.requests.length = 0;
  cloud.requests.length = 0;
});

describe('Ollama adapter (real HTTP, NDJSON streaming)', () => {
  const adapter = (model = 'qwen2.5:7b-instruct', timeoutMs = 400) => new OllamaAdapter({ host: ollama.url, model, timeoutMs });

  it('streams a chat with the JSON schema as format and assembles the chunks', async () => {
    const reply = '{"reply":"Breakfast is served from 6:30 to 10:30 in the Lobby Café."}';
    ollama.behave({ kind: 'reply', content: reply, chunkSize: 3, promptEvalCount: 321, evalCount: 23 });
    const r = await adapter().generate({ system: 'You are the front desk.', messages: [{ role: 'user', content: 'When is breakfast?' }], schema });
    expect(r).toMatchObject({ text: reply, provider: 'ollama', model: 'qwen2.5:7b-instruct', inputTokens: 321, outputTokens: 23, costUsd: 0 });
    const sent = ollama.requests.find((q) => q.path === '/api/chat')!.body as Record<string, unknown>;
    expect(sent).toMatchObject({ model: 'qwen2.5:7b-instruct', stream: true, format: schema });
    expect(sent.messages).toEqual([
      { role: 'system', content: 'You are the front desk.' },
      { role: 'user', content: 'When is breakfast?' },
    ]);
  });

  it('reports a missing model with the command that installs it', async () => {
    const err = await adapter('llama3.2:3b').generate({ system: 's', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelMissingError);
    expect((err as Error).message).toContain('ollama pull llama3.2:3b');
    const health = await adapter('llama3.2:3b').health();
    expect(health).toMatchObject({ ok: false, model: 'llama3.2:3b' });
    expect(health.detail).toContain('ollama pull llama3.2:3b');
    await expect(adapter().health()).resolves.toMatchObject({ ok: true });
  });

  it('times out a reply slower than its timeout, and a stream that stalls mid-way', async () => {
    ollama.behave({ kind: 'reply', content: '{"reply":"late"}', delayMs: 3_000 });
    const started = Date.now();
    await expect(adapter('qwen2.5:7b-instruct', 250).generate({ system: 's', messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(LlmTimeoutError);
    ollama.behave({ kind: 'reply', content: '{"reply":"slowly streamed"}', chunkSize: 2, chunkDelayMs: 100 });
    await expect(adapter('qwen2.5:7b-instruct', 250).generate({ system: 's', messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(LlmTimeoutError);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('maps a 500, an in-stream error, a malformed stream and a closed port to "unavailable"', async () => {
    const ask = (a = adapter()) => a.generate({ system: 's', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    ollama.behave({ kind: 'status', status: 500 });
    expect(await ask()).toMatchObject({ outcome: 'unavailable', retryable: true });
    ollama.behave({ kind: 'stream-error', error: 'model runner has unexpectedly stopped' });
    expect(await ask()).toBeInstanceOf(LlmUnavailableError);
    ollama.behave({ kind: 'malformed' });
    const printed = vi.spyOn(console, 'warn');
    expect(await ask()).toBeInstanceOf(LlmUnavailableError);
    expect(printed).not.toHaveBeenCalled(); // the broken line (guest text) never reaches the console
    printed.mockRestore();
    const closed = new OllamaAdapter({ host: 'http://127.0.0.1:9', model: 'x', timeoutMs: 400 });
    expect(((await ask(closed)) as Error).message).toMatch(/cannot reach Ollama at 127\.0\.0\.1:9/);
  });

  it('the stub also answers non-streaming chats and embeddings like Ollama does', async () => {
    ollama.behave({ kind: 'reply', content: '{"age": 22, "available": false}' });
    const client = new Ollama({ host: ollama.url });
    const r = await client.chat({ model: 'qwen2.5:7b-instruct', messages: [{ role: 'user', content: 'x' }], stream: false });
    expect(r).toMatchObject({ done: true, message: { content: '{"age": 22, "available": false}' }, eval_count: 17 });
    const e = await client.embed({ model: 'qwen2.5:7b-instruct', input: ['a', 'b'] });
    expect(e.embeddings).toHaveLength(2);
  });
});

describe('cloud adapters (OpenAI-compatible and Anthropic wire formats)', () => {
  const opts = () => ({ baseUrl: cloud.url, model: 'cloud-model', timeoutMs: 400, price });

  it('OpenAI: bearer key, strict json_schema response format, usage priced', async () => {
    cloud.behave({ kind: 'reply', content: '{"reply":"ok"}', inputTokens: 2_000, outputTokens: 100 });
    const r = await new OpenAiAdapter(opts(), { secrets, clock: systemClock }).generate({ system: 'sys', messages: [{ role: 'user', content: 'hi' }], schema });
    expect(r).toMatchObject({ text: '{"reply":"ok"}', provider: 'openai', inputTokens: 2_000, outputTokens: 100 });
    expect(r.costUsd).toBeCloseTo(0.0025, 10);
    const q = cloud.requests[0]!;
    expect(q.path).toBe('/v1/chat/completions');
    expect(q.headers.authorization).toBe('Bearer test-cloud-key-not-real');
    expect(q.body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'reply', strict: true, schema: { type: 'object', properties: { reply: { type: 'string' } }, required: ['reply'], additionalProperties: false } },
    });
    expect(q.body.messages).toEqual([
      { role: 'system', content: 'sys' },
      { role: 'user', content: 'hi' },
    ]);
  });

  it('Anthropic: x-api-key, anthropic-version 2023-06-01, system prompt carries the schema', async () => {
    cloud.behave({ kind: 'reply', content: '```json\n{"reply":"ok"}\n```' });
    const r = await new AnthropicAdapter(opts(), { secrets, clock: systemClock }).generate({ system: 'sys', messages: [{ role: 'user', content: 'hi' }], schema });
    expect(r).toMatchObject({ text: '{"reply":"ok"}', provider: 'anthropic', inputTokens: 120, outputTokens: 30 });
    const q = cloud.requests[0]!;
    expect(q.path).toBe('/v1/messages');
    expect(q.headers['x-api-key']).toBe('test-cloud-key-not-real');
    expect(q.headers['anthropic-version']).toBe('2023-06-01');
    expect(q.headers.authorization).toBeUndefined();
    expect(q.body).toMatchObject({ model: 'cloud-model', max_tokens: 1024, messages: [{ role: 'user', content: 'hi' }] });
    expect(String(q.body.system)).toContain('"required":["reply"]');
  });

  it('maps 429 with retry-after, quota errors and 5xx per provider', async () => {
    const openai = new OpenAiAdapter(opts(), { secrets, clock: systemClock });
    const anthropic = new AnthropicAdapter(opts(), { secrets, clock: systemClock });
    const req = { system: 's', messages: [{ role: 'user' as const, content: 'hi' }] };
    cloud.once({ kind: 'rate-limit', retryAfter: '2' }, { kind: 'rate-limit', retryAfterMs: '150' });
    expect(await openai.generate(req).catch((e: unknown) => e)).toMatchObject({ outcome: 'rate_limited', retryAfterMs: 2_000, retryable: true });
    expect(await anthropic.generate(req).catch((e: unknown) => e)).toBeInstanceOf(LlmRateLimitedError);
    cloud.once({ kind: 'quota' }, { kind: 'quota' });
    expect(await openai.generate(req).catch((e: unknown) => e)).toMatchObject({ code: 'insufficient_quota', retryable: false });
    expect(await anthropic.generate(req).catch((e: unknown) => e)).toEqual(expect.any(LlmQuotaError));
    cloud.once({ kind: 'status', status: 529 });
    expect(await anthropic.generate(req).catch((e: unknown) => e)).toMatchObject({ outcome: 'unavailable', retryable: true });
  });

  it('parses retry-after as seconds or an HTTP date', () => {
    const now = { now: () => new Date('2026-03-10T12:00:00Z') };
    expect(retryAfterMs(new Headers({ 'retry-after': '1.5' }), now)).toBe(1_500);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Tue, 10 Mar 2026 12:00:30 GMT' }), now)).toBe(30_000);
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now)).toBe(250);
    expect(retryAfterMs(new Headers(), now)).toBeUndefined();
  });
});
