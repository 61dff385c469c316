import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * SQLite's automatic checkpoint runs inside the commit that crosses the threshold: copying the
 * write-ahead log into the database file (megabytes after a large message) and syncing it, on the
 * event loop that answers guests and staff. This moves that work to a worker thread with its own
 * connections: it checkpoints (PASSIVE: never blocking a writer or reader) each registered file
 * whose log changed since its last complete checkpoint. The main connections keep a high
 * automatic threshold (FALLBACK_AUTOCHECKPOINT_PAGES) only as a backstop, so the log stays bounded
 * even if the worker were gone.
 */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 16_384;
/** SQLite's own threshold, used again if the worker fails. */
export const SQLITE_AUTOCHECKPOINT_PAGES = 1_000;
/** How often the worker looks for changed logs. */
const CHECK_EVERY_MS = 100;
/** Longest the main thread waits for the worker to let go of a file (closing a hotel's database, shutdown). */
const RELEASE_TIMEOUT_MS = 2_000;

// Plain JavaScript (the worker runs without a TypeScript loader). Answers each request by storing
// its sequence number in the shared cell and waking the main thread, which waits synchronously.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const Database = require(workerData.driver);
const cell = new Int32Array(workerData.cell);
const files = new Map();
function release(file) {
  const f = files.get(file);
  if (f && f.db) { try { f.db.close(); } catch {} }
  files.delete(file);
}
function tick() {
  for (const [file, f] of files) {
    let st;
    try { st = fs.statSync(file + '-wal'); } catch { continue; }
    const mark = st.mtimeMs + ':' + st.size;
    if (mark === f.mark) continue;
    try {
      if (!f.db) {
        f.db = new Database(file, { fileMustExist: true });
        f.db.pragma('busy_timeout = 0');
        f.db.pragma('synchronous = ' + workerData.synchronous);
      }
      const r = f.db.pragma('wal_checkpoint(PASSIVE)')[0];
      if (r && r.busy === 0 && r.checkpointed === r.log) f.mark = mark;
    } catch {
      // Busy or closing: the next look tries again.
    }
  }
}
const timer = setInterval(tick, workerData.everyMs);
parentPort.on('message', (m) => {
  if (m.type === 'add') files.set(m.file, { db: null, mark: '' });
  else if (m.type === 'release') release(m.file);
  else if (m.type === 'stop') { clearInterval(timer); for (const file of [...files.keys()]) release(file); }
  if (m.seq) { Atomics.store(cell, 0, m.seq); Atomics.notify(cell, 0); }
});
`;

export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly cell = new Int32Array(new SharedArrayBuffer(4));
  private seq = 0;
  private stopped = false;

  /**
   * `onFailure`: the worker is gone (it could not start or died); checkpoints must go back inside
   * commits. `source` replaces the worker's code (tests).
   */
  constructor(opts: { synchronous: 'FULL' | 'NORMAL'; everyMs?: number; onFailure: (err: unknown) => void; source?: string }) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(opts.source ?? WORKER_SOURCE, { eval: true, workerData: { driver, cell: this.cell.buffer, synchronous: opts.synchronous, everyMs: opts.everyMs ?? CHECK_EVERY_MS } });
    // Checkpoints are housekeeping: they never keep the process alive.
    this.worker.unref();
    const failed = (err: unknown) => {
      if (this.stopped) return;
      this.stopped = true;
      opts.onFailure(err);
    };
    this.worker.on('error', failed);
    this.worker.on('exit', (code) => failed(new Error(`checkpoint worker exited with code ${code}`)));
  }

  /** False once the worker has stopped or failed. */
  get running(): boolean {
    return !this.stopped;
  }

  /** Checkpoints this database file from now on. */
  add(file: string): void {
    if (!this.stopped) this.worker.postMessage({ type: 'add', file });
  }

  /** Stops checkpointing the file and closes the worker's connection to it before returning. */
  release(file: string): void {
    if (!this.stopped) this.ask({ type: 'release', file });
  }

  /** Closes every connection the worker holds before returning, then ends the worker. */
  stop(): void {
    if (this.stopped) return;
    this.ask({ type: 'stop' });
    this.stopped = true;
    void this.worker.terminate();
  }

  private ask(message: { type: string; file?: string }): void {
    const seq = ++this.seq;
    this.worker.postMessage({ ...message, seq });
    const deadline = Date.now() + RELEASE_TIMEOUT_MS;
    while (Atomics.load(this.cell, 0) < seq && Date.now() < deadline) Atomics.wait(this.cell, 0, Atomics.load(this.cell, 0), deadline - Date.now());
  }
}
