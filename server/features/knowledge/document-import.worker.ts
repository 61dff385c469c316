import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../../shared/errors.js';
import { readDocument, type ImportFormat } from './document-import.js';

/** Runs in a worker thread (document-import.thread.ts): reads one uploaded file, posts the items or the error. */
const { bytes, format, filename } = workerData as { bytes: Uint8Array; format: ImportFormat; filename: string | undefined };
readDocument(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), format, filename).then(
  (doc) => parentPort!.postMessage({ ok: true, doc }),
  (err: unknown) =>
    parentPort!.postMessage({
      ok: false,
      status: err instanceof AppError ? err.status : 500,
      message: err instanceof AppError ? err.message : 'The file could not be read',
      details: err instanceof AppError ? (err.extra as { errors?: unknown }).errors : undefined,
    }),
);
