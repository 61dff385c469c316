// The supervisor driving the real server entry in a real child process. Electron's utilityProcess
// is not available here; a Node child with an IPC channel speaks the same protocol
// (server/utility-entry.ts accepts either), so what runs is the production entry and server.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ServerSupervisor, type ForkRequest, type ServerChild, type SupervisorStatus } from './server-supervisor.js';

const ENTRY = path.resolve(import.meta.dirname, '..', 'server', 'utility-entry.ts');

const processes: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of processes.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function nodeFork(request: ForkRequest, output: string[]): { child: ServerChild; process: ChildProcess } {
  const proc = fork(request.modulePath, request.args, { env: request.env, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  processes.push(proc);
  proc.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
  proc.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
  const child: ServerChild = {
    get pid() {
      return proc.pid;
    },
    postMessage: (m) => {
      if (proc.connected) proc.send(m as object);
    },
    kill: () => proc.kill('SIGTERM'),
    onSpawn: (l) => void proc.on('spawn', l),
    onMessage: (l) => void proc.on('message', l),
    onExit: (l) => void proc.on('exit', (code, signal) => l(code ?? (signal ? 128 : 1))),
  };
  return { child, process: proc };
}

async function until(cond: () => boolean, what: string, output: string[], timeoutMs = 25_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what} did not happen in time; child output:\n${output.join('')}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('server supervisor with the real server process', () => {
  it('starts it with the key by message, restarts it after a crash, and stops it cleanly', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'nocturn-supervised-'));
    dirs.push(dataDir);
    const key = randomBytes(32);
    const strayKey = randomBytes(32).toString('base64');
    const output: string[] = [];
    const requests: ForkRequest[] = [];
    const started: ChildProcess[] = [];
    const exits: (number | null)[] = [];
    const statuses: SupervisorStatus[] = [];

    const supervisor = new ServerSupervisor({
      fork: (request) => {
        requests.push(request);
        const { child, process: proc } = nodeFork(request, output);
        started.push(proc);
        proc.on('exit', (code) => exits.push(code));
        return child;
      },
      modulePath: ENTRY,
      dataDir,
      key: { kind: 'key', key },
      env: {
        ...process.env,
        NOCTURN_ENV: 'production', // refuses to start without a real key: the handed-over one must count
        NOCTURN_MASTER_KEY: strayKey, // must not leak into the child
        NOCTURN_STAFF_PORT: '0',
        NOCTURN_PUBLIC_PORT: '0',
        NOCTURN_SERVE_UI: 'false',
        NOCTURN_LOG_LEVEL: 'warn',
      },
      readyTimeoutMs: 25_000,
      backoff: { initialMs: 50, maxMs: 500 },
    });
    supervisor.onStatus((s) => statuses.push(s));

    const first = await supervisor.start();
    expect((await fetch(`${first.staffUrl}/health`)).status).toBe(200);
    expect(first.setupToken).toEqual(expect.any(String));

    // The server dies hard (no chance to clean up): the supervisor restarts it on the same data.
    started[0]!.kill('SIGKILL');
    await until(() => supervisor.status.state === 'running' && started.length === 2, 'a restart', output);
    const again = (supervisor.status as Extract<SupervisorStatus, { state: 'running' }>).endpoints;
    expect(again.staffUrl).not.toBe(first.staffUrl); // ephemeral ports: a new listener
    expect((await fetch(`${again.staffUrl}/health`)).status).toBe(200);
    const readiness = (await (await fetch(`${again.staffUrl}/ready`)).json()) as { ready: boolean; checks: { keys: { detail: { masterKey: string } } } };
    // The restarted server opened the existing data: the same key arrived again.
    expect(readiness.ready).toBe(true);
    expect(readiness.checks.keys.detail.masterKey).toBe('provided');
    expect(statuses.map((s) => s.state)).toEqual(['starting', 'running', 'restarting', 'starting', 'running']);

    // Quit: a stop message, a graceful close, exit code 0.
    expect(await supervisor.stop()).toEqual({ clean: true });
    expect(exits).toEqual([null, 0]);
    await expect(fetch(`${again.staffUrl}/health`)).rejects.toThrow();

    for (const r of requests) {
      expect(r.args).toEqual([]);
      const env = JSON.stringify(r.env);
      expect(env).not.toContain(key.toString('base64'));
      expect(env).not.toContain(strayKey);
    }
  }, 60_000);
});
