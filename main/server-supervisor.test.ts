import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { MasterKeyHandoff } from './key-store.js';
import { ServerStartError, ServerSupervisor, type ForkRequest, type ServerChild, type SupervisorOptions, type SupervisorStatus } from './server-supervisor.js';

type Behaviour = 'ready' | 'crash-on-start' | 'error-on-start' | 'silent' | 'ignore-stop';

/** A server process stand-in that follows the utility entry's protocol. */
class FakeChild implements ServerChild {
  static nextPid = 1000;
  pid: number | undefined = FakeChild.nextPid++;
  received: unknown[] = [];
  killed = false;
  exitCode: number | undefined;
  private spawnL: (() => void)[] = [];
  private messageL: ((m: unknown) => void)[] = [];
  private exitL: ((c: number) => void)[] = [];

  constructor(
    readonly request: ForkRequest,
    private readonly behaviour: Behaviour,
    readonly port: number,
  ) {
    setTimeout(() => this.spawnL.forEach((l) => l()), 1);
  }
  postMessage(message: unknown): void {
    if (this.exitCode !== undefined) throw new Error('channel closed');
    this.received.push(message);
    const type = (message as { type: string }).type;
    if (type === 'start') {
      if (this.behaviour === 'ready' || this.behaviour === 'ignore-stop') this.reply({ type: 'ready', staffUrl: `http://127.0.0.1:${this.port}`, publicUrl: `http://127.0.0.1:${this.port + 1}` });
      if (this.behaviour === 'crash-on-start') this.exit(1);
      if (this.behaviour === 'error-on-start') {
        this.reply({ type: 'error', message: 'the master key does not open this data directory (wrong key or passphrase)' });
        this.exit(1);
      }
    }
    if (type === 'stop' && this.behaviour !== 'ignore-stop') this.exit(0);
  }
  kill(): boolean {
    this.killed = true;
    this.exit(143);
    return true;
  }
  onSpawn(l: () => void): void {
    this.spawnL.push(l);
  }
  onMessage(l: (m: unknown) => void): void {
    this.messageL.push(l);
  }
  onExit(l: (c: number) => void): void {
    this.exitL.push(l);
  }
  reply(m: unknown): void {
    setTimeout(() => this.messageL.forEach((l) => l(m)), 1);
  }
  /** The process dies (or exits). */
  exit(code: number): void {
    if (this.exitCode !== undefined) return;
    this.exitCode = code;
    setTimeout(() => {
      this.pid = undefined;
      this.exitL.forEach((l) => l(code));
    }, 1);
  }
}

const KEY: MasterKeyHandoff = { kind: 'key', key: randomBytes(32) };
const keyB64 = (KEY as { key: Buffer }).key.toString('base64');

function harness(behaviours: Behaviour[] | ((n: number) => Behaviour), opts: Partial<SupervisorOptions> = {}) {
  const children: FakeChild[] = [];
  const statuses: SupervisorStatus[] = [];
  const pick = typeof behaviours === 'function' ? behaviours : (n: number) => behaviours[Math.min(n, behaviours.length - 1)]!;
  const supervisor = new ServerSupervisor({
    fork: (request) => {
      const child = new FakeChild(request, pick(children.length), 5000 + children.length * 10);
      children.push(child);
      return child;
    },
    modulePath: '/app/dist/server/utility-entry.js',
    dataDir: '/data',
    key: KEY,
    env: { PATH: '/usr/bin', NOCTURN_MASTER_KEY: keyB64, NOCTURN_MASTER_PASSPHRASE: 'left over in the environment', NOCTURN_STAFF_PORT: '0' },
    readyTimeoutMs: 200,
    stopTimeoutMs: 100,
    killTimeoutMs: 100,
    backoff: { initialMs: 10, maxMs: 40 },
    maxRapidCrashes: 3,
    ...opts,
  });
  supervisor.onStatus((s) => statuses.push(s));
  return { supervisor, children, statuses };
}

async function until(cond: () => boolean, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('server supervisor', () => {
  it('hands the key over by message only and resolves when the server reports ready', async () => {
    const { supervisor, children } = harness(['ready']);
    const endpoints = await supervisor.start();
    expect(endpoints).toEqual({ staffUrl: 'http://127.0.0.1:5000', publicUrl: 'http://127.0.0.1:5001' });
    expect(supervisor.status).toMatchObject({ state: 'running', restarts: 0 });

    const [child] = children;
    expect(child!.received[0]).toEqual({ type: 'start', dataDir: '/data', masterKey: keyB64 });
    // Not in argv, not in the environment (not even when the parent's environment held it).
    expect(child!.request.args).toEqual([]);
    expect(child!.request.modulePath).toBe('/app/dist/server/utility-entry.js');
    const envText = JSON.stringify(child!.request.env);
    expect(envText).not.toContain(keyB64);
    expect(envText).not.toContain('left over in the environment');
    expect(child!.request.env).toMatchObject({ PATH: '/usr/bin', NOCTURN_STAFF_PORT: '0' });
    await supervisor.stop();
  });

  it('passes a passphrase the same way, by message', async () => {
    const { supervisor, children } = harness(['ready'], { key: { kind: 'passphrase', passphrase: 'correct horse battery staple' } });
    await supervisor.start();
    expect(children[0]!.received[0]).toEqual({ type: 'start', dataDir: '/data', masterPassphrase: 'correct horse battery staple' });
    expect(JSON.stringify(children[0]!.request)).not.toContain('correct horse');
    await supervisor.stop();
  });

  it('restarts a crashed server with exponential backoff and reports the new endpoints', async () => {
    const { supervisor, children, statuses } = harness(['ready', 'crash-on-start', 'crash-on-start', 'ready']);
    await supervisor.start();
    children[0]!.exit(1); // the server dies while running
    await until(() => supervisor.status.state === 'running' && children.length === 4);

    const delays = statuses.flatMap((s) => (s.state === 'restarting' ? [s.delayMs] : []));
    expect(delays).toEqual([10, 20, 40]);
    expect(statuses.find((s) => s.state === 'restarting')).toMatchObject({ reason: 'the server process exited with code 1' });
    expect(supervisor.status).toMatchObject({ state: 'running', restarts: 3, endpoints: { staffUrl: 'http://127.0.0.1:5030' } });
    // Every restart gets the key again, by message.
    for (const c of children) expect(c.received[0]).toMatchObject({ type: 'start', masterKey: keyB64 });
    await supervisor.stop();
  });

  it('caps the backoff delay', async () => {
    const { supervisor, children, statuses } = harness((n) => (n === 0 ? 'ready' : n < 6 ? 'crash-on-start' : 'ready'), { maxRapidCrashes: 10, backoff: { initialMs: 5, maxMs: 20 } });
    await supervisor.start();
    children[0]!.exit(1);
    await until(() => supervisor.status.state === 'running' && statuses.filter((s) => s.state === 'restarting').length === 6);
    expect(statuses.flatMap((s) => (s.state === 'restarting' ? [s.delayMs] : []))).toEqual([5, 10, 20, 20, 20, 20]);
    await supervisor.stop();
  });

  it('gives up after repeated rapid crashes with a visible error, and start() rejects with it', async () => {
    const { supervisor, children } = harness(['crash-on-start']);
    const err = await supervisor.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerStartError);
    expect((err as Error).message).toMatch(/stopped 4 times in a row and will not be restarted automatically/);
    expect((err as Error).message).toMatch(/exited with code 1/);
    expect(supervisor.status).toMatchObject({ state: 'failed' });
    const forks = children.length;
    expect(forks).toBe(4); // the first start and three restarts
    await new Promise((r) => setTimeout(r, 100));
    expect(children.length).toBe(forks);
  });

  it('a server that stayed up long enough starts the crash count again', async () => {
    let clock = 0;
    const { supervisor, children } = harness(['ready'], { now: () => clock, stableAfterMs: 1000, maxRapidCrashes: 1 });
    await supervisor.start();
    for (let i = 0; i < 3; i++) {
      clock += 5000; // ran for a while, then died
      children.at(-1)!.exit(1);
      await until(() => supervisor.status.state === 'running' && children.length === i + 2);
    }
    expect(supervisor.status).toMatchObject({ state: 'running', restarts: 3 });
    await supervisor.stop();
  });

  it('a start-up error on first start fails at once with the server’s message (a wrong key does not improve by retrying)', async () => {
    const { supervisor, children } = harness(['error-on-start', 'ready']);
    await expect(supervisor.start()).rejects.toThrow(/wrong key or passphrase/);
    await new Promise((r) => setTimeout(r, 60));
    expect(children).toHaveLength(1);
    expect(supervisor.status).toMatchObject({ state: 'failed', error: expect.stringMatching(/wrong key/) });
  });

  it('kills and restarts a server that never reports ready', async () => {
    const { supervisor, children } = harness(['silent', 'ready'], { readyTimeoutMs: 50 });
    const endpoints = await supervisor.start();
    expect(children[0]!.killed).toBe(true);
    expect(endpoints.staffUrl).toBe('http://127.0.0.1:5010');
    await supervisor.stop();
  });

  it('quit: sends stop, the server exits 0, and nothing restarts it', async () => {
    const { supervisor, children, statuses } = harness(['ready']);
    await supervisor.start();
    const result = await supervisor.stop();
    expect(result).toEqual({ clean: true });
    expect(children[0]!.received.at(-1)).toEqual({ type: 'stop' });
    expect(children[0]!.exitCode).toBe(0);
    expect(children[0]!.killed).toBe(false);
    expect(statuses.slice(-2).map((s) => s.state)).toEqual(['stopping', 'stopped']);
    await new Promise((r) => setTimeout(r, 60));
    expect(children).toHaveLength(1);
    expect(supervisor.status).toEqual({ state: 'stopped', clean: true });
  });

  it('quit: a server that does not stop in time is killed', async () => {
    const { supervisor, children } = harness(['ignore-stop']);
    await supervisor.start();
    expect(await supervisor.stop()).toEqual({ clean: false });
    expect(children[0]!.killed).toBe(true);
  });

  it('quit while a restart is pending cancels it', async () => {
    const { supervisor, children } = harness(['ready', 'ready'], { backoff: { initialMs: 200, maxMs: 200 } });
    await supervisor.start();
    children[0]!.exit(1);
    await until(() => supervisor.status.state === 'restarting');
    await supervisor.stop();
    await new Promise((r) => setTimeout(r, 300));
    expect(children).toHaveLength(1);
  });

  it('after giving up, retry() starts again from scratch', async () => {
    const { supervisor, children } = harness((n) => (n < 4 ? 'crash-on-start' : 'ready'));
    await expect(supervisor.start()).rejects.toThrow(ServerStartError);
    const endpoints = await supervisor.retry();
    expect(endpoints.staffUrl).toBe('http://127.0.0.1:5040');
    expect(children).toHaveLength(5);
    await supervisor.stop();
  });

  it('ignores malformed messages from the child', async () => {
    const { supervisor, children } = harness(['silent'], { readyTimeoutMs: 5000 });
    const started = supervisor.start();
    await until(() => children.length === 1 && children[0]!.received.length === 1);
    children[0]!.reply({ type: 'ready', staffUrl: 'not a url' });
    children[0]!.reply('hello');
    await new Promise((r) => setTimeout(r, 20));
    expect(supervisor.status.state).toBe('starting');
    children[0]!.reply({ type: 'ready', staffUrl: 'http://127.0.0.1:7000', publicUrl: 'http://127.0.0.1:7001', setupToken: 'tok-123' });
    expect(await started).toEqual({ staffUrl: 'http://127.0.0.1:7000', publicUrl: 'http://127.0.0.1:7001', setupToken: 'tok-123' });
    await supervisor.stop();
  });
});
