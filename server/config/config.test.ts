import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('configuration (E8)', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c.staff).toEqual({ host: '127.0.0.1', port: 4310 });
    expect(c.public.port).toBe(4311);
    expect(c.db.synchronous).toBe('FULL');
  });

  it('names the bad variable and the rule it broke', () => {
    expect(() => loadConfig({ NOCTURN_STAFF_PORT: '70000' })).toThrow(/NOCTURN_STAFF_PORT/);
    expect(() => loadConfig({ NOCTURN_LOG_LEVEL: 'loud' })).toThrow(/NOCTURN_LOG_LEVEL/);
    expect(() => loadConfig({ NOCTURN_MASTER_KEY: 'c2hvcnQ=' })).toThrow(/NOCTURN_MASTER_KEY: must be 32 bytes/);
    try {
      loadConfig({ NOCTURN_STAFF_PORT: 'x', NOCTURN_SHUTDOWN_TIMEOUT_MS: '5' });
      expect.unreachable();
    } catch (err) {
      expect((err as ConfigError).problems).toHaveLength(2);
    }
  });

  it('refuses production without a real master key', () => {
    expect(() => loadConfig({ NOCTURN_ENV: 'production' })).toThrow(/production mode needs a master key/);
    expect(loadConfig({ NOCTURN_ENV: 'production', NOCTURN_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') }).env).toBe('production');
  });

  it('reads an optional JSON config file, with the environment taking precedence', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nocturn-cfg-'));
    const file = path.join(dir, 'nocturn.json');
    writeFileSync(file, JSON.stringify({ NOCTURN_STAFF_PORT: 5000, NOCTURN_PUBLIC_PORT: 5001 }));
    const c = loadConfig({ NOCTURN_CONFIG_FILE: file, NOCTURN_PUBLIC_PORT: '6001' });
    expect(c.staff.port).toBe(5000);
    expect(c.public.port).toBe(6001);
    writeFileSync(file, '[1,2]');
    expect(() => loadConfig({ NOCTURN_CONFIG_FILE: file })).toThrow(/NOCTURN_CONFIG_FILE/);
  });

  it('still reads the deprecated NOCTURN_INBOX_* names of the inbound queue settings when the new name is unset', () => {
    const old = loadConfig({ NOCTURN_INBOX_MAX_ATTEMPTS: '3', NOCTURN_INBOX_EVENT_BUDGET_SECONDS: '7', NOCTURN_INBOX_MAX_INTERRUPTIONS: '4' });
    expect(old.delivery).toMatchObject({ inboundMaxAttempts: 3, inboundEventBudgetMs: 7000, inboundMaxInterruptions: 4 });
    const both = loadConfig({ NOCTURN_INBOUND_MAX_ATTEMPTS: '5', NOCTURN_INBOX_MAX_ATTEMPTS: '3' });
    expect(both.delivery.inboundMaxAttempts).toBe(5);
    expect(loadConfig({ NOCTURN_INBOUND_MAX_ATTEMPTS: '', NOCTURN_INBOX_MAX_ATTEMPTS: '3' }).delivery.inboundMaxAttempts).toBe(3);
    // The new name in the config file wins over the old name in the environment.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nocturn-cfg-'));
    const file = path.join(dir, 'nocturn.json');
    writeFileSync(file, JSON.stringify({ NOCTURN_INBOUND_EVENT_BUDGET_SECONDS: 9, NOCTURN_INBOX_MAX_INTERRUPTIONS: 6 }));
    const mixed = loadConfig({ NOCTURN_CONFIG_FILE: file, NOCTURN_INBOX_EVENT_BUDGET_SECONDS: '2' });
    expect(mixed.delivery).toMatchObject({ inboundEventBudgetMs: 9000, inboundMaxInterruptions: 6, inboundMaxAttempts: 8 });
    // A bad value is reported under the name the operator wrote.
    expect(() => loadConfig({ NOCTURN_INBOX_MAX_ATTEMPTS: '0' })).toThrow(/NOCTURN_INBOX_MAX_ATTEMPTS:/);
    expect(() => loadConfig({ NOCTURN_INBOUND_MAX_ATTEMPTS: '0' })).toThrow(/NOCTURN_INBOUND_MAX_ATTEMPTS:/);
  });
});

describe('.env.example', () => {
  it('documents every configuration variable, and nothing that does not exist', async () => {
    const { readFileSync } = await import('node:fs');
    const { envSchema } = await import('./config.js');
    const text = readFileSync(path.join(import.meta.dirname, '../../.env.example'), 'utf8');
    const documented = new Set([...text.matchAll(/^(NOCTURN_[A-Z0-9_]+)=/gm)].map((m) => m[1]));
    const known = new Set([...Object.keys(envSchema.shape), 'NOCTURN_CONFIG_FILE']);
    expect([...known].filter((k) => !documented.has(k))).toEqual([]);
    expect([...documented].filter((k) => !known.has(k as string))).toEqual([]);
  });
});
