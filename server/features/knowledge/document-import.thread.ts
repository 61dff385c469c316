import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { UnsupportedMediaError, ValidationError } from '../../shared/errors.js';
import type { ImportedDocument, ImportFormat } from './document-import.js';

/** Longest a document may take to read before the worker reading it is stopped. */
const DOCUMENT_READ_TIMEOUT_MS = 60_000;

const here = fileURLToPath(import.meta.url);
const fromSource = path.extname(here) === '.ts';
/** The worker's file beside this one: .js when built; .ts when run from source, loaded through tsx's hooks. */
const workerUrl = pathToFileURL(path.join(path.dirname(here), `document-import.worker${path.extname(here)}`)).href;
const workerScript = fromSource
  ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(workerUrl)}); })`
  : `import(${JSON.stringify(workerUrl)})`;

type WorkerAnswer = { ok: true; doc: ImportedDocument } | { ok: false; status: number; message: string; details?: { path: string; message: string }[] };

/**
 * Reads an uploaded document in a worker thread: PDF, DOCX, HTML and Markdown parsing is CPU work
 * on untrusted input that can run long, and must not hold the event loop that answers guests and
 * staff. A read that takes longer than `timeoutMs` is stopped and refused.
 */
export function readDocumentOffThread(bytes: Buffer, format: ImportFormat, filename: string | undefined, timeoutMs = DOCUMENT_READ_TIMEOUT_MS): Promise<ImportedDocument> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerScript, { eval: true, workerData: { bytes: new Uint8Array(bytes), format, filename }, resourceLimits: { maxOldGenerationSizeMb: 512 } });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
      void worker.terminate();
    };
    const timer = setTimeout(() => finish(() => reject(new ValidationError(`The file took longer than ${Math.round(timeoutMs / 1000)} s to read; split it into smaller files`))), timeoutMs);
    worker.once('message', (answer: WorkerAnswer) =>
      finish(() => {
        if (answer.ok) resolve(answer.doc);
        else if (answer.status === 415) reject(new UnsupportedMediaError(answer.message));
        else if (answer.status < 500) reject(new ValidationError(answer.message, answer.details));
        else reject(new ValidationError('The file could not be read'));
      }),
    );
    worker.once('error', () => finish(() => reject(new ValidationError('The file could not be read'))));
    worker.once('exit', (code) => finish(() => reject(new ValidationError(code === 0 ? 'The file could not be read' : 'Reading the file ran out of memory or stopped'))));
  });
}
