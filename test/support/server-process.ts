import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

export interface ServerProcess {
  child: ChildProcess;
  publicUrl: string;
  staffUrl: string;
  exited: Promise<void>;
  /** Everything the process wrote so far. */
  output(): string;
}

/**
 * The real server as a child process (`nocturn serve`) on a data directory, with loopback ports
 * chosen by the system, for tests and benchmarks that kill it with SIGKILL.
 */
export function spawnServer(dataDir: string, env: Record<string, string> = {}, startTimeoutMs = 30_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'server/cli/bin.ts'), 'serve'], {
    cwd: root,
    env: {
      ...process.env,
      NOCTURN_ENV: 'test',
      NOCTURN_DATA_DIR: dataDir,
      NOCTURN_STAFF_PORT: '0',
      NOCTURN_PUBLIC_PORT: '0',
      NOCTURN_SERVE_UI: 'false',
      NOCTURN_EMBEDDER: 'none',
      NOCTURN_OLLAMA_HOST: 'http://127.0.0.1:9',
      NOCTURN_RETRY_BASE_MS: '50',
      // SIGKILL is an application crash: with WAL a committed transaction survives it at NORMAL as at FULL.
      NOCTURN_DB_SYNCHRONOUS: 'NORMAL',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out.slice(-2000)}`)), startTimeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      const pub = /"publicUrl":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out);
      const staff = /"staffUrl":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out);
      if (pub && staff) {
        clearTimeout(timer);
        resolve({ child, publicUrl: pub[1]!, staffUrl: staff[1]!, exited, output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', () => reject(new Error(`server exited early:\n${out.slice(-2000)}`)));
  });
}
