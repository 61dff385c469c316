import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig, type Config } from '../../server/config/config.js';
import { startServer, type RunningServer } from '../../server/main.js';
import { createLogger } from '../../server/shared/logger.js';
import { cliActor } from '../../server/shared/actor.js';
import type { Clock } from '../../server/shared/clock.js';

/** A signed-in staff member: sends the session cookie and the CSRF token like the UI does. */
export interface StaffClient {
  cookie: string;
  csrf: string;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  get(path: string): Promise<Response>;
  post(path: string, body?: unknown): Promise<Response>;
  put(path: string, body?: unknown): Promise<Response>;
  patch(path: string, body?: unknown): Promise<Response>;
  delete(path: string): Promise<Response>;
}

export const ADMIN = { email: 'admin@nocturn.test', password: 'correct horse battery staple' };

export async function signIn(staffUrl: string, email: string, password: string): Promise<StaffClient> {
  const res = await fetch(`${staffUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (res.status !== 200) throw new Error(`sign-in as ${email} failed: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const csrf = ((await res.json()) as { csrfToken: string }).csrfToken;
  return clientFor(staffUrl, cookie, csrf);
}

export function clientFor(staffUrl: string, cookie: string, csrf: string): StaffClient {
  const f = (path: string, init: RequestInit = {}) =>
    fetch(`${staffUrl}${path}`, { ...init, headers: { cookie, 'x-csrf-token': csrf, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(init.headers as Record<string, string> | undefined) } });
  const send = (method: string) => (path: string, body?: unknown) => f(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { cookie, csrf, fetch: f, get: (p) => f(p), post: send('POST'), put: send('PUT'), patch: send('PATCH'), delete: send('DELETE') };
}

export interface TestServer extends RunningServer {
  dataDir: string;
  /** Signed in as the first admin (created at start unless `noAdmin`). */
  admin: StaffClient;
  /** Creates a staff account and signs it in. */
  staff(role: 'admin' | 'manager' | 'agent', propertyIds?: string[] | 'all'): Promise<StaffClient & { userId: string; email: string }>;
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
export async function startTestServer(
  opts: { env?: Record<string, string>; dataDir?: string; staticDir?: string; noAdmin?: boolean; clock?: Clock } = {},
): Promise<TestServer> {
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
  const server = await startServer({ config, log, ...(opts.staticDir ? { staticDir: opts.staticDir } : {}), ...(opts.clock ? { clock: opts.clock } : {}) });
  let admin = undefined as unknown as StaffClient;
  if (!opts.noAdmin && !server.core.users.hasUsers()) {
    await server.core.users.create({ email: ADMIN.email, displayName: 'Test Admin', password: ADMIN.password, role: 'admin' }, cliActor('test'));
  }
  if (!opts.noAdmin) admin = await signIn(server.staffUrl, ADMIN.email, ADMIN.password);
  let n = 0;
  return {
    ...server,
    dataDir,
    admin,
    staff: async (role, propertyIds = 'all') => {
      const email = `${role}${++n}@nocturn.test`;
      const user = await server.core.users.create(
        { email, displayName: `${role} ${n}`, password: ADMIN.password, role, allProperties: propertyIds === 'all', propertyIds: propertyIds === 'all' ? [] : propertyIds },
        cliActor('test'),
      );
      return { ...(await signIn(server.staffUrl, email, ADMIN.password)), userId: user.id, email };
    },
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
