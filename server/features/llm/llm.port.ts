import { AppError } from '../../shared/errors.js';

/** The port every language-model provider implements (Ollama locally, a cloud API as fallback). */

export interface LlmMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** A JSON Schema object (for example from `z.toJSONSchema`). */
export type JsonSchema = Record<string, unknown>;

export interface LlmRequest {
  system: string;
  messages: LlmMessage[];
  /** When set the provider is asked for one JSON object matching this schema. */
  schema?: JsonSchema;
  /** The caller's cancellation; each provider adds its own timeout on top. */
  signal?: AbortSignal;
  /** Upper bound on generated tokens (default per adapter). */
  maxOutputTokens?: number;
  /**
   * Called by providers that stream as each piece of the answer arrives, with the text so far.
   * `chunk === textSoFar` marks the first piece of a new try. Providers that do not stream never
   * call it (the caller then has only the whole answer). Must not throw.
   */
  onDelta?: (textSoFar: string, chunk: string) => void;
}

export type ProviderName = 'ollama' | 'openai' | 'anthropic';

export interface LlmResult {
  text: string;
  provider: ProviderName;
  model: string;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
  costUsd: number;
}

export interface LlmHealth {
  provider: ProviderName;
  model: string;
  ok: boolean;
  /** Short operator-facing explanation, e.g. how to install a missing model. */
  detail: string;
  latencyMs: number;
}

export interface LlmProvider {
  readonly name: ProviderName;
  readonly model: string;
  generate(req: LlmRequest): Promise<LlmResult>;
  health(signal?: AbortSignal): Promise<LlmHealth>;
}

/** The cloud key (and later other secrets) come from here, so the vault can hold them encrypted. */
export interface SecretSource {
  get(name: 'llm.cloud.apiKey'): Promise<string | undefined>;
}

/** What happened on one provider attempt; used for metrics, attempt lists and the breaker. */
export type LlmOutcome =
  | 'ok'
  | 'timeout'
  | 'unavailable'
  | 'rate_limited'
  | 'model_missing'
  | 'quota_exhausted'
  | 'rejected'
  | 'invalid_output'
  | 'aborted'
  | 'circuit_open'
  | 'budget_exhausted'
  | 'not_configured';

/** How an error counts for a circuit breaker: the server failed, the server answered, or neither. */
type BreakerVerdict = 'failure' | 'success' | 'neutral';

interface LlmErrorTraits {
  outcome: LlmOutcome;
  /** Worth trying the same provider again after a pause. */
  retryable: boolean;
  /** Worth trying the next provider in the chain. */
  fallback: boolean;
  breaker: BreakerVerdict;
  retryAfterMs?: number | undefined;
}

/** Base of every provider error. Messages never contain prompts, replies or keys. */
export class LlmError extends AppError {
  readonly outcome: LlmOutcome;
  readonly retryable: boolean;
  readonly fallback: boolean;
  readonly breaker: BreakerVerdict;
  readonly retryAfterMs: number | undefined;

  constructor(
    readonly provider: ProviderName | 'router',
    status: number,
    type: string,
    title: string,
    detail: string,
    traits: LlmErrorTraits,
  ) {
    super(status, type, title, detail);
    this.outcome = traits.outcome;
    this.retryable = traits.retryable;
    this.fallback = traits.fallback;
    this.breaker = traits.breaker;
    this.retryAfterMs = traits.retryAfterMs;
  }
}

/** The provider did not answer within its timeout. Not retried: the router falls back instead. */
export class LlmTimeoutError extends LlmError {
  constructor(provider: ProviderName, timeoutMs: number) {
    super(provider, 504, 'llm-timeout', 'Language model timed out', `${provider} did not answer within ${timeoutMs} ms`, {
      outcome: 'timeout',
      retryable: false,
      fallback: true,
      breaker: 'failure',
    });
  }
}

/** Connection refused, 5xx, overloaded, broken stream. */
export class LlmUnavailableError extends LlmError {
  constructor(provider: ProviderName, detail: string, opts: { retryable?: boolean; retryAfterMs?: number | undefined; status?: number } = {}) {
    super(provider, 503, 'llm-unavailable', 'Language model unavailable', detail, {
      outcome: 'unavailable',
      retryable: opts.retryable ?? true,
      fallback: true,
      breaker: 'failure',
      retryAfterMs: opts.retryAfterMs,
    });
  }
}

/** 429 that may be retried after `retryAfterMs`. */
export class LlmRateLimitedError extends LlmError {
  constructor(provider: ProviderName, retryAfterMs: number | undefined, opts: { retryable?: boolean } = {}) {
    super(
      provider,
      503,
      'llm-rate-limited',
      'Language model rate limited',
      `${provider} is rate limiting requests${retryAfterMs !== undefined ? ` (retry after ${retryAfterMs} ms)` : ''}`,
      { outcome: 'rate_limited', retryable: opts.retryable ?? true, fallback: true, breaker: 'failure', retryAfterMs },
    );
  }
}

/** The configured model is not installed (Ollama) or does not exist (cloud). */
export class ModelMissingError extends LlmError {
  constructor(
    provider: ProviderName,
    readonly model: string,
  ) {
    super(
      provider,
      503,
      'llm-model-missing',
      'Language model missing',
      provider === 'ollama'
        ? `The model "${model}" is not installed in Ollama. Install it on this computer with: ollama pull ${model}`
        : `The ${provider} model "${model}" does not exist or this key cannot use it; check NOCTURN_CLOUD_MODEL`,
      { outcome: 'model_missing', retryable: false, fallback: true, breaker: 'failure' },
    );
  }
}

/** Credits or spend limit exhausted (insufficient_quota, enforced_spend_limit_reached): never retried. */
export class LlmQuotaError extends LlmError {
  constructor(
    provider: ProviderName,
    readonly code: string,
  ) {
    super(provider, 503, 'llm-quota-exhausted', 'Cloud model quota exhausted', `${provider} refused the request: ${code}; add credit or raise the spend limit`, {
      outcome: 'quota_exhausted',
      retryable: false,
      fallback: true,
      breaker: 'failure',
    });
  }
}

/** The provider refused this request (400, 401, 403); retrying the same request will not help. */
export class LlmRejectedError extends LlmError {
  constructor(provider: ProviderName, status: number, detail: string) {
    super(provider, 502, 'llm-rejected', 'Language model rejected the request', detail, {
      outcome: 'rejected',
      retryable: false,
      fallback: true,
      breaker: status === 401 || status === 403 ? 'failure' : 'success',
    });
  }
}

/** The model answered, but not with what was asked (bad JSON, schema mismatch, refusal, truncated). */
export class InvalidModelOutputError extends LlmError {
  constructor(
    provider: ProviderName | 'router',
    detail: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(provider, 502, 'llm-invalid-output', 'Language model output was not valid', detail, {
      outcome: 'invalid_output',
      retryable: false,
      fallback: false,
      breaker: 'success',
    });
  }
}

/** The caller cancelled (its signal aborted). */
export class LlmAbortedError extends LlmError {
  constructor(provider: ProviderName | 'router') {
    super(provider, 503, 'llm-aborted', 'Language model request cancelled', `the request to ${provider} was cancelled`, {
      outcome: 'aborted',
      retryable: false,
      fallback: false,
      breaker: 'neutral',
    });
  }
}

/** The provider's circuit is open: it failed repeatedly and is left alone until the cooldown ends. */
export class CircuitOpenError extends LlmError {
  constructor(provider: ProviderName, retryInMs: number) {
    super(provider, 503, 'llm-circuit-open', 'Language model paused after repeated failures', `${provider} is paused for another ${retryInMs} ms after repeated failures`, {
      outcome: 'circuit_open',
      retryable: false,
      fallback: true,
      breaker: 'neutral',
      retryAfterMs: retryInMs,
    });
  }
}

/** One provider attempt as recorded by the router. */
export interface LlmAttempt {
  provider: ProviderName;
  route: 'local' | 'cloud';
  outcome: LlmOutcome;
  latencyMs: number;
  detail?: string;
}

/** No provider answered. The conversation engine answers from knowledge or hands off instead. */
export class NoModelAvailableError extends LlmError {
  constructor(readonly attempts: LlmAttempt[]) {
    super(
      'router',
      503,
      'no-model-available',
      'No language model available',
      `no language model answered (${attempts.map((a) => `${a.provider}: ${a.outcome}`).join(', ') || 'none configured'})`,
      { outcome: 'unavailable', retryable: false, fallback: false, breaker: 'neutral' },
    );
  }
}
