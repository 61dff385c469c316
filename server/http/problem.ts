import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { AppError, PayloadTooLargeError, TooManyRequestsError, UnsupportedMediaError, ValidationError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';

export const PROBLEM_TYPE_BASE = 'https://nocturn.app/problems/';

export function sendProblem(res: Response, status: number, body: Record<string, unknown>): void {
  res.status(status).type('application/problem+json').send(JSON.stringify({ ...body, status, requestId: res.locals.requestId }));
}

function problemFor(err: AppError, instance: string): Record<string, unknown> {
  return { type: PROBLEM_TYPE_BASE + err.type, title: err.title, detail: err.message, instance, ...err.extra };
}

/**
 * Maps failures to read a request body onto typed errors: body-parser's own, and a body whose
 * gzip, deflate or br encoding is broken (zlib's error, passed on by body-parser with no type).
 * Undefined for anything else.
 */
export function bodyReadError(err: unknown): AppError | undefined {
  const e = (err ?? {}) as { type?: unknown; code?: unknown; status?: unknown };
  switch (e.type) {
    case 'entity.too.large':
      return new PayloadTooLargeError();
    case 'entity.parse.failed':
      return new ValidationError('The request body is not valid JSON');
    case 'encoding.unsupported':
      return new UnsupportedMediaError('Unsupported Content-Encoding (use gzip, deflate, br or none)');
    case 'charset.unsupported':
      return new UnsupportedMediaError('Unsupported body charset');
    case 'request.aborted':
      return new ValidationError('The request was aborted');
    case 'request.size.invalid':
      return new ValidationError('The request body is not as long as its Content-Length says');
    default:
      break;
  }
  // zlib: Z_DATA_ERROR, Z_BUF_ERROR ...; brotli: ERR__ERROR_FORMAT_... ; a truncated stream: ERR_STREAM_PREMATURE_CLOSE.
  if (e.status === 400 && typeof e.code === 'string' && /^(Z_|ERR__ERROR_|ERR_BROTLI|ERR_ZLIB|ERR_STREAM_PREMATURE_CLOSE)/.test(e.code)) {
    return new ValidationError('The request body is not valid for its Content-Encoding');
  }
  return undefined;
}

export interface UnexpectedErrorSink {
  record(err: Error, route: string | undefined): void;
}

/** Typed errors become problem+json; anything else a bare 500 with the request id, recorded by fingerprint. */
export function problemHandler(log: Logger, sink: UnexpectedErrorSink): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const known = err instanceof AppError ? err : bodyReadError(err);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (known) {
      if (known instanceof TooManyRequestsError) res.setHeader('Retry-After', String(known.retryAfterSeconds));
      sendProblem(res, known.status, problemFor(known, req.originalUrl.split('?')[0] ?? ''));
      return;
    }
    const e = err instanceof Error ? err : new Error(String(err));
    const routePath = req.route ? `${req.baseUrl}${String(req.route.path)}` : undefined;
    sink.record(e, routePath);
    (res.locals.log as Logger | undefined ?? log).error({ err: e, route: routePath }, 'unexpected error');
    sendProblem(res, 500, { type: PROBLEM_TYPE_BASE + 'internal', title: 'Internal error', detail: 'Something went wrong; the error was recorded.' });
  };
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, 404, { type: PROBLEM_TYPE_BASE + 'not-found', title: 'Not found', detail: `No route for ${req.method} ${req.path}`, instance: req.path });
};
