import type { CountryCode } from 'libphonenumber-js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { hotelDay } from '../properties/desk-hours.js';
import type { BudgetEvent, BudgetStore } from './cloud-budget.js';
import {
  InvalidModelOutputError,
  LlmAbortedError,
  LlmError,
  LlmUnavailableError,
  NoModelAvailableError,
  type LlmAttempt,
  type LlmHealth,
  type LlmOutcome,
  type LlmProvider,
  type LlmRequest,
  type LlmResult,
  type ProviderName,
} from './llm.port.js';
import { PiiMasker } from './pii-mask.js';

/** Who the request is for: the hotel (budget, time zone) and the guest (values to mask). */
export interface RouteContext {
  propertyId: string;
  /** The hotel's IANA time zone: the budget day starts at the hotel's midnight. */
  timeZone: string;
  /** This hotel's daily cloud budget in USD (0 = never use the cloud); defaults to the configured one. */
  dailyCloudBudgetUsd?: number;
  /** Known guest names, masked before any cloud call. */
  guestNames?: readonly string[];
  /** Country for phone numbers written without a country code, e.g. 'MY'. */
  phoneCountry?: CountryCode;
  /** For log lines only. */
  conversationId?: string;
}

export interface RoutedRequest extends LlmRequest {
  context: RouteContext;
}

export interface RoutedResult extends LlmResult {
  route: 'local' | 'cloud';
  /** Every provider tried for this request, the answering one last. */
  attempts: LlmAttempt[];
}

/** One provider attempt, for Prometheus figures and per-message records (C8). */
export interface LlmCallEvent {
  propertyId: string;
  provider: ProviderName;
  route: 'local' | 'cloud';
  model: string;
  outcome: LlmOutcome;
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

interface LlmRouterDeps {
  local: LlmProvider;
  /** The cloud fallback; absent when NOCTURN_CLOUD_PROVIDER=none. */
  cloud?: LlmProvider | undefined;
  budget: BudgetStore;
  clock: Clock;
  log: Logger;
  /** Daily cloud budget per hotel when the request does not name one. */
  defaultDailyCloudBudgetUsd: number;
  /** Share of the budget that raises a warning (default 0.8). */
  budgetWarnRatio?: number;
  onCall?: (e: LlmCallEvent) => void;
  onBudget?: (e: BudgetEvent) => void;
}

function asLlmError(provider: ProviderName, err: unknown): LlmError {
  if (err instanceof LlmError) return err;
  return new LlmUnavailableError(provider, `unexpected ${err instanceof Error ? err.name : 'error'} from ${provider}`);
}

/**
 * Local model first, then the cloud (with guest PII masked) when the local one times out, is rate
 * limited, fails, is missing or has its circuit open. Throws only NoModelAvailableError,
 * InvalidModelOutputError (the model answered badly; the caller decides) or LlmAbortedError.
 */
export class LlmRouter {
  constructor(private readonly deps: LlmRouterDeps) {}

  async generate(req: RoutedRequest): Promise<RoutedResult> {
    const { context, ...request } = req;
    const attempts: LlmAttempt[] = [];
    const local = this.deps.local;
    const localStart = performance.now();
    try {
      const result = await local.generate(request);
      return this.answered(context, 'local', result, attempts);
    } catch (raw) {
      const err = asLlmError(local.name, raw);
      this.failed(context, 'local', local, err, performance.now() - localStart, attempts);
      if (!err.fallback) throw err;
    }

    const cloud = this.deps.cloud;
    if (!cloud) throw new NoModelAvailableError(attempts);
    if (req.signal?.aborted) throw new LlmAbortedError('router');

    const day = hotelDay(this.deps.clock.now(), context.timeZone);
    const limit = context.dailyCloudBudgetUsd ?? this.deps.defaultDailyCloudBudgetUsd;
    const spent = await this.deps.budget.spentUsd(context.propertyId, day);
    if (spent >= limit) {
      const err = new LlmError(cloud.name, 503, 'llm-budget-exhausted', 'Cloud budget exhausted', `today's cloud budget of ${limit} USD is used up`, {
        outcome: 'budget_exhausted',
        retryable: false,
        fallback: true,
        breaker: 'neutral',
      });
      this.failed(context, 'cloud', cloud, err, 0, attempts);
      throw new NoModelAvailableError(attempts);
    }

    const masker = new PiiMasker({ names: context.guestNames ?? [], ...(context.phoneCountry ? { defaultCountry: context.phoneCountry } : {}) });
    // The cloud sees masked text, so no draft of its answer is shown; only the restored whole one.
    const { onDelta: _onDelta, ...unstreamed } = request;
    const masked: LlmRequest = {
      ...unstreamed,
      system: masker.mask(request.system),
      messages: request.messages.map((m) => ({ role: m.role, content: masker.mask(m.content) })),
    };
    const cloudStart = performance.now();
    let result: LlmResult;
    try {
      result = await cloud.generate(masked);
    } catch (raw) {
      const err = asLlmError(cloud.name, raw);
      this.failed(context, 'cloud', cloud, err, performance.now() - cloudStart, attempts);
      if (err instanceof InvalidModelOutputError || err instanceof LlmAbortedError) throw err;
      throw new NoModelAvailableError(attempts);
    }
    await this.charge(context.propertyId, day, limit, result.costUsd);
    return this.answered(context, 'cloud', { ...result, text: masker.restore(result.text, { json: Boolean(request.schema) }) }, attempts);
  }

  /** Health of each configured provider, for /ready and the settings screen. */
  async health(signal?: AbortSignal): Promise<LlmHealth[]> {
    const providers = [this.deps.local, ...(this.deps.cloud ? [this.deps.cloud] : [])];
    return Promise.all(providers.map((p) => p.health(signal)));
  }

  private answered(context: RouteContext, route: 'local' | 'cloud', result: LlmResult, attempts: LlmAttempt[]): RoutedResult {
    attempts.push({ provider: result.provider, route, outcome: 'ok', latencyMs: result.latencyMs });
    this.emit({
      propertyId: context.propertyId,
      provider: result.provider,
      route,
      model: result.model,
      outcome: 'ok',
      latencyMs: result.latencyMs,
      inputTokens: result.inputTokens,
      outputTokens: result.outputTokens,
      costUsd: result.costUsd,
    });
    return { ...result, route, attempts };
  }

  private failed(context: RouteContext, route: 'local' | 'cloud', provider: LlmProvider, err: LlmError, latencyMs: number, attempts: LlmAttempt[]): void {
    const ms = Math.round(latencyMs);
    attempts.push({ provider: provider.name, route, outcome: err.outcome, latencyMs: ms, detail: err.message });
    this.emit({ propertyId: context.propertyId, provider: provider.name, route, model: provider.model, outcome: err.outcome, latencyMs: ms, inputTokens: 0, outputTokens: 0, costUsd: 0 });
    const level = err.outcome === 'aborted' || err.outcome === 'invalid_output' ? 'info' : 'warn';
    this.deps.log[level](
      { provider: provider.name, route, outcome: err.outcome, propertyId: context.propertyId, conversationId: context.conversationId, detail: err.message },
      route === 'local' && err.fallback ? 'local model failed; trying the cloud fallback' : 'language model call failed',
    );
  }

  private async charge(propertyId: string, day: string, limitUsd: number, costUsd: number): Promise<void> {
    if (costUsd <= 0) return;
    await this.deps.budget.addUsd(propertyId, day, costUsd);
    const after = await this.deps.budget.spentUsd(propertyId, day);
    const before = after - costUsd;
    const warnAt = limitUsd * (this.deps.budgetWarnRatio ?? 0.8);
    const event = (type: BudgetEvent['type']): BudgetEvent => ({ type, propertyId, day, spentUsd: after, limitUsd });
    if (before < limitUsd && after >= limitUsd) this.budgetEvent(event('llm.budget.exhausted'));
    else if (before < warnAt && after >= warnAt) this.budgetEvent(event('llm.budget.warning'));
  }

  private budgetEvent(e: BudgetEvent): void {
    const ratio = Math.round((this.deps.budgetWarnRatio ?? 0.8) * 100);
    this.deps.log.warn(
      { propertyId: e.propertyId, day: e.day, spentUsd: e.spentUsd, limitUsd: e.limitUsd },
      e.type === 'llm.budget.exhausted' ? 'cloud budget used up for today' : `cloud budget ${ratio}% used`,
    );
    try {
      this.deps.onBudget?.(e);
    } catch (err) {
      this.deps.log.error({ err }, 'budget listener failed');
    }
  }

  private emit(e: LlmCallEvent): void {
    try {
      this.deps.onCall?.(e);
    } catch (err) {
      this.deps.log.error({ err }, 'LLM metrics listener failed');
    }
  }
}
