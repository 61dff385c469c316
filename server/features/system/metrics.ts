import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one server instance (its own registry, so tests can run several). */
export class HttpMetrics {
  readonly registry = new Registry();
  private readonly duration: Histogram<'listener' | 'method' | 'route' | 'status'>;
  private readonly errors: Counter<'listener' | 'route' | 'status'>;
  readonly unexpected: Counter<string>;
  private readonly llmLatency: Histogram<'provider' | 'route' | 'outcome'>;
  private readonly llmTokens: Counter<'provider' | 'direction'>;
  private readonly llmCost: Counter<'provider'>;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'nocturn_' });
    this.duration = new Histogram({
      name: 'nocturn_http_request_duration_seconds',
      help: 'HTTP request latency by route template',
      labelNames: ['listener', 'method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    this.errors = new Counter({
      name: 'nocturn_http_errors_total',
      help: 'HTTP responses with status 4xx or 5xx, by route template',
      labelNames: ['listener', 'route', 'status'],
      registers: [this.registry],
    });
    this.llmLatency = new Histogram({
      name: 'nocturn_llm_request_duration_seconds',
      help: 'LLM provider latency by provider, route (local/cloud) and outcome',
      labelNames: ['provider', 'route', 'outcome'],
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 45, 90],
      registers: [this.registry],
    });
    this.llmTokens = new Counter({ name: 'nocturn_llm_tokens_total', help: 'LLM tokens by provider and direction', labelNames: ['provider', 'direction'], registers: [this.registry] });
    this.llmCost = new Counter({ name: 'nocturn_llm_cost_usd_total', help: 'LLM cost in USD by provider', labelNames: ['provider'], registers: [this.registry] });
    this.unexpected = new Counter({
      name: 'nocturn_unexpected_errors_total',
      help: 'Unexpected errors recorded for the system screen',
      registers: [this.registry],
    });
  }

  /** One LLM provider attempt: latency, tokens and cost by provider and outcome (E2, C8). */
  llmCall(e: { provider: string; route: string; outcome: string; latencyMs: number; inputTokens: number; outputTokens: number; costUsd: number }): void {
    this.llmLatency.observe({ provider: e.provider, route: e.route, outcome: e.outcome }, e.latencyMs / 1000);
    this.llmTokens.inc({ provider: e.provider, direction: 'input' }, e.inputTokens);
    this.llmTokens.inc({ provider: e.provider, direction: 'output' }, e.outputTokens);
    this.llmCost.inc({ provider: e.provider }, e.costUsd);
  }

  observe(listener: string, method: string, route: string, status: number, seconds: number): void {
    this.duration.observe({ listener, method, route, status: String(status) }, seconds);
    if (status >= 400) this.errors.inc({ listener, route, status: String(status) });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
