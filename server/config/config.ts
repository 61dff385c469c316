import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../shared/paths.js';

/**
 * The one reader of process.env. Every variable is documented in .env.example; a bad value stops
 * start-up with a message naming the variable.
 */
const port = z.coerce.number().int().min(0).max(65535);
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const envSchema = z.object({
  NOCTURN_ENV: z.enum(['production', 'development', 'test']).default('development'),
  NOCTURN_DATA_DIR: z.string().min(1).default('.data'),
  NOCTURN_STAFF_PORT: port.default(4310),
  NOCTURN_PUBLIC_PORT: port.default(4311),
  NOCTURN_MASTER_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded (openssl rand -base64 32)')
    .optional(),
  NOCTURN_MASTER_PASSPHRASE: z.string().min(12, 'must be at least 12 characters').optional(),
  NOCTURN_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NOCTURN_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(10 * 1024 * 1024).default(1024 * 1024),
  NOCTURN_WEBHOOK_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(25 * 1024 * 1024).default(3 * 1024 * 1024),
  NOCTURN_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(500).max(60_000).default(10_000),
  NOCTURN_DB_BUSY_TIMEOUT_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
  NOCTURN_DB_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('FULL'),
  NOCTURN_PAGE_LIMIT_MAX: z.coerce.number().int().min(10).max(1000).default(200),
  NOCTURN_PUBLIC_URL: z.url().optional(),
  NOCTURN_SERVE_UI: bool.default(true),
  NOCTURN_SESSION_IDLE_MINUTES: z.coerce.number().int().min(5).max(24 * 60).default(240),
  NOCTURN_SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(14),
  NOCTURN_LOGIN_MAX_FAILURES: z.coerce.number().int().min(3).max(100).default(8),
  NOCTURN_LOGIN_LOCK_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
  NOCTURN_BACKLOG_CUTOFF_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(60),
  NOCTURN_INBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  NOCTURN_OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  NOCTURN_RETRY_BASE_MS: z.coerce.number().int().min(10).max(600_000).default(2_000),
  NOCTURN_OLLAMA_HOST: z.url().default('http://127.0.0.1:11434'),
  NOCTURN_OLLAMA_MODEL: z.string().min(1).default('qwen2.5:7b-instruct'),
  NOCTURN_OLLAMA_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(45_000),
  NOCTURN_CLOUD_PROVIDER: z.enum(['none', 'openai', 'anthropic']).default('none'),
  NOCTURN_CLOUD_BASE_URL: z.url().optional(),
  NOCTURN_CLOUD_MODEL: z.string().min(1).optional(),
  NOCTURN_CLOUD_API_KEY: z.string().min(1).optional(),
  NOCTURN_CLOUD_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(20_000),
  NOCTURN_CLOUD_DAILY_BUDGET_USD: z.coerce.number().min(0).max(10_000).default(2),
  NOCTURN_CLOUD_PRICE_INPUT_PER_1K_USD: z.coerce.number().min(0).max(1).default(0.001),
  NOCTURN_CLOUD_PRICE_OUTPUT_PER_1K_USD: z.coerce.number().min(0).max(1).default(0.005),
  NOCTURN_LLM_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
  NOCTURN_BREAKER_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  NOCTURN_BREAKER_COOLDOWN_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  NOCTURN_EMBEDDER: z.enum(['auto', 'none', 'transformers', 'ollama']).default('auto'),
  NOCTURN_EMBED_MODEL: z.string().min(1).max(200).optional(),
  NOCTURN_MODELS_DIR: z.string().min(1).optional(),
  NOCTURN_KB_MIN_SIMILARITY: z.coerce.number().min(0).max(1).default(0.7),
  NOCTURN_KB_MIN_LEXICAL_SCORE: z.coerce.number().min(0).max(1).default(0.4),
  NOCTURN_KB_IMPORT_LIMIT_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(20 * 1024 * 1024),
});

export type EnvInput = z.input<typeof envSchema>;

export interface Config {
  env: 'production' | 'development' | 'test';
  dataDir: string;
  staff: { host: string; port: number };
  public: { host: string; port: number; url: string | undefined };
  masterKey: string | undefined;
  masterPassphrase: string | undefined;
  logLevel: string;
  bodyLimitBytes: number;
  webhookBodyLimitBytes: number;
  shutdownTimeoutMs: number;
  db: { busyTimeoutMs: number; synchronous: 'FULL' | 'NORMAL' };
  pageLimitMax: number;
  serveUi: boolean;
  auth: { idleTimeoutMinutes: number; absoluteTimeoutHours: number; maxFailures: number; lockMinutes: number };
  delivery: { backlogCutoffMs: number; inboxMaxAttempts: number; outboxMaxAttempts: number; retryBaseMs: number };
  llm: LlmConfig;
  knowledge: KnowledgeConfig;
}

export interface KnowledgeConfig {
  embedder: 'auto' | 'none' | 'transformers' | 'ollama';
  embedModel: string | undefined;
  modelsDir: string;
  minSimilarity: number;
  minLexicalScore: number;
  importLimitBytes: number;
}

export interface LlmConfig {
  ollama: { host: string; model: string; timeoutMs: number };
  /** apiKey is a secret: hand it to a SecretSource, never to a log line. */
  cloud: {
    provider: 'none' | 'openai' | 'anthropic';
    baseUrl: string | undefined;
    model: string | undefined;
    apiKey: string | undefined;
    timeoutMs: number;
    dailyBudgetUsd: number;
    price: { inputPer1kUsd: number; outputPer1kUsd: number };
  };
  retries: number;
  breaker: { failures: number; cooldownMs: number };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function readConfigFile(file: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError([`NOCTURN_CONFIG_FILE: cannot read ${file}: ${(err as Error).message}`]);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError([`NOCTURN_CONFIG_FILE: ${file} must hold a JSON object of NOCTURN_* keys`]);
  }
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
}

/** Parses configuration from an environment (and the optional JSON file it names). */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const fromFile = env.NOCTURN_CONFIG_FILE ? readConfigFile(env.NOCTURN_CONFIG_FILE) : {};
  const merged: Record<string, string | undefined> = { ...fromFile };
  for (const key of Object.keys(envSchema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') merged[key] = v;
  }
  const result = envSchema.safeParse(merged);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = result.data;
  if (e.NOCTURN_ENV === 'production' && !e.NOCTURN_MASTER_KEY && !e.NOCTURN_MASTER_PASSPHRASE) {
    throw new ConfigError([
      'NOCTURN_MASTER_KEY: production mode needs a master key (or NOCTURN_MASTER_PASSPHRASE); refusing to start with a generated key file',
    ]);
  }
  if (e.NOCTURN_CLOUD_PROVIDER !== 'none' && !e.NOCTURN_CLOUD_MODEL) {
    throw new ConfigError([`NOCTURN_CLOUD_MODEL: required when NOCTURN_CLOUD_PROVIDER is ${e.NOCTURN_CLOUD_PROVIDER}`]);
  }
  return {
    env: e.NOCTURN_ENV,
    dataDir: path.resolve(e.NOCTURN_DATA_DIR),
    staff: { host: '127.0.0.1', port: e.NOCTURN_STAFF_PORT },
    public: { host: '127.0.0.1', port: e.NOCTURN_PUBLIC_PORT, url: e.NOCTURN_PUBLIC_URL },
    masterKey: e.NOCTURN_MASTER_KEY,
    masterPassphrase: e.NOCTURN_MASTER_PASSPHRASE,
    logLevel: e.NOCTURN_LOG_LEVEL,
    bodyLimitBytes: e.NOCTURN_BODY_LIMIT_BYTES,
    webhookBodyLimitBytes: e.NOCTURN_WEBHOOK_BODY_LIMIT_BYTES,
    shutdownTimeoutMs: e.NOCTURN_SHUTDOWN_TIMEOUT_MS,
    db: { busyTimeoutMs: e.NOCTURN_DB_BUSY_TIMEOUT_MS, synchronous: e.NOCTURN_DB_SYNCHRONOUS },
    pageLimitMax: e.NOCTURN_PAGE_LIMIT_MAX,
    serveUi: e.NOCTURN_SERVE_UI,
    auth: {
      idleTimeoutMinutes: e.NOCTURN_SESSION_IDLE_MINUTES,
      absoluteTimeoutHours: e.NOCTURN_SESSION_ABSOLUTE_HOURS,
      maxFailures: e.NOCTURN_LOGIN_MAX_FAILURES,
      lockMinutes: e.NOCTURN_LOGIN_LOCK_MINUTES,
    },
    delivery: {
      backlogCutoffMs: e.NOCTURN_BACKLOG_CUTOFF_MINUTES * 60_000,
      inboxMaxAttempts: e.NOCTURN_INBOX_MAX_ATTEMPTS,
      outboxMaxAttempts: e.NOCTURN_OUTBOX_MAX_ATTEMPTS,
      retryBaseMs: e.NOCTURN_RETRY_BASE_MS,
    },
    llm: {
      ollama: { host: e.NOCTURN_OLLAMA_HOST, model: e.NOCTURN_OLLAMA_MODEL, timeoutMs: e.NOCTURN_OLLAMA_TIMEOUT_MS },
      cloud: {
        provider: e.NOCTURN_CLOUD_PROVIDER,
        baseUrl: e.NOCTURN_CLOUD_BASE_URL,
        model: e.NOCTURN_CLOUD_MODEL,
        apiKey: e.NOCTURN_CLOUD_API_KEY,
        timeoutMs: e.NOCTURN_CLOUD_TIMEOUT_MS,
        dailyBudgetUsd: e.NOCTURN_CLOUD_DAILY_BUDGET_USD,
        price: { inputPer1kUsd: e.NOCTURN_CLOUD_PRICE_INPUT_PER_1K_USD, outputPer1kUsd: e.NOCTURN_CLOUD_PRICE_OUTPUT_PER_1K_USD },
      },
      retries: e.NOCTURN_LLM_RETRIES,
      breaker: { failures: e.NOCTURN_BREAKER_FAILURES, cooldownMs: e.NOCTURN_BREAKER_COOLDOWN_MS },
    },
    knowledge: {
      embedder: e.NOCTURN_EMBEDDER,
      embedModel: e.NOCTURN_EMBED_MODEL,
      modelsDir: e.NOCTURN_MODELS_DIR ? path.resolve(e.NOCTURN_MODELS_DIR) : path.join(projectRoot(), 'models'),
      minSimilarity: e.NOCTURN_KB_MIN_SIMILARITY,
      minLexicalScore: e.NOCTURN_KB_MIN_LEXICAL_SCORE,
      importLimitBytes: e.NOCTURN_KB_IMPORT_LIMIT_BYTES,
    },
  };
}
