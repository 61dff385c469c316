import { z } from 'zod';
import type { Clock } from '../../shared/clock.js';
import {
  LlmAbortedError,
  LlmError,
  LlmQuotaError,
  LlmRateLimitedError,
  LlmRejectedError,
  LlmTimeoutError,
  LlmUnavailableError,
  ModelMissingError,
  type LlmHealth,
  type LlmRequest,
  type LlmResult,
  type ProviderName,
  type SecretSource,
} from './llm.port.js';

export interface CloudAdapterOptions {
  /** API base including the version, e.g. https://api.openai.com/v1. */
  baseUrl: string;
  model: string;
  timeoutMs: number;
  price: { inputPer1kUsd: number; outputPer1kUsd: number };
  maxOutputTokens?: number;
}

export interface CloudAdapterDeps {
  secrets: SecretSource;
  clock: Clock;
  fetch?: typeof fetch;
}

/** The cloud API key; without one the provider refuses, as the cloud would. */
export async function cloudApiKey(deps: CloudAdapterDeps, provider: ProviderName): Promise<string> {
  const key = await deps.secrets.get('llm.cloud.apiKey');
  if (!key) throw new LlmRejectedError(provider, 401, 'no cloud API key is configured');
  return key;
}

/** Configuration check only: a real probe would spend tokens. */
export async function cloudHealth(deps: CloudAdapterDeps, provider: ProviderName, model: string): Promise<LlmHealth> {
  const key = await deps.secrets.get('llm.cloud.apiKey');
  return { provider, model, ok: Boolean(key), detail: key ? 'cloud fallback configured' : 'no cloud API key is configured', latencyMs: 0 };
}

/** Error codes that mean "no money left": retrying cannot help (REFERENCE.md section 4). */
const QUOTA_CODES = new Set(['insufficient_quota', 'enforced_spend_limit_reached', 'billing_hard_limit_reached', 'billing_not_active']);

// OpenAI: {"error":{"message","type","code"}}; Anthropic: {"type":"error","error":{"type","message","details":{"error_code"}}}.
const ErrorBody = z
  .object({
    error: z
      .object({
        message: z.string().optional(),
        type: z.string().nullish(),
        code: z.union([z.string(), z.number()]).nullish(),
        details: z.object({ error_code: z.string().nullish() }).loose().nullish(),
      })
      .loose()
      .optional(),
  })
  .loose();

/** Parses retry-after-ms, then retry-after (seconds or an HTTP date), as milliseconds. */
export function retryAfterMs(headers: Headers, clock: Clock): number | undefined {
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return Math.round(ms);
  const raw = headers.get('retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(raw);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - clock.now().getTime());
}

interface CloudCall {
  provider: ProviderName;
  /** The API base, model and timeout. */
  opts: CloudAdapterOptions;
  /** The fetch (global by default) and the clock for retry-after dates. */
  deps: CloudAdapterDeps;
  /** Below the API base, such as `/messages`. */
  path: string;
  headers: Record<string, string>;
  body: unknown;
  signal?: AbortSignal | undefined;
}

/** The most tokens a reply may use: the request's limit, else the configured one, else 1,024. */
export function maxOutputTokens(req: LlmRequest, opts: CloudAdapterOptions): number {
  return req.maxOutputTokens ?? opts.maxOutputTokens ?? 1024;
}

/** POSTs JSON with a timeout and maps every failure to a typed LlmError. Returns the parsed body. */
export async function postJson(call: CloudCall): Promise<unknown> {
  const { timeoutMs } = call.opts;
  const url = `${call.opts.baseUrl.replace(/\/+$/, '')}${call.path}`;
  const fetchFn = call.deps.fetch ?? globalThis.fetch;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = call.signal ? AbortSignal.any([timeout, call.signal]) : timeout;
  const aborted = (): LlmError | undefined =>
    timeout.aborted ? new LlmTimeoutError(call.provider, timeoutMs) : call.signal?.aborted ? new LlmAbortedError(call.provider) : undefined;
  let res: Response;
  try {
    res = await fetchFn(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...call.headers },
      body: JSON.stringify(call.body),
      signal,
    });
  } catch (err) {
    const code = (err as { cause?: { code?: string } })?.cause?.code;
    throw aborted() ?? new LlmUnavailableError(call.provider, `cannot reach ${call.provider} at ${new URL(url).host}${code ? ` (${code})` : ''}`);
  }
  let text: string;
  try {
    text = await res.text();
  } catch {
    throw aborted() ?? new LlmUnavailableError(call.provider, `${call.provider} closed the connection mid-response`);
  }
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (res.ok) {
    if (json === undefined) throw new LlmUnavailableError(call.provider, `${call.provider} answered ${res.status} without a JSON body`, { retryable: false });
    return json;
  }
  throw httpError(call, res, json);
}

function httpError(call: CloudCall, res: Response, json: unknown): LlmError {
  const status = res.status;
  const parsed = ErrorBody.safeParse(json);
  const error = parsed.success ? parsed.data.error : undefined;
  const codes = [error?.type, error?.code, error?.details?.error_code].filter((c): c is string => typeof c === 'string');
  const quota = codes.find((c) => QUOTA_CODES.has(c));
  if (quota) return new LlmQuotaError(call.provider, quota);
  const shouldRetry = res.headers.get('x-should-retry');
  const after = retryAfterMs(res.headers, call.deps.clock);
  const retryable = shouldRetry === 'true' ? true : shouldRetry === 'false' ? false : undefined;
  // Upstream messages are kept short; a 401 message may quote part of the key, so it is dropped.
  const upstream = error?.message ? `: ${error.message.slice(0, 200)}` : '';
  if (status === 429) return new LlmRateLimitedError(call.provider, after, { retryable: retryable ?? true });
  if (status === 401 || status === 403) return new LlmRejectedError(call.provider, status, `${call.provider} rejected the API key (${status}); check the cloud key`);
  if (status === 404) return new ModelMissingError(call.provider, call.opts.model);
  if (status === 408 || status === 409 || status >= 500) {
    return new LlmUnavailableError(call.provider, `${call.provider} failed (${status}${codes[0] ? ` ${codes[0]}` : ''})${upstream}`, {
      retryable: retryable ?? true,
      retryAfterMs: after,
      status,
    });
  }
  return new LlmRejectedError(call.provider, status, `${call.provider} refused the request (${status}${codes[0] ? ` ${codes[0]}` : ''})${upstream}`);
}

/** USD for a call, from prices per 1,000 tokens. */
function costUsd(inputTokens: number, outputTokens: number, price: { inputPer1kUsd: number; outputPer1kUsd: number }): number {
  return (inputTokens / 1000) * price.inputPer1kUsd + (outputTokens / 1000) * price.outputPer1kUsd;
}

/** A cloud adapter's result: the reply, the tokens the provider counted and their cost, and the time since `started`. */
export function cloudResult(
  provider: ProviderName,
  opts: CloudAdapterOptions,
  started: number,
  reply: { text: string; model: string | undefined; inputTokens: number; outputTokens: number },
): LlmResult {
  return {
    text: reply.text,
    provider,
    model: reply.model ?? opts.model,
    inputTokens: reply.inputTokens,
    outputTokens: reply.outputTokens,
    latencyMs: Math.round(performance.now() - started),
    costUsd: costUsd(reply.inputTokens, reply.outputTokens, opts.price),
  };
}

/** The JSON object inside a reply that may be wrapped in a Markdown code fence. */
export function unfence(text: string): string {
  const m = /^\s*```(?:json)?\s*\n?([\s\S]*?)\n?```\s*$/i.exec(text);
  return m ? (m[1] ?? '') : text;
}
