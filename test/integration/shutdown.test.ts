import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, tempDir } from '../support/server.js';

const root = path.resolve(import.meta.dirname, '../..');
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

/** Starts `nocturn serve` as a real child process and resolves with its staff URL. */
function serve(dataDir: string): Promise<{ child: ChildProcess; staffUrl: string; exit: Promise<number | null>; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'server/cli/bin.ts'), 'serve'], {
    cwd: root,
    env: { ...process.env, NOCTURN_ENV: 'test', NOCTURN_DATA_DIR: dataDir, NOCTURN_STAFF_PORT: '0', NOCTURN_PUBLIC_PORT: '0', NOCTURN_SERVE_UI: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 45_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /"staffUrl":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, staffUrl: m[1]!, exit, output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', () => reject(new Error(`server exited early:\n${out}`)));
  });
}

async function waitFor(output: () => string, re: RegExp): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const m = re.exec(output());
    if (m) return m[1]!;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never printed ${re}:\n${output()}`);
}

describe('graceful shutdown (E6)', { timeout: 90_000 }, () => {
  it('finishes an in-flight request after SIGTERM, then exits 0', async () => {
    const tmp = tempDir();
    try {
      const { child, staffUrl, exit, output } = await serve(tmp.dir);
      const token = /enter the setup token (\S+)/.exec(output())?.[1] ?? (await waitFor(output, /enter the setup token (\S+)/));
      // The in-flight request is the first-run setup: it creates the first admin account.
      const body = JSON.stringify({ token, email: 'owner@late-arrival.example', displayName: 'Owner', password: 'a long enough password' });
      const half = Math.floor(body.length / 2);
      // Send the headers and half the body, signal the server, then finish the body.
      const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = http.request(`${staffUrl}/api/v1/auth/setup`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on('error', reject);
        req.write(body.slice(0, half));
        setTimeout(() => {
          child.kill('SIGTERM');
          setTimeout(() => req.end(body.slice(half)), 300);
        }, 200);
      });
      const res = await response;
      expect(res.status).toBe(201);
      expect(JSON.parse(res.text)).toMatchObject({ authenticated: true, user: { email: 'owner@late-arrival.example', role: 'admin' } });
      expect(await exit).toBe(0);
      expect(output()).toContain('shutdown complete');

      // The account created by the in-flight request works after a restart (a second start is a no-op migration).
      const again = await serve(tmp.dir);
      const login = await fetch(`${again.staffUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'owner@late-arrival.example', password: 'a long enough password' }),
      });
      expect(login.status).toBe(200);
      expect(again.output()).not.toMatch(/enter the setup token/);
      again.child.kill('SIGINT');
      expect(await again.exit).toBe(0);
    } finally {
      tmp.remove();
    }
  });

  it('refuses new connections once shutdown has begun', async () => {
    const tmp = tempDir();
    try {
      const { child, staffUrl, exit } = await serve(tmp.dir);
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
      await expect(fetch(`${staffUrl}/health`)).rejects.toThrow();
    } finally {
      tmp.remove();
    }
  });

  it('ends the open staff live streams (inbox events, knowledge index progress) instead of waiting out the timeout', async () => {
    // A shutdown timeout longer than this test's: a stream left open would make stop() outlast the test.
    const s = await startTestServer({ env: { NOCTURN_SHUTDOWN_TIMEOUT_MS: '60000' } });
    const hotel = await (await s.admin.post('/api/v1/properties', { name: 'Stream Hotel', slug: 'stream', timezone: 'UTC' })).json();
    expect(hotel).toMatchObject({ slug: 'stream' });
    const streams = await Promise.all(['/api/v1/events', '/api/v1/properties/stream/knowledge-base/index/events'].map((p) => s.admin.fetch(p)));
    for (const res of streams) expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    /** Reads a stream to its end: resolves 'ended' when the server closes it cleanly, 'cut' when the connection is torn down. */
    const drain = async (res: Response) => {
      const reader = res.body!.getReader();
      try {
        while (!(await reader.read()).done);
        return 'ended';
      } catch {
        return 'cut';
      }
    };
    const ends = streams.map(drain);
    await s.stop();
    expect(await Promise.all(ends)).toEqual(['ended', 'ended']);
  }, 30_000);
});
