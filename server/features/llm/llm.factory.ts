import type { LlmConfig } from '../../config/config.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { AnthropicAdapter } from './anthropic.adapter.js';
import type { BudgetEvent, BudgetStore } from './cloud-budget.js';
import type { LlmProvider, SecretSource } from './llm.port.js';
import { LlmRouter, type LlmCallEvent } from './llm.router.js';
import { OllamaAdapter } from './ollama.adapter.js';
import { OpenAiAdapter } from './openai.adapter.js';
import { CircuitBreaker, DEFAULT_RETRY, ResilientProvider, type RetryPolicy, type Sleep } from './resilience.js';

const DEFAULT_CLOUD_BASE_URL = { openai: 'https://api.openai.com/v1', anthropic: 'https://api.anthropic.com/v1' } as const;

/** Secrets from configuration (NOCTURN_CLOUD_API_KEY), until the vault holds them. */
function configSecretSource(config: LlmConfig): SecretSource {
  return { get: async () => config.cloud.apiKey };
}

export interface LlmStackDeps {
  clock: Clock;
  log: Logger;
  budget: BudgetStore;
  secrets?: SecretSource;
  fetch?: typeof fetch;
  sleep?: Sleep;
  random?: () => number;
  /** Overrides of the retry timing (attempts come from NOCTURN_LLM_RETRIES). */
  retry?: Partial<Omit<RetryPolicy, 'attempts'>>;
  onCall?: (e: LlmCallEvent) => void;
  onBudget?: (e: BudgetEvent) => void;
}

export interface LlmStack {
  router: LlmRouter;
  local: ResilientProvider;
  cloud: ResilientProvider | undefined;
}

/** Builds the provider chain from configuration: Ollama, then the configured cloud, each resilient. */
export function createLlmStack(config: LlmConfig, deps: LlmStackDeps): LlmStack {
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...deps.retry, attempts: 1 + config.retries };
  const resilient = (provider: LlmProvider): ResilientProvider => {
    const breaker = new CircuitBreaker({ failureThreshold: config.breaker.failures, cooldownMs: config.breaker.cooldownMs }, deps.clock, (state) =>
      deps.log.warn({ provider: provider.name, state }, `language model circuit ${state}`),
    );
    return new ResilientProvider(provider, breaker, policy, { clock: deps.clock, ...(deps.sleep ? { sleep: deps.sleep } : {}), ...(deps.random ? { random: deps.random } : {}) });
  };
  const local = resilient(new OllamaAdapter({ ...config.ollama }, deps.fetch ? { fetch: deps.fetch } : {}));
  let cloud: ResilientProvider | undefined;
  const { provider, model } = config.cloud;
  if (provider !== 'none' && model) {
    const options = { baseUrl: config.cloud.baseUrl ?? DEFAULT_CLOUD_BASE_URL[provider], model, timeoutMs: config.cloud.timeoutMs, price: config.cloud.price };
    const adapterDeps = { secrets: deps.secrets ?? configSecretSource(config), clock: deps.clock, ...(deps.fetch ? { fetch: deps.fetch } : {}) };
    cloud = resilient(provider === 'openai' ? new OpenAiAdapter(options, adapterDeps) : new AnthropicAdapter(options, adapterDeps));
  }
  const router = new LlmRouter({
    local,
    cloud,
    budget: deps.budget,
    clock: deps.clock,
    log: deps.log,
    defaultDailyCloudBudgetUsd: config.cloud.dailyBudgetUsd,
    ...(deps.onCall ? { onCall: deps.onCall } : {}),
    ...(deps.onBudget ? { onBudget: deps.onBudget } : {}),
  });
  return { router, local, cloud };
}
