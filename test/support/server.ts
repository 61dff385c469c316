import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig, type Config } from '../../server/config/config.js';
import { startServer, type RunningServer } from '../../server/main.js';
import { createLogger } from '../../server/shared/logger.js';

export interface TestServer extends RunningServer {
  dataDir: string;
  /** Every log line written so far, as text. */
  logs(): string;
  stop(): Promise<void>;
}

/** A temporary data directory that removes itself. */
export function tempDir(prefix = 'nocturn-test-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function testConfig(dataDir: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    NOCTURN_ENV: 'test',
    NOCTURN_DATA_DIR: dataDir,
    NOCTURN_STAFF_PORT: '0',
    NOCTURN_PUBLIC_PORT: '0',
    NOCTURN_LOG_LEVEL: 'info',
    ...env,
  });
}

/** Starts the real server on ephemeral loopback ports with a fresh data directory and captured logs. */
export async function startTestServer(opts: { env?: Record<string, string>; dataDir?: string; staticDir?: string } = {}): Promise<TestServer> {
  const tmp = opts.dataDir ? undefined : tempDir();
  const dataDir = opts.dataDir ?? tmp!.dir;
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString('utf8'));
      cb();
    },
  });
  const log = createLogger({ level: 'info', destination: sink as unknown as Parameters<typeof createLogger>[0]['destination'] });
  const config = testConfig(dataDir, opts.env);
  const server = await startServer({ config, log, ...(opts.staticDir ? { staticDir: opts.staticDir } : {}) });
  return {
    ...server,
    dataDir,
    logs: () => chunks.join(''),
    stop: async () => {
      await server.close();
      tmp?.remove();
    },
  };
}

export async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}
