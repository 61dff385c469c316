import { realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { loadConfig } from './config/config.js';
import { startServer, type RunningServer } from './main.js';
import { createLogger, type Logger } from './shared/logger.js';

/**
 * The server entry the desktop shell forks with Electron's `utilityProcess.fork`. It never imports
 * electron: the shell's port is typed here, structurally. The master key (or the admin's passphrase)
 * arrives in the `start` message, never in argv or the environment, and is kept only in memory.
 *
 * Protocol (shell -> server): {type:'start', dataDir, masterKey (base64) | masterPassphrase} once,
 * then {type:'stop'}. Server -> shell: {type:'ready', staffUrl, publicUrl, setupToken?} or
 * {type:'error', message} (then exit 1). A stop closes gracefully and exits 0.
 */

const KEY_ENV = ['NOCTURN_MASTER_KEY', 'NOCTURN_MASTER_PASSPHRASE'] as const;

const startMessage = z
  .object({
    type: z.literal('start'),
    dataDir: z.string().min(1).max(4096),
    masterKey: z
      .string()
      .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64')
      .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes')
      .optional(),
    masterPassphrase: z.string().min(12).max(1024).optional(),
  })
  .strict()
  .refine((m) => (m.masterKey === undefined) !== (m.masterPassphrase === undefined), 'exactly one of masterKey and masterPassphrase');

const stopMessage = z.object({ type: z.literal('stop') }).strict();

export type StartMessage = z.infer<typeof startMessage>;

export type EntryReply =
  | { type: 'ready'; staffUrl: string; publicUrl: string; setupToken?: string }
  | { type: 'error'; message: string };

/** The shell's side of the channel: Electron's `process.parentPort`, Node's IPC channel, or a test's in-memory pair. */
export interface ShellPort {
  onMessage(listener: (data: unknown) => void): void;
  /** Resolves once the message has been handed to the channel (so exiting right after does not lose it). */
  postMessage(message: EntryReply): Promise<void>;
  /** The shell went away without saying stop. */
  onDisconnect?(listener: () => void): void;
}

export interface EntryDeps {
  /** The environment configuration is read from (never mutated; the key is added to a copy only). */
  env: Record<string, string | undefined>;
  exit: (code: number) => void;
  /** Optional: a logger (tests); by default one is created from the configuration. */
  log?: Logger;
  start?: typeof startServer;
}

export interface UtilityEntry {
  /** Stops the server (if started) and exits 0; what a `stop` message or a SIGTERM does. */
  stop(reason: string): Promise<void>;
  /** The running server once ready (tests). */
  server(): RunningServer | undefined;
}

type State = 'waiting' | 'starting' | 'running' | 'stopping';

function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 2000);
}

/** Wires a shell port to the server: the whole message protocol, testable without Electron. */
export function serveShellPort(port: ShellPort, deps: EntryDeps): UtilityEntry {
  let state: State = 'waiting';
  let starting: Promise<RunningServer | undefined> | undefined;
  let running: RunningServer | undefined;
  let log: Logger | undefined = deps.log;
  let stopping: Promise<void> | undefined;

  const fail = async (message: string) => {
    log?.error({ reason: message }, 'desktop server could not start');
    state = 'stopping';
    await port.postMessage({ type: 'error', message }).catch(() => undefined);
    deps.exit(1);
  };

  const start = async (msg: StartMessage): Promise<RunningServer | undefined> => {
    const env: Record<string, string | undefined> = { ...deps.env, NOCTURN_DATA_DIR: msg.dataDir };
    for (const k of KEY_ENV) delete env[k];
    // In this copy only, so loadConfig's checks (production needs a real key) see the key the shell handed over.
    if (msg.masterKey) env.NOCTURN_MASTER_KEY = msg.masterKey;
    if (msg.masterPassphrase) env.NOCTURN_MASTER_PASSPHRASE = msg.masterPassphrase;
    try {
      const config = loadConfig(env);
      log ??= createLogger({ level: config.logLevel });
      const providedKey = msg.masterKey ? Buffer.from(msg.masterKey, 'base64') : undefined;
      const server = await (deps.start ?? startServer)({ config, log, ...(providedKey ? { providedKey } : {}) });
      if (state !== 'starting') return server; // a stop arrived meanwhile: it closes this server
      running = server;
      state = 'running';
      await port.postMessage({
        type: 'ready',
        staffUrl: server.staffUrl,
        publicUrl: server.publicUrl,
        ...(server.setupToken ? { setupToken: server.setupToken } : {}),
      });
      return server;
    } catch (err) {
      if (state === 'stopping') log?.error({ err }, 'desktop server failed while a stop was pending');
      else await fail(errorText(err));
      return undefined;
    }
  };

  const stop = (reason: string): Promise<void> =>
    (stopping ??= (async () => {
      const wasStarting = state === 'starting';
      state = 'stopping';
      log?.info({ reason }, 'desktop server stopping');
      let code = 0;
      try {
        const server = running ?? (wasStarting ? await starting : undefined);
        await server?.close();
      } catch (err) {
        log?.error({ err }, 'desktop server did not close cleanly');
        code = 1;
      }
      deps.exit(code);
    })());

  port.onMessage((data) => {
    const type = typeof data === 'object' && data !== null ? (data as { type?: unknown }).type : undefined;
    if (type === 'stop' && stopMessage.safeParse(data).success) {
      void stop('stop message');
      return;
    }
    if (type === 'start') {
      if (state !== 'waiting') {
        log?.warn({ state }, 'ignoring a second start message');
        return;
      }
      const parsed = startMessage.safeParse(data);
      if (!parsed.success) {
        // Never echo the message: it may hold the key.
        void fail(`invalid start message: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; ')}`);
        return;
      }
      state = 'starting';
      starting = start(parsed.data);
      return;
    }
    log?.warn({ type: typeof type === 'string' ? type.slice(0, 40) : typeof type }, 'ignoring an unknown message from the shell');
  });
  port.onDisconnect?.(() => void stop('shell disconnected'));

  return { stop, server: () => running };
}

/** Electron's `process.parentPort`, typed here so server/ never needs electron's types. */
interface ElectronParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

function electronPort(parent: ElectronParentPort): ShellPort {
  return {
    onMessage: (listener) => parent.on('message', (event) => listener(event.data)),
    postMessage: (message) =>
      new Promise((resolve) => {
        parent.postMessage(message);
        // postMessage queues on a Mojo pipe; give it a moment before a possible exit.
        setTimeout(resolve, 50);
      }),
  };
}

function nodeIpcPort(): ShellPort {
  return {
    onMessage: (listener) => process.on('message', listener),
    postMessage: (message) =>
      new Promise((resolve) => {
        if (!process.send?.(message, () => resolve())) resolve();
      }),
    onDisconnect: (listener) => process.on('disconnect', listener),
  };
}

function isEntryModule(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(path.resolve(script)) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

function runAsEntry(port: ShellPort): void {
  const entry = serveShellPort(port, { env: process.env, exit: (code) => process.exit(code) });
  // utilityProcess.kill() is SIGTERM on POSIX: close the databases before going.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void entry.stop(signal));
}

const parentPort = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
if (parentPort) {
  runAsEntry(electronPort(parentPort));
} else if (process.send && isEntryModule()) {
  // A Node child with an IPC channel (child_process.fork): the same protocol, for tests and tools.
  runAsEntry(nodeIpcPort());
}
