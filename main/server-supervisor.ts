import { z } from 'zod';
import type { MasterKeyHandoff } from './key-store.js';

/**
 * Runs the Nocturn server as a child process (Electron's utilityProcess in production) and keeps
 * it running: hands over the key by message, waits for ready with a timeout, restarts it with
 * exponential backoff when it dies, gives up with a visible error after repeated rapid crashes,
 * and stops it cleanly on quit (stop message, wait, then kill).
 */

/** A started child, as the supervisor needs it. Production adapts Electron's UtilityProcess. */
export interface ServerChild {
  readonly pid: number | undefined;
  postMessage(message: unknown): void;
  /** Terminates the process (SIGTERM on POSIX). */
  kill(): boolean;
  onSpawn(listener: () => void): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number) => void): void;
}

export interface ForkRequest {
  modulePath: string;
  /** Always empty: nothing secret may travel in argv. */
  args: string[];
  /** The child's environment, without any key material. */
  env: Record<string, string>;
  serviceName: string;
}

export type ForkServer = (request: ForkRequest) => ServerChild;

export interface ServerEndpoints {
  staffUrl: string;
  publicUrl: string;
  /** First run only: the one-time setup token. */
  setupToken?: string;
}

export type SupervisorStatus =
  | { state: 'idle' }
  | { state: 'starting'; attempt: number }
  | { state: 'running'; endpoints: ServerEndpoints; restarts: number }
  | { state: 'restarting'; attempt: number; delayMs: number; reason: string }
  | { state: 'failed'; error: string }
  | { state: 'stopping' }
  | { state: 'stopped'; clean: boolean };

export class ServerStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServerStartError';
  }
}

export interface SupervisorLog {
  (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void;
}

export interface SupervisorOptions {
  fork: ForkServer;
  modulePath: string;
  dataDir: string;
  key: MasterKeyHandoff;
  /** Base environment for the child; key variables are removed from it. */
  env: Record<string, string | undefined>;
  readyTimeoutMs?: number;
  /** How long a stop message may take before the child is killed. */
  stopTimeoutMs?: number;
  /** How long to wait for the exit after a kill. */
  killTimeoutMs?: number;
  backoff?: { initialMs: number; maxMs: number };
  /** Consecutive rapid crashes tolerated; the next one gives up. */
  maxRapidCrashes?: number;
  /** A server that ran this long before dying resets the crash count. */
  stableAfterMs?: number;
  now?: () => number;
  log?: SupervisorLog;
}

/** Variables that must never reach the child's environment: the key goes by message only. */
export const KEY_ENV_VARS = ['NOCTURN_MASTER_KEY', 'NOCTURN_MASTER_PASSPHRASE'] as const;

const childMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), staffUrl: z.url(), publicUrl: z.url(), setupToken: z.string().min(1).max(200).optional() }),
  z.object({ type: z.literal('error'), message: z.string().max(4000) }),
]);

interface Run {
  child: ServerChild;
  startedAt: number;
  spawned: boolean;
  ready: boolean;
  exited: boolean;
  exitCode: number | undefined;
  lastError: string | undefined;
  readyTimer: ReturnType<typeof setTimeout> | undefined;
  exitWaiters: ((code: number) => void)[];
}

export function childEnvironment(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  for (const k of KEY_ENV_VARS) delete out[k];
  return out;
}

export class ServerSupervisor {
  private current: SupervisorStatus = { state: 'idle' };
  private readonly listeners = new Set<(status: SupervisorStatus) => void>();
  private run: Run | undefined;
  private attempt = 0;
  private restarts = 0;
  private rapidCrashes = 0;
  private everReady = false;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private pendingStart: { resolve: (e: ServerEndpoints) => void; reject: (err: Error) => void } | undefined;
  private stopping: Promise<{ clean: boolean }> | undefined;

  private readonly readyTimeoutMs: number;
  private readonly stopTimeoutMs: number;
  private readonly killTimeoutMs: number;
  private readonly backoff: { initialMs: number; maxMs: number };
  private readonly maxRapidCrashes: number;
  private readonly stableAfterMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: SupervisorOptions) {
    this.readyTimeoutMs = opts.readyTimeoutMs ?? 30_000;
    this.stopTimeoutMs = opts.stopTimeoutMs ?? 15_000;
    this.killTimeoutMs = opts.killTimeoutMs ?? 5_000;
    this.backoff = opts.backoff ?? { initialMs: 1_000, maxMs: 30_000 };
    this.maxRapidCrashes = opts.maxRapidCrashes ?? 5;
    this.stableAfterMs = opts.stableAfterMs ?? 60_000;
    this.now = opts.now ?? Date.now;
  }

  get status(): SupervisorStatus {
    return this.current;
  }

  /** The running server's pid (diagnostics). */
  get pid(): number | undefined {
    return this.run?.child.pid;
  }

  onStatus(listener: (status: SupervisorStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Starts the server and resolves once it is ready. Rejects when the first start reports an
   * error (wrong key, port taken: retrying would not help) or when restarts give up.
   */
  start(): Promise<ServerEndpoints> {
    if (this.current.state !== 'idle') throw new Error(`the server supervisor was already started (${this.current.state})`);
    return new Promise((resolve, reject) => {
      this.pendingStart = { resolve, reject };
      this.spawn();
    });
  }

  /** After a give-up: tries again from scratch (the tray's "Restart server"). */
  retry(): Promise<ServerEndpoints> {
    if (this.current.state !== 'failed') throw new Error(`retry is only possible after a failure (${this.current.state})`);
    this.rapidCrashes = 0;
    this.everReady = false;
    this.current = { state: 'idle' };
    return this.start();
  }

  /** Stops the server: a stop message, then a kill when it takes longer than stopTimeoutMs. */
  stop(): Promise<{ clean: boolean }> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<{ clean: boolean }> {
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const run = this.run;
    this.setStatus({ state: 'stopping' });
    this.settleStart(new ServerStartError('Nocturn is quitting; the server was stopped before it was ready.'));
    let clean = true;
    if (run && !run.exited) {
      clearTimeout(run.readyTimer);
      if (run.spawned) this.send(run, { type: 'stop' });
      let code = run.spawned ? await this.waitForExit(run, this.stopTimeoutMs) : undefined;
      if (code === undefined) {
        if (run.spawned) this.log('warn', 'server did not stop in time; killing it', { timeoutMs: this.stopTimeoutMs });
        clean = false;
        run.child.kill();
        code = await this.waitForExit(run, this.killTimeoutMs);
      } else {
        clean = code === 0;
      }
    }
    this.run = undefined;
    this.setStatus({ state: 'stopped', clean });
    return { clean };
  }

  private spawn(): void {
    this.attempt += 1;
    this.setStatus({ state: 'starting', attempt: this.attempt });
    let child: ServerChild;
    try {
      child = this.opts.fork({ modulePath: this.opts.modulePath, args: [], env: childEnvironment(this.opts.env), serviceName: 'Nocturn server' });
    } catch (err) {
      this.fail(`could not start the server process: ${(err as Error).message}`);
      return;
    }
    const run: Run = { child, startedAt: this.now(), spawned: false, ready: false, exited: false, exitCode: undefined, lastError: undefined, readyTimer: undefined, exitWaiters: [] };
    this.run = run;
    run.readyTimer = setTimeout(() => {
      if (run.ready || run.exited || this.run !== run) return;
      run.lastError = `the server did not report ready within ${Math.round(this.readyTimeoutMs / 1000)} s`;
      this.log('warn', run.lastError);
      run.child.kill();
    }, this.readyTimeoutMs);
    child.onSpawn(() => {
      run.spawned = true;
      if (this.run !== run || this.stopping) return;
      const { key, dataDir } = this.opts;
      this.send(run, key.kind === 'key' ? { type: 'start', dataDir, masterKey: key.key.toString('base64') } : { type: 'start', dataDir, masterPassphrase: key.passphrase });
    });
    child.onMessage((raw) => this.onMessage(run, raw));
    child.onExit((code) => this.onExit(run, code));
  }

  private onMessage(run: Run, raw: unknown): void {
    const parsed = childMessage.safeParse(raw);
    if (!parsed.success) {
      this.log('warn', 'ignoring an unexpected message from the server process');
      return;
    }
    const msg = parsed.data;
    if (this.run !== run || this.stopping) return;
    if (msg.type === 'error') {
      run.lastError = msg.message;
      this.log('error', 'the server reported a start-up error', { message: msg.message });
      clearTimeout(run.readyTimer);
      // The child exits by itself after an error; make sure of it.
      setTimeout(() => {
        if (!run.exited) run.child.kill();
      }, this.killTimeoutMs).unref?.();
      if (!this.everReady) this.fail(msg.message);
      return;
    }
    run.ready = true;
    this.everReady = true;
    clearTimeout(run.readyTimer);
    const endpoints: ServerEndpoints = { staffUrl: msg.staffUrl, publicUrl: msg.publicUrl, ...(msg.setupToken ? { setupToken: msg.setupToken } : {}) };
    this.setStatus({ state: 'running', endpoints, restarts: this.restarts });
    this.pendingStart?.resolve(endpoints);
    this.pendingStart = undefined;
  }

  private onExit(run: Run, code: number): void {
    run.exited = true;
    run.exitCode = code;
    clearTimeout(run.readyTimer);
    for (const w of run.exitWaiters.splice(0)) w(code);
    if (this.run !== run || this.stopping) return;
    this.run = undefined;
    if (this.current.state === 'failed') return;

    const ranFor = this.now() - run.startedAt;
    if (run.ready && ranFor >= this.stableAfterMs) this.rapidCrashes = 0;
    this.rapidCrashes += 1;
    const reason = run.lastError ?? `the server process exited with code ${code}`;
    this.log('error', 'the server process stopped unexpectedly', { code, reason, rapidCrashes: this.rapidCrashes });
    if (this.rapidCrashes > this.maxRapidCrashes) {
      this.fail(`The Nocturn server stopped ${this.rapidCrashes} times in a row and will not be restarted automatically. Last error: ${reason}`);
      return;
    }
    const delayMs = Math.min(this.backoff.initialMs * 2 ** (this.rapidCrashes - 1), this.backoff.maxMs);
    this.restarts += 1;
    this.setStatus({ state: 'restarting', attempt: this.attempt + 1, delayMs, reason });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.stopping) this.spawn();
    }, delayMs);
  }

  private fail(error: string): void {
    this.setStatus({ state: 'failed', error });
    this.settleStart(new ServerStartError(error));
  }

  private settleStart(err: Error): void {
    this.pendingStart?.reject(err);
    this.pendingStart = undefined;
  }

  private send(run: Run, message: unknown): void {
    try {
      run.child.postMessage(message);
    } catch (err) {
      this.log('warn', 'could not send a message to the server process', { error: (err as Error).message });
    }
  }

  private waitForExit(run: Run, timeoutMs: number): Promise<number | undefined> {
    if (run.exited) return Promise.resolve(run.exitCode);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs);
      run.exitWaiters.push((code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  private setStatus(status: SupervisorStatus): void {
    this.current = status;
    for (const l of [...this.listeners]) {
      try {
        l(status);
      } catch (err) {
        this.log('error', 'a status listener failed', { error: (err as Error).message });
      }
    }
  }

  private log(level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void {
    this.opts.log?.(level, message, fields);
  }
}
