import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { maskPii } from '../../shared/redact.js';
import { TunnelUnavailableError, type TunnelSession } from './tunnel.port.js';

interface ProcessTunnelOptions {
  /** What the tunnel is called in messages ("cloudflared", "the tunnel command"). */
  label: string;
  command: string;
  args: string[];
  /** Matched against every output line (stdout and stderr); group 1 if the pattern has one, else the whole match. */
  urlPattern: RegExp;
  /** How long the program may take to print its URL. */
  startTimeoutMs: number;
  /** Said when the program is not installed. */
  notFound: string;
  /** Tried while waiting, for programs that also publish the URL elsewhere (cloudflared's /quicktunnel). */
  pollUrl?: () => Promise<string | undefined>;
  /** Environment for the child; the parent's when left out. */
  env?: NodeJS.ProcessEnv;
  /** Every output line, for debug logging. */
  onLine?: (line: string) => void;
}

const STOP_GRACE_MS = 3_000;
const TAIL_LINES = 20;

/** The last lines a program printed, for an operator-facing error (contact details masked). */
function summary(tail: string[]): string {
  const last = tail.filter((l) => l.trim()).slice(-3).join(' | ');
  return last ? `: ${maskPii(last).slice(0, 400)}` : '';
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `was stopped by ${signal}` : `exited with code ${code ?? 'unknown'}`;
}

/**
 * Starts a tunnel program as a child process and learns its public URL from its output. The
 * session ends when the program exits; `stop` asks it to end (SIGTERM) and insists (SIGKILL)
 * after a grace period. The child's output is drained for its whole life so it never blocks.
 */
export function openProcessTunnel(o: ProcessTunnelOptions): Promise<TunnelSession & { pid: number | undefined }> {
  const child = spawn(o.command, o.args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true, ...(o.env ? { env: o.env } : {}) });
  const tail: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  const alive = () => child.exitCode === null && child.signalCode === null;

  const stop = async (): Promise<void> => {
    if (child.pid === undefined) return;
    if (alive()) child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const forced = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        if (alive()) child.kill('SIGKILL');
        resolve();
      }, STOP_GRACE_MS);
    });
    await Promise.race([exited, forced]);
    clearTimeout(timer);
    await exited;
  };

  return new Promise((resolve, reject) => {
    let settled = false;
    let pollTimer: NodeJS.Timeout | undefined;
    const finish = (err: Error | null, url?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(startTimer);
      clearTimeout(pollTimer);
      if (err) {
        void stop().finally(() => reject(err));
        return;
      }
      resolve({
        url: url!,
        pid: child.pid,
        ended: exited.then(({ code, signal }) => `${o.label} ${describeExit(code, signal)}${summary(tail)}`),
        stop,
      });
    };

    const onLine = (line: string) => {
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      o.onLine?.(line);
      if (settled) return;
      const m = o.urlPattern.exec(line);
      if (m) finish(null, (m[1] ?? m[0]).replace(/\/+$/, ''));
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);

    child.once('error', (err: NodeJS.ErrnoException) => {
      finish(err.code === 'ENOENT' ? new TunnelUnavailableError(o.notFound) : new Error(`${o.label} could not be started: ${err.message}`));
    });
    void exited.then(({ code, signal }) => finish(new Error(`${o.label} ${describeExit(code, signal)} before it printed a public URL${summary(tail)}`)));
    const startTimer: NodeJS.Timeout = setTimeout(
      () => finish(new Error(`${o.label} printed no public URL within ${Math.round(o.startTimeoutMs / 1000)} s${summary(tail)}`)),
      o.startTimeoutMs,
    );
    if (o.pollUrl) {
      const poll = () => {
        o.pollUrl!()
          .then((url) => {
            if (url) finish(null, url);
          })
          .catch(() => undefined)
          .finally(() => {
            if (!settled) pollTimer = setTimeout(poll, 500);
          });
      };
      pollTimer = setTimeout(poll, 500);
    }
  });
}
