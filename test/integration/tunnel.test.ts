import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config/config.js';
import { CloudflaredProvider } from '../../server/features/tunnel/cloudflared.adapter.js';
import { CommandProvider, parseCommandLine } from '../../server/features/tunnel/command.adapter.js';
import { ManualProvider } from '../../server/features/tunnel/manual.adapter.js';
import { NgrokProvider } from '../../server/features/tunnel/ngrok.adapter.js';
import { TunnelManager, type TunnelManagerSettings } from '../../server/features/tunnel/tunnel.manager.js';
import type { TunnelProvider, TunnelStatus } from '../../server/features/tunnel/tunnel.port.js';
import { createLogger } from '../../server/shared/logger.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** The tunnel manager supervising real child processes (a stand-in tunnel program), D7. */

const FAKE = fileURLToPath(new URL('../fixtures/tunnel/fake-tunnel.mjs', import.meta.url));
const NODE = process.execPath;
const log = createLogger({ level: 'silent' });
const FAST = { baseDelayMs: 50, maxDelayMs: 400, stableMs: 60_000, probeIntervalMs: 0 };

let tmp: string;
const managers: TunnelManager[] = [];

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'nocturn-tunnel-'));
});
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stop()));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function manager(provider: TunnelProvider | null, settings: Partial<TunnelManagerSettings> = {}): TunnelManager {
  const m = new TunnelManager(provider, { log }, { ...FAST, ...settings });
  managers.push(m);
  return m;
}

/** Waits until the status satisfies `predicate` (the manager reports every change). */
function until(m: TunnelManager, predicate: (s: TunnelStatus) => boolean, timeoutMs = 10_000): Promise<TunnelStatus> {
  return new Promise((resolve, reject) => {
    if (predicate(m.status())) return resolve(m.status());
    const timer = setTimeout(() => {
      off();
      reject(new Error(`tunnel status never matched; last: ${JSON.stringify(m.status())}`));
    }, timeoutMs);
    const off = m.onChange((s) => {
      if (!predicate(s)) return;
      clearTimeout(timer);
      off();
      resolve(s);
    });
  });
}

/** A directory holding only an executable called `cloudflared` that runs the stand-in. */
function fakeCloudflaredDir(extraArgs: string[] = []): { dir: string; pidFile: string } {
  const dir = mkdtempSync(path.join(tmp, 'bin-'));
  const pidFile = path.join(dir, 'pids');
  const script = path.join(dir, 'cloudflared');
  const quoted = [NODE, FAKE].map((a) => `'${a}'`).join(' ');
  writeFileSync(script, `#!/bin/sh\nexec ${quoted} "$@" --pid-file '${pidFile}' ${extraArgs.join(' ')}\n`);
  chmodSync(script, 0o755);
  return { dir, pidFile };
}

function pids(file: string): number[] {
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map(Number) : [];
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('tunnel manager', () => {
  it('starts cloudflared, learns the quick-tunnel URL from its banner, and restarts it with a new URL when it dies', async () => {
    const { dir, pidFile } = fakeCloudflaredDir();
    const m = manager(new CloudflaredProvider({ env: { PATH: dir } }));
    expect(m.status()).toMatchObject({ provider: 'cloudflared', state: 'starting', url: null, restarts: 0 });
    m.start({ port: 4311 });

    const up = await until(m, (s) => s.state === 'up');
    expect(up.url).toMatch(/^https:\/\/[a-z]+-[a-z]+-[a-z]+-\d{4}\.trycloudflare\.com$/);
    expect(up.restarts).toBe(0);
    const [firstPid] = pids(pidFile);
    expect(isAlive(firstPid!)).toBe(true);

    // The tunnel process crashes: the manager notices, reports it down, and starts a new one.
    const down = until(m, (s) => s.state === 'down');
    process.kill(firstPid!, 'SIGKILL');
    expect((await down).lastError).toMatch(/cloudflared was stopped by SIGKILL/);
    const again = await until(m, (s) => s.state === 'up' && s.restarts === 1);
    expect(again.url).toMatch(/trycloudflare\.com$/);
    expect(again.url).not.toBe(up.url);
    expect(pids(pidFile)).toHaveLength(2);
    expect(isAlive(pids(pidFile)[1]!)).toBe(true);

    // Stopping ends the child too.
    await m.stop();
    expect(isAlive(pids(pidFile)[1]!)).toBe(false);
    expect(m.status().state).toBe('down');
  });

  it('passes the public port, --no-autoupdate and a loopback metrics address to cloudflared, and uses /ready for health', async () => {
    const dir = mkdtempSync(path.join(tmp, 'args-'));
    const argsFile = path.join(dir, 'args');
    const script = path.join(dir, 'cloudflared');
    writeFileSync(script, `#!/bin/sh\necho "$@" > '${argsFile}'\nexec '${NODE}' '${FAKE}' "$@"\n`);
    chmodSync(script, 0o755);
    const m = manager(new CloudflaredProvider({ env: { PATH: dir } }), { probeIntervalMs: 100 });
    m.start({ port: 45678 });
    await until(m, (s) => s.state === 'up');
    expect(readFileSync(argsFile, 'utf8').trim()).toMatch(/^tunnel --url http:\/\/127\.0\.0\.1:45678 --no-autoupdate --metrics 127\.0\.0\.1:\d+$/);
    // Health checks against the metrics server keep it up (no restart).
    await new Promise((r) => setTimeout(r, 500));
    expect(m.status()).toMatchObject({ state: 'up', restarts: 0, lastError: null });
  });

  it('backs off between restarts while the tunnel keeps dropping, and counts the restarts', async () => {
    const { dir, pidFile } = fakeCloudflaredDir(['--exit-after', '150']);
    const m = manager(new CloudflaredProvider({ env: { PATH: dir } }), { baseDelayMs: 100, maxDelayMs: 800 });
    const ups: number[] = [];
    m.onChange((s) => {
      if (s.state === 'up') ups.push(Date.now());
    });
    m.start({ port: 4311 });
    const s = await until(m, (x) => x.restarts >= 3 && x.state === 'up', 15_000);
    expect(s.lastError).toMatch(/exited with code 1.*connection to the edge lost/);
    expect(pids(pidFile).length).toBeGreaterThanOrEqual(4);
    // Each wait is at least half the doubled delay: 50, 100, 200 ms minimum on top of the 150 ms run.
    const gaps = ups.slice(1).map((t, i) => t - ups[i]!);
    expect(gaps[2]!).toBeGreaterThanOrEqual(150 + 200);
  });

  it('reports a clear error, once, when cloudflared is not on PATH', async () => {
    const empty = mkdtempSync(path.join(tmp, 'empty-'));
    const m = manager(new CloudflaredProvider({ env: { PATH: empty } }));
    m.start({ port: 4311 });
    const s = await until(m, (x) => x.state === 'down');
    expect(s).toMatchObject({ provider: 'cloudflared', url: null, restarts: 0 });
    expect(s.lastError).toMatch(/cloudflared was not found on PATH/);
    await new Promise((r) => setTimeout(r, 300));
    expect(m.status().restarts).toBe(0); // not installed: no retry loop
    expect(await m.readinessCheck().check()).toMatchObject({ ok: false });
  });

  it('retries a tunnel program that fails to start', async () => {
    const { dir, pidFile } = fakeCloudflaredDir(['--fail']);
    const m = manager(new CloudflaredProvider({ env: { PATH: dir } }));
    m.start({ port: 4311 });
    const s = await until(m, (x) => x.state === 'down' && x.restarts >= 2);
    expect(s.lastError).toMatch(/cloudflared exited with code 2 before it printed a public URL: .*fake failure/);
    expect(pids(pidFile).length).toBeGreaterThanOrEqual(3);
  });

  it('gives up on a program that prints no URL in time', async () => {
    const { dir } = fakeCloudflaredDir(['--no-url']);
    const m = manager(new CloudflaredProvider({ env: { PATH: dir }, startTimeoutMs: 700 }));
    m.start({ port: 4311 });
    const s = await until(m, (x) => x.state === 'down');
    expect(s.lastError).toMatch(/printed no public URL within 1 s/);
  });

  it('runs a custom command, reads the URL with the configured pattern, and reaches the target through it', async () => {
    const target = await startTestServer({ noAdmin: true, env: { NOCTURN_EMBEDDER: 'none' } });
    try {
      const port = new URL(target.publicUrl).port;
      const m = manager(new CommandProvider({ commandLine: `'${NODE}' '${FAKE}' --port {port} --proxy`, urlPattern: 'your url is: (http://\\S+)' }));
      m.start({ port: Number(port) });
      const s = await until(m, (x) => x.state === 'up');
      expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(s.url).not.toBe(target.publicUrl);
      const health = await fetch(`${s.url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok' });
    } finally {
      await target.stop();
    }
  });

  it('marks a tunnel down after failed end-to-end health checks, and restarts a process tunnel', async () => {
    // The proxy forwards to a port where nothing listens, so <url>/health fails.
    const m = manager(new CommandProvider({ commandLine: `'${NODE}' '${FAKE}' --port 9 --proxy`, urlPattern: 'your url is: (http://\\S+)' }), {
      probeIntervalMs: 50,
      probeTimeoutMs: 500,
    });
    m.start({ port: 9 });
    const s = await until(m, (x) => x.restarts >= 1);
    expect(s.lastError).toMatch(/health check failed 3 times: .*\/health answered 502/);
  });

  it('manual: reports the configured URL, and down while its health check fails', async () => {
    const m = manager(new ManualProvider('https://chat.harbour-hotels.example/'));
    m.start({ port: 4311 });
    const s = await until(m, (x) => x.state === 'up');
    expect(s).toMatchObject({ provider: 'manual', url: 'https://chat.harbour-hotels.example', lastError: null });

    const unreachable = manager(new ManualProvider('http://127.0.0.1:9'), { probeIntervalMs: 30, probeTimeoutMs: 300 });
    unreachable.start({ port: 4311 });
    const down = await until(unreachable, (x) => x.state === 'down');
    expect(down).toMatchObject({ url: 'http://127.0.0.1:9', restarts: 0 });
    expect(down.lastError).toMatch(/health check failed 3 times/);
  });

  it('none: disabled, and /ready does not hold it against the appliance', async () => {
    const m = manager(null);
    m.start({ port: 4311 });
    expect(m.status()).toMatchObject({ provider: 'none', state: 'disabled', url: null, lastError: null, restarts: 0 });
    expect(await m.readinessCheck().check()).toMatchObject({ ok: true });
    expect(m.readinessCheck().critical).toBe(false);
  });

  it('ngrok: says plainly that the package is not installed', async () => {
    const m = manager(new NgrokProvider());
    m.start({ port: 4311 });
    const s = await until(m, (x) => x.state === 'down');
    expect(s.lastError).toMatch(/needs the @ngrok\/ngrok package, which is not installed: run `npm install @ngrok\/ngrok` and set NGROK_AUTHTOKEN/);
  });

  it('ngrok: forwards the public port and reports the listener URL (SDK stand-in)', async () => {
    const calls: Record<string, unknown>[] = [];
    let closed = false;
    const m = manager(
      new NgrokProvider({
        load: async () => ({
          forward: async (config) => {
            calls.push(config);
            return { url: () => 'https://harbour.ngrok.app', close: async () => void (closed = true) };
          },
        }),
      }),
    );
    m.start({ port: 4311 });
    const s = await until(m, (x) => x.state === 'up');
    expect(s.url).toBe('https://harbour.ngrok.app');
    expect(calls[0]).toMatchObject({ addr: '127.0.0.1:4311', authtoken_from_env: true });
    await m.stop();
    expect(closed).toBe(true);
  });

  it('splits a custom command line like a shell would, without running one', () => {
    expect(parseCommandLine(`ssh -R 80:127.0.0.1:{port} -o "ServerAliveInterval 30" 'nokey@localhost.run'`)).toEqual([
      'ssh',
      '-R',
      '80:127.0.0.1:{port}',
      '-o',
      'ServerAliveInterval 30',
      'nokey@localhost.run',
    ]);
    expect(parseCommandLine('a\\ b "c\\"d" e;rm')).toEqual(['a b', 'c"d', 'e;rm']);
    expect(() => parseCommandLine('ssh "open')).toThrow(/unbalanced quote/);
  });
});

describe('tunnel configuration and server wiring', () => {
  it('validates the provider settings at start-up', () => {
    expect(loadConfig({}).tunnel).toMatchObject({ provider: 'none' });
    expect(() => loadConfig({ NOCTURN_TUNNEL_PROVIDER: 'frp' })).toThrow(/NOCTURN_TUNNEL_PROVIDER/);
    expect(() => loadConfig({ NOCTURN_TUNNEL_PROVIDER: 'command' })).toThrow(/NOCTURN_TUNNEL_COMMAND: required/);
    expect(() => loadConfig({ NOCTURN_TUNNEL_PROVIDER: 'manual' })).toThrow(/NOCTURN_PUBLIC_URL: required/);
    expect(() => loadConfig({ NOCTURN_TUNNEL_PROVIDER: 'command', NOCTURN_TUNNEL_COMMAND: 'x', NOCTURN_TUNNEL_URL_PATTERN: '(' })).toThrow(/NOCTURN_TUNNEL_URL_PATTERN: must be a valid regular expression/);
  });

  let s: TestServer | undefined;
  afterEach(async () => {
    await s?.stop();
    s = undefined;
  });

  it('tunnels to the public listener only, and shows the state in GET /api/v1/tunnel and /ready', async () => {
    s = await startTestServer({
      env: {
        NOCTURN_EMBEDDER: 'none',
        NOCTURN_TUNNEL_PROVIDER: 'command',
        NOCTURN_TUNNEL_COMMAND: `'${NODE}' '${FAKE}' --port {port} --proxy`,
        NOCTURN_TUNNEL_URL_PATTERN: 'your url is: (http://\\S+)',
      },
    });
    let status: Record<string, unknown> = {};
    for (let i = 0; i < 100 && status.state !== 'up'; i++) {
      const res = await s.admin.get('/api/v1/tunnel');
      expect(res.status).toBe(200);
      status = (await res.json()) as Record<string, unknown>;
      if (status.state !== 'up') await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toMatchObject({ provider: 'command', state: 'up', restarts: 0, lastError: null });
    const url = status.url as string;

    // Through the tunnel: the guest-facing listener, and nothing of the staff API.
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect((await fetch(`${url}/api/v1/properties`)).status).toBe(404);
    expect((await fetch(`${url}/api/v1/tunnel`)).status).toBe(404);
    expect((await fetch(`${url}/ready`)).status).toBe(404);

    const ready = (await (await fetch(`${s.staffUrl}/ready`)).json()) as { checks: Record<string, { ok: boolean; critical: boolean; detail: Record<string, unknown> }> };
    expect(ready.checks.tunnel).toMatchObject({ ok: true, critical: false, detail: { provider: 'command', state: 'up', url } });

    // Agents may not see channel settings.
    const agent = await s.staff('agent');
    expect((await agent.get('/api/v1/tunnel')).status).toBe(403);
  });

  it('a server without a tunnel reports it disabled', async () => {
    s = await startTestServer({ env: { NOCTURN_EMBEDDER: 'none' } });
    expect(await (await s.admin.get('/api/v1/tunnel')).json()).toMatchObject({ provider: 'none', state: 'disabled', url: null });
  });
});
