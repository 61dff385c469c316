import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../shared/paths.js';

/**
 * The one reader of process.env. Every variable is documented in .env.example; a bad value stops
 * start-up with a message naming the variable.
 */
const port = z.coerce.number().int().min(0).max(65535);
const isRegExp = (v: string) => {
  try {
    new RegExp(v);
    return true;
  } catch {
    return false;
  }
};
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
  NOCTURN_WEBHOOK_RATE_BURST: z.coerce.number().int().min(1).max(100_000).default(600),
  NOCTURN_WEBHOOK_RATE_PER_SECOND: z.coerce.number().min(0.01).max(100_000).default(100),
  NOCTURN_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(500).max(60_000).default(10_000),
  NOCTURN_DB_BUSY_TIMEOUT_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
  NOCTURN_DB_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('FULL'),
  NOCTURN_PAGE_LIMIT_MAX: z.coerce.number().int().min(10).max(1000).default(200),
  NOCTURN_PUBLIC_URL: z.url().optional(),
  NOCTURN_TUNNEL_PROVIDER: z.enum(['none', 'cloudflared', 'ngrok', 'command', 'manual']).default('none'),
  NOCTURN_TRUST_FORWARDED_FOR: z.enum(['auto', 'true', 'false']).default('auto'),
  NOCTURN_TUNNEL_COMMAND: z.string().trim().min(1).max(2000).optional(),
  NOCTURN_TUNNEL_URL_PATTERN: z.string().min(1).max(500).refine(isRegExp, 'must be a valid regular expression').optional(),
  NOCTURN_SERVE_UI: bool.default(true),
  NOCTURN_SESSION_IDLE_MINUTES: z.coerce.number().int().min(5).max(24 * 60).default(240),
  NOCTURN_SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(14),
  NOCTURN_LOGIN_MAX_FAILURES: z.coerce.number().int().min(3).max(100).default(8),
  NOCTURN_LOGIN_LOCK_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
  NOCTURN_BACKLOG_CUTOFF_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(60),
  NOCTURN_INBOUND_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  NOCTURN_INBOUND_EVENT_BUDGET_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  NOCTURN_INBOUND_MAX_INTERRUPTIONS: z.coerce.number().int().min(1).max(20).default(2),
  NOCTURN_OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  NOCTURN_RETRY_BASE_MS: z.coerce.number().int().min(10).max(600_000).default(2_000),
  NOCTURN_BACKUP_DIR: z.string().min(1).optional(),
  NOCTURN_BACKUP_KEEP: z.coerce.number().int().min(1).max(365).default(7),
  NOCTURN_BACKUP_INTERVAL_HOURS: z.coerce.number().int().min(0).max(24 * 31).default(24),
  NOCTURN_RETENTION_CONVERTED_DAYS: z.coerce.number().int().min(1).max(3650).default(730),
  NOCTURN_RETENTION_RUN_AT: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use HH:MM, 24-hour').default('03:00'),
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
  NOCTURN_KB_IMPORT_LIMIT_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(20 * 1024 * 1024),
  NOCTURN_REPORT_DAILY_TIME: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use HH:MM, 24-hour').default('07:00'),
  NOCTURN_REPORT_WEEKLY_DAY: z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']).default('mon'),
  NOCTURN_WHATSAPP_API_BASE: z.url().default('https://graph.facebook.com/v24.0'),
  NOCTURN_WHATSAPP_MEDIA_MAX_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(16 * 1024 * 1024),
  NOCTURN_SENDGRID_API_BASE: z.url().default('https://api.sendgrid.com'),
  NOCTURN_MAILGUN_API_BASE: z.url().default('https://api.mailgun.net'),
  NOCTURN_POSTMARK_API_BASE: z.url().default('https://api.postmarkapp.com'),
});

export interface Config {
  env: 'production' | 'development' | 'test';
  dataDir: string;
  staff: { host: string; port: number };
  /**
   * `trustForwardedFor`: the sender's address (for rate limits) is taken from X-Forwarded-For, as
   * appended by the tunnel or proxy on this machine, instead of the connection's own address.
   */
  public: { host: string; port: number; url: string | undefined; trustForwardedFor: boolean };
  masterKey: string | undefined;
  masterPassphrase: string | undefined;
  logLevel: string;
  bodyLimitBytes: number;
  webhookBodyLimitBytes: number;
  /** Token bucket per sender address for provider webhooks on the public listener. */
  webhookRateLimit: { burst: number; perSecond: number };
  shutdownTimeoutMs: number;
  db: { busyTimeoutMs: number; synchronous: 'FULL' | 'NORMAL' };
  pageLimitMax: number;
  serveUi: boolean;
  auth: { idleTimeoutMinutes: number; absoluteTimeoutHours: number; maxFailures: number; lockMinutes: number };
  delivery: {
    backlogCutoffMs: number;
    inboundMaxAttempts: number;
    /** Longest one inbound event may take before it goes to the dead letters. */
    inboundEventBudgetMs: number;
    /** Restarts that may interrupt one inbound event before it goes to the dead letters. */
    inboundMaxInterruptions: number;
    outboxMaxAttempts: number;
    retryBaseMs: number;
  };
  backup: { dir: string; keep: number; intervalHours: number };
  retention: { convertedDays: number; runAt: string };
  llm: LlmConfig;
  knowledge: KnowledgeConfig;
  /** Scheduled manager reports, at this local time in each hotel's zone. */
  reports: { dailyTime: string; weeklyDay: 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun' };
  /** Graph API base including the version (tests point it at a stand-in on loopback). */
  whatsapp: { apiBase: string; mediaMaxBytes: number };
  /** Email providers' HTTP API bases, without a trailing slash (tests point them at stand-ins on loopback). */
  emailApis: { sendgrid: string; mailgun: string; postmark: string };
  tunnel: TunnelConfig;
}

export interface TunnelConfig {
  provider: 'none' | 'cloudflared' | 'ngrok' | 'command' | 'manual';
  command: string | undefined;
  urlPattern: string | undefined;
  /** NOCTURN_PUBLIC_URL, the manual provider's address. */
  publicUrl: string | undefined;
}

interface KnowledgeConfig {
  embedder: 'auto' | 'none' | 'transformers' | 'ollama';
  embedModel: string | undefined;
  modelsDir: string;
  minSimilarity: number;
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

/**
 * Old names still read when the new one is unset anywhere (deprecated; README and .env.example
 * say so). The durable queue of webhook events was called the inbox, a name the staff inbox keeps.
 */
const DEPRECATED_NAMES: Readonly<Record<string, string>> = {
  NOCTURN_INBOUND_MAX_ATTEMPTS: 'NOCTURN_INBOX_MAX_ATTEMPTS',
  NOCTURN_INBOUND_EVENT_BUDGET_SECONDS: 'NOCTURN_INBOX_EVENT_BUDGET_SECONDS',
  NOCTURN_INBOUND_MAX_INTERRUPTIONS: 'NOCTURN_INBOX_MAX_INTERRUPTIONS',
};

/** Parses configuration from an environment (and the optional JSON file it names). */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const fromFile = env.NOCTURN_CONFIG_FILE ? readConfigFile(env.NOCTURN_CONFIG_FILE) : {};
  const merged: Record<string, string | undefined> = { ...fromFile };
  for (const key of Object.keys(envSchema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') merged[key] = v;
  }
  // A bad value read under an old name is reported under the name the operator wrote.
  const readAs = new Map<string, string>();
  for (const [key, old] of Object.entries(DEPRECATED_NAMES)) {
    if (merged[key] !== undefined && merged[key] !== '') continue;
    const v = env[old] !== undefined && env[old] !== '' ? env[old] : fromFile[old];
    if (v !== undefined && v !== '') {
      merged[key] = v;
      readAs.set(key, old);
    }
  }
  const result = envSchema.safeParse(merged);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.map((k) => readAs.get(String(k)) ?? String(k)).join('.')}: ${i.message}`));
  }
  const e = result.data;
  if (e.NOCTURN_ENV === 'production' && !e.NOCTURN_MASTER_KEY && !e.NOCTURN_MASTER_PASSPHRASE) {
    throw new ConfigError([
      'NOCTURN_MASTER_KEY: production mode needs a master key (or NOCTURN_MASTER_PASSPHRASE); refusing to start with a generated key file',
    ]);
  }
  if (e.NOCTURN_TUNNEL_PROVIDER === 'command' && !e.NOCTURN_TUNNEL_COMMAND) {
    throw new ConfigError(['NOCTURN_TUNNEL_COMMAND: required when NOCTURN_TUNNEL_PROVIDER is command (for example ssh -R 80:127.0.0.1:{port} user@host)']);
  }
  if (e.NOCTURN_TUNNEL_PROVIDER === 'manual' && !e.NOCTURN_PUBLIC_URL) {
    throw new ConfigError(['NOCTURN_PUBLIC_URL: required when NOCTURN_TUNNEL_PROVIDER is manual (the https address of your reverse proxy)']);
  }
  if (e.NOCTURN_CLOUD_PROVIDER !== 'none' && !e.NOCTURN_CLOUD_MODEL) {
    throw new ConfigError([`NOCTURN_CLOUD_MODEL: required when NOCTURN_CLOUD_PROVIDER is ${e.NOCTURN_CLOUD_PROVIDER}`]);
  }
  return {
    env: e.NOCTURN_ENV,
    dataDir: path.resolve(e.NOCTURN_DATA_DIR),
    staff: { host: '127.0.0.1', port: e.NOCTURN_STAFF_PORT },
    public: {
      host: '127.0.0.1',
      port: e.NOCTURN_PUBLIC_PORT,
      url: e.NOCTURN_PUBLIC_URL,
      // cloudflared and ngrok append the caller's address; a direct listener or an unknown proxy is not trusted unless set.
      trustForwardedFor: e.NOCTURN_TRUST_FORWARDED_FOR === 'true' || (e.NOCTURN_TRUST_FORWARDED_FOR === 'auto' && (e.NOCTURN_TUNNEL_PROVIDER === 'cloudflared' || e.NOCTURN_TUNNEL_PROVIDER === 'ngrok')),
    },
    masterKey: e.NOCTURN_MASTER_KEY,
    masterPassphrase: e.NOCTURN_MASTER_PASSPHRASE,
    logLevel: e.NOCTURN_LOG_LEVEL,
    bodyLimitBytes: e.NOCTURN_BODY_LIMIT_BYTES,
    webhookBodyLimitBytes: e.NOCTURN_WEBHOOK_BODY_LIMIT_BYTES,
    webhookRateLimit: { burst: e.NOCTURN_WEBHOOK_RATE_BURST, perSecond: e.NOCTURN_WEBHOOK_RATE_PER_SECOND },
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
      inboundMaxAttempts: e.NOCTURN_INBOUND_MAX_ATTEMPTS,
      inboundEventBudgetMs: e.NOCTURN_INBOUND_EVENT_BUDGET_SECONDS * 1000,
      inboundMaxInterruptions: e.NOCTURN_INBOUND_MAX_INTERRUPTIONS,
      outboxMaxAttempts: e.NOCTURN_OUTBOX_MAX_ATTEMPTS,
      retryBaseMs: e.NOCTURN_RETRY_BASE_MS,
    },
    backup: {
      dir: path.resolve(e.NOCTURN_BACKUP_DIR ?? path.join(e.NOCTURN_DATA_DIR, 'backups')),
      keep: e.NOCTURN_BACKUP_KEEP,
      intervalHours: e.NOCTURN_BACKUP_INTERVAL_HOURS,
    },
    retention: { convertedDays: e.NOCTURN_RETENTION_CONVERTED_DAYS, runAt: e.NOCTURN_RETENTION_RUN_AT },
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
      importLimitBytes: e.NOCTURN_KB_IMPORT_LIMIT_BYTES,
    },
    reports: { dailyTime: e.NOCTURN_REPORT_DAILY_TIME, weeklyDay: e.NOCTURN_REPORT_WEEKLY_DAY },
    whatsapp: { apiBase: e.NOCTURN_WHATSAPP_API_BASE.replace(/\/+$/, ''), mediaMaxBytes: e.NOCTURN_WHATSAPP_MEDIA_MAX_BYTES },
    emailApis: {
      sendgrid: e.NOCTURN_SENDGRID_API_BASE.replace(/\/+$/, ''),
      mailgun: e.NOCTURN_MAILGUN_API_BASE.replace(/\/+$/, ''),
      postmark: e.NOCTURN_POSTMARK_API_BASE.replace(/\/+$/, ''),
    },
    tunnel: { provider: e.NOCTURN_TUNNEL_PROVIDER, command: e.NOCTURN_TUNNEL_COMMAND, urlPattern: e.NOCTURN_TUNNEL_URL_PATTERN, publicUrl: e.NOCTURN_PUBLIC_URL },
  };
}
